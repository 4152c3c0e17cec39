package org.dualflow.ingest;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.poi.ss.util.CellReference;

/**
 * A sheet of the spreadsheet Eurostat's data browser downloads, read back into the long layout
 * of its SDMX-CSV: one record per value cell. Such a sheet is a pivot table:
 *
 * <pre>
 * Data extracted on 19/01/2023 20:30:28 from [ESTAT]
 * Dataset: | EU trade since 1988 by HS2-4-6 and CN8 [DS-045409__custom_4606328]
 * Last updated: | 13/01/2023 11:00
 * PRODUCT [PRODUCT] | | Teleferics, chairlifts, … [84286000]      the sheet's fixed dimensions
 * FLOW              | | EXPORT
 * INDICATORS        | | VALUE_IN_EUROS
 * TIME              | TIME             | 2020-01 | 2020-02 | …     the periods across
 * FREQ (Labels)     | FREQ (Labels)    | Monthly | Monthly | …     more column dimensions
 * REPORTER (Labels) | PARTNER (Labels) |         |         |       the row dimensions
 * Austria           | Armenia          | :       | 8813    | …     values; ':' not available
 * Special value                                                    the legend ends the table
 * </pre>
 *
 * The records have the columns {@code <fixed dimensions>, <column dimensions>, <row
 * dimensions>, TIME_PERIOD, OBS_VALUE, CELL}, dimension names without Eurostat's {@code [..]}
 * and {@code (Labels)} notes, and a value's code where its label carries one in brackets
 * ({@code … [84286000]} is {@code 84286000}). A cell that is not available ({@code :}) is no
 * observation and gives no record: missing, not zero. Lines are the records' sequence numbers
 * (the header is line 1); each record's text starts with its cell ({@code D12: …}).
 */
final class EurostatSpreadsheetReader implements RecordReader {

  /** The first line of every data sheet of the download. */
  static final String MARK = "Data extracted on";

  private static final Pattern CODE_IN_BRACKETS = Pattern.compile(".*\\[([^\\[\\]]+)\\]\\s*");
  private static final Pattern NOTE = Pattern.compile("\\s*(\\[[^\\]]*\\]|\\(Labels\\))\\s*$");

  private final XlsxSheetReader sheet;
  private final List<String> header = new ArrayList<>();
  private final List<String> fixed = new ArrayList<>();
  /** Per column dimension, its value in each sheet column. */
  private final List<String[]> columnDimensions = new ArrayList<>();
  private final String[] periods;
  private final int rowDimensions;

  private final String[] fields;
  private FieldType valueType = FieldType.TEXT;
  private String cell;
  private long line;
  private boolean headerGiven;
  private boolean ended;
  private int column = Integer.MAX_VALUE;   // the next period column of the current row

  /**
   * The sheet as records when it is a data browser sheet; otherwise the sheet itself, from its
   * first row.
   */
  static RecordReader wrap(XlsxSheetReader sheet) throws IOException {
    if (!sheet.next()) {
      return sheet;
    }
    if (!sheet.field(0).startsWith(MARK)) {
      sheet.pushBack();
      return sheet;
    }
    try {
      return new EurostatSpreadsheetReader(sheet);
    } catch (IOException | RuntimeException e) {
      sheet.close();
      throw e;
    }
  }

  private EurostatSpreadsheetReader(XlsxSheetReader sheet) throws IOException {
    this.sheet = sheet;
    List<String> fixedNames = new ArrayList<>();
    String[] time = null;
    while (time == null) {
      if (!sheet.next()) {
        throw new InputFileException("it looks like a sheet of Eurostat's data browser "
            + "download but has no TIME row; download the same selection as CSV instead");
      }
      String first = sheet.field(0).trim();
      if (first.equals("TIME")) {
        time = values(sheet);
      } else if (!first.isEmpty() && !first.endsWith(":") && !first.startsWith(MARK)) {
        String value = firstValueAfter(sheet, 0);
        if (value != null) {
          fixedNames.add(name(first));
          fixed.add(code(value));
        }
      }
    }
    List<String> columnNames = new ArrayList<>();
    List<String> rowNames = new ArrayList<>();
    while (rowNames.isEmpty()) {
      if (!sheet.next()) {
        throw new InputFileException("its pivot table has periods but no rows; download the "
            + "same selection as CSV instead");
      }
      String[] row = values(sheet);
      int firstPeriod = firstNonEmpty(time, 1);
      boolean across = firstPeriod >= 0 && firstPeriod < row.length && !row[firstPeriod].isEmpty();
      if (across) {
        columnNames.add(name(row[0]));
        columnDimensions.add(row);
      } else {
        for (String r : row) {
          if (r.isEmpty()) {
            break;
          }
          rowNames.add(name(r));
        }
      }
    }
    rowDimensions = rowNames.size();
    periods = new String[time.length];
    for (int c = rowDimensions; c < time.length; c++) {
      periods[c] = time[c].isEmpty() ? null : time[c];
    }
    header.addAll(fixedNames);
    header.addAll(columnNames);
    header.addAll(rowNames);
    header.add("TIME_PERIOD");
    header.add("OBS_VALUE");
    header.add("CELL");
    fields = new String[header.size()];
  }

  private static String[] values(XlsxSheetReader sheet) {
    String[] v = new String[sheet.fieldCount()];
    for (int i = 0; i < v.length; i++) {
      v[i] = sheet.field(i).trim();
    }
    return v;
  }

  private static String firstValueAfter(XlsxSheetReader sheet, int column) {
    for (int i = column + 1; i < sheet.fieldCount(); i++) {
      if (!sheet.field(i).isBlank()) {
        return sheet.field(i).trim();
      }
    }
    return null;
  }

  private static int firstNonEmpty(String[] values, int from) {
    for (int i = from; i < values.length; i++) {
      if (!values[i].isEmpty() && !values[i].equals(values[0])) {
        return i;
      }
    }
    return -1;
  }

  /** {@code PRODUCT [PRODUCT]} and {@code REPORTER (Labels)} are PRODUCT and REPORTER. */
  private static String name(String label) {
    return NOTE.matcher(label).replaceFirst("").trim();
  }

  /** The code a label carries in brackets at its end, else the label. */
  private static String code(String label) {
    Matcher m = CODE_IN_BRACKETS.matcher(label);
    return m.matches() ? m.group(1).trim() : label.trim();
  }

  @Override
  public boolean next() throws IOException {
    if (!headerGiven) {
      headerGiven = true;
      line = 1;
      cell = null;
      for (int i = 0; i < fields.length; i++) {
        fields[i] = header.get(i);
      }
      valueType = FieldType.TEXT;
      return true;
    }
    while (!ended) {
      while (column < periods.length && column < sheet.fieldCount()) {
        int c = column++;
        String value = sheet.field(c).trim();
        if (periods[c] == null || value.isEmpty() || value.equals(":")) {
          continue;      // no observation: not available, or no period above it
        }
        int f = 0;
        for (String v : fixed) {
          fields[f++] = v;
        }
        for (String[] dimension : columnDimensions) {
          fields[f++] = c < dimension.length ? dimension[c] : "";
        }
        for (int r = 0; r < rowDimensions; r++) {
          fields[f++] = code(sheet.field(r));
        }
        fields[f++] = periods[c];
        fields[f++] = value;
        cell = CellReference.convertNumToColString(c) + sheet.lineNumber();
        fields[f] = cell;
        valueType = sheet.type(c);
        line++;
        return true;
      }
      if (!sheet.next() || sheet.field(0).trim().startsWith("Special value")) {
        ended = true;
        return false;
      }
      column = rowDimensions;
    }
    return false;
  }

  @Override
  public long lineNumber() {
    return line;
  }

  @Override
  public String rawText() {
    StringBuilder sb = new StringBuilder(cell == null ? "" : cell + ": ");
    for (int i = 0; i < fields.length - 1; i++) {
      sb.append(i == 0 ? "" : ",").append(fields[i]);
    }
    return sb.toString();
  }

  @Override
  public String problem() {
    return headerGiven && cell != null ? sheet.problem() : null;
  }

  @Override
  public int fieldCount() {
    return fields.length;
  }

  @Override
  public String field(int i) {
    return fields[i];
  }

  @Override
  public FieldType type(int i) {
    return i == fields.length - 2 && cell != null ? valueType : FieldType.TEXT;
  }

  @Override
  public char delimiter() {
    return ',';
  }

  @Override
  public void close() throws IOException {
    sheet.close();
  }
}

package org.dualflow.ingest;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import org.apache.poi.openxml4j.exceptions.InvalidFormatException;
import org.apache.poi.openxml4j.exceptions.OpenXML4JException;
import org.apache.poi.openxml4j.opc.OPCPackage;
import org.apache.poi.openxml4j.opc.PackageAccess;
import org.apache.poi.ss.usermodel.DateUtil;
import org.apache.poi.ss.util.CellReference;
import org.apache.poi.util.XMLHelper;
import org.apache.poi.xssf.eventusermodel.ReadOnlySharedStringsTable;
import org.apache.poi.xssf.eventusermodel.XSSFReader;
import org.apache.poi.xssf.model.StylesTable;
import org.apache.poi.xssf.usermodel.XSSFCellStyle;

/**
 * One sheet of an Excel workbook ({@code .xlsx}), row by row: a row is a record, its number the
 * record's line. Apache POI opens the package and reads the shared strings and styles; the sheet
 * itself is pulled through a StAX reader, so memory does not grow with the sheet (POI's own
 * streaming API pushes rows through a callback, which would not fit the record-by-record
 * readers).
 *
 * <p>Cells are given as they are stored, not as Excel displays them: a number cell as a plain
 * decimal ({@code 1234.5}, {@link FieldType#NUMBER}) whatever its display format or the
 * workbook's locale, a date cell as an ISO date ({@link FieldType#DATE}), text as text. Rows
 * without any value are skipped, like blank lines; trailing empty cells do not count as fields.
 */
public final class XlsxSheetReader implements RecordReader {

  /**
   * A sheet of a workbook: its name, the bytes of its part, and its first non-empty row's first
   * value (null for a sheet without any value).
   */
  public record Sheet(String name, long bytes, String firstValue) {
    public boolean hasData() {
      return firstValue != null;
    }
  }

  private final OPCPackage pkg;
  private final File deleteOnClose;
  private final InputStream sheet;
  private final XMLStreamReader xml;
  private final ReadOnlySharedStringsTable strings;
  private final StylesTable styles;
  private final boolean date1904;

  private final List<String> values = new ArrayList<>();
  private final List<FieldType> types = new ArrayList<>();
  private long row;
  private int width = -1;     // the first record's (the header's) width
  private int fieldCount;
  private String problem;
  private boolean replay;
  private final java.util.Map<Integer, Boolean> dateStyles = new java.util.HashMap<>();

  /** What every sheet of a workbook is read with: its strings, styles and date system. */
  private record Book(XSSFReader reader, ReadOnlySharedStringsTable strings, StylesTable styles,
      boolean date1904) {

    static Book of(OPCPackage pkg)
        throws IOException, OpenXML4JException, XMLStreamException, org.xml.sax.SAXException {
      XSSFReader reader = new XSSFReader(pkg);
      return new Book(reader, new ReadOnlySharedStringsTable(pkg), reader.getStylesTable(),
          usesDate1904(reader));
    }
  }

  /**
   * @param pkg the package this reader closes, or null when the caller keeps it open
   */
  private XlsxSheetReader(OPCPackage pkg, File deleteOnClose, Book book, InputStream sheet)
      throws XMLStreamException {
    this.pkg = pkg;
    this.deleteOnClose = deleteOnClose;
    this.strings = book.strings();
    this.styles = book.styles();
    this.date1904 = book.date1904();
    this.sheet = sheet;
    this.xml = XMLHelper.newXMLInputFactory().createXMLStreamReader(sheet);
  }

  /**
   * Opens a sheet of a workbook on the local disk.
   *
   * @param sheetName the sheet, or null for the first
   * @param deleteOnClose true for a temporary copy, removed on {@link #close()}
   * @throws InputFileException when the file is not a readable workbook or lacks the sheet
   */
  public static XlsxSheetReader open(File workbook, String sheetName, boolean deleteOnClose)
      throws IOException {
    OPCPackage pkg = openPackage(workbook);
    try {
      Book book = Book.of(pkg);
      XSSFReader.SheetIterator it = book.reader().getSheetIterator();
      InputStream found = null;
      while (it.hasNext()) {
        InputStream sheet = it.next();
        if (found == null && (sheetName == null || it.getSheetName().equals(sheetName))) {
          found = sheet;
        } else {
          sheet.close();
        }
      }
      if (found == null) {
        throw new InputFileException("the workbook has no sheet '" + sheetName + "' any more; "
            + "list the input again");
      }
      return new XlsxSheetReader(pkg, deleteOnClose ? workbook : null, book, found);
    } catch (OpenXML4JException | XMLStreamException | org.xml.sax.SAXException
        | RuntimeException e) {
      pkg.revert();
      if (deleteOnClose) {
        java.nio.file.Files.deleteIfExists(workbook.toPath());
      }
      if (e instanceof InputFileException ife) {
        throw ife;
      }
      throw new InputFileException("it is not a readable Excel workbook (" + e.getMessage()
          + "); open and save it again in Excel, or save the sheet as CSV", e);
    }
  }

  /**
   * The workbook's sheets in their order, each with its first value: one opening of the
   * package, each sheet read to its first row with a value.
   */
  public static List<Sheet> sheets(File workbook) throws IOException {
    List<Sheet> out = new ArrayList<>();
    OPCPackage pkg = openPackage(workbook);
    try {
      Book book = Book.of(pkg);
      XSSFReader.SheetIterator it = book.reader().getSheetIterator();
      while (it.hasNext()) {
        try (XlsxSheetReader r = new XlsxSheetReader(null, null, book, it.next())) {
          out.add(new Sheet(it.getSheetName(), it.getSheetPart().getSize(),
              r.next() ? r.field(0) : null));
        }
      }
    } catch (OpenXML4JException | XMLStreamException | org.xml.sax.SAXException
        | RuntimeException e) {
      if (e instanceof InputFileException ife) {
        throw ife;
      }
      throw new InputFileException("it is not a readable Excel workbook (" + e.getMessage()
          + "); open and save it again in Excel, or save the sheet as CSV", e);
    } finally {
      pkg.revert();
    }
    return out;
  }

  private static OPCPackage openPackage(File workbook) {
    try {
      return OPCPackage.open(workbook, PackageAccess.READ);
    } catch (InvalidFormatException | RuntimeException e) {
      throw new InputFileException("it is not a readable Excel workbook (" + e.getMessage()
          + "); an .xls file must be saved as .xlsx or CSV first", e);
    }
  }

  private static boolean usesDate1904(XSSFReader reader)
      throws IOException, InvalidFormatException, XMLStreamException {
    try (InputStream in = reader.getWorkbookData()) {
      XMLStreamReader x = XMLHelper.newXMLInputFactory().createXMLStreamReader(in);
      while (x.hasNext()) {
        if (x.next() == XMLStreamConstants.START_ELEMENT) {
          if (x.getLocalName().equals("workbookPr")) {
            String v = x.getAttributeValue(null, "date1904");
            return "1".equals(v) || "true".equalsIgnoreCase(v);
          }
          if (x.getLocalName().equals("sheets")) {
            return false;   // workbookPr comes before the sheets, when at all
          }
        }
      }
      return false;
    }
  }

  /** Makes the next {@link #next()} give the current row again (to look at a sheet first). */
  void pushBack() {
    replay = true;
  }

  @Override
  public boolean next() throws IOException {
    if (replay) {
      replay = false;
      return true;
    }
    try {
      while (xml.hasNext()) {
        if (xml.next() == XMLStreamConstants.START_ELEMENT && xml.getLocalName().equals("row")) {
          String r = xml.getAttributeValue(null, "r");
          row = r == null ? row + 1 : Long.parseLong(r);
          if (readRow()) {
            return true;
          }
        }
      }
      return false;
    } catch (XMLStreamException | NumberFormatException e) {
      throw new IOException("row " + (row + 1) + " of the sheet cannot be read: "
          + e.getMessage(), e);
    }
  }

  /** Reads the current row's cells; false when none has a value. */
  private boolean readRow() throws XMLStreamException {
    values.clear();
    types.clear();
    problem = null;
    int last = -1;
    int column = -1;
    while (xml.hasNext()) {
      int event = xml.next();
      if (event == XMLStreamConstants.END_ELEMENT && xml.getLocalName().equals("row")) {
        break;
      }
      if (event == XMLStreamConstants.START_ELEMENT && xml.getLocalName().equals("c")) {
        String ref = xml.getAttributeValue(null, "r");
        column = ref == null ? column + 1 : columnOf(ref);
        String type = xml.getAttributeValue(null, "t");
        FieldType kind = cellType(type, xml.getAttributeValue(null, "s"));
        String[] raw = cellContent();
        String value = value(type, kind, raw[0], raw[1], column);
        if (!value.isEmpty()) {
          while (values.size() <= column) {
            values.add("");
            types.add(FieldType.TEXT);
          }
          values.set(column, value);
          types.set(column, kind);
          last = column;
        }
      }
    }
    if (last < 0) {
      return false;
    }
    if (width < 0) {
      width = last + 1;
    }
    fieldCount = Math.max(width, last + 1);
    while (values.size() < fieldCount) {
      values.add("");
      types.add(FieldType.TEXT);
    }
    return true;
  }

  /** The cell's stored value ({@code <v>}) and inline text ({@code <is>}, without phonetics). */
  private String[] cellContent() throws XMLStreamException {
    StringBuilder v = null;
    StringBuilder inline = null;
    int depth = 1;
    boolean inV = false;
    boolean inT = false;
    boolean inPhonetic = false;
    while (depth > 0) {
      int event = xml.next();
      if (event == XMLStreamConstants.START_ELEMENT) {
        depth++;
        String name = xml.getLocalName();
        inV = name.equals("v");
        inT = name.equals("t") && !inPhonetic;
        inPhonetic |= name.equals("rPh");
        if (inV && v == null) {
          v = new StringBuilder();
        }
        if (inT && inline == null) {
          inline = new StringBuilder();
        }
      } else if (event == XMLStreamConstants.END_ELEMENT) {
        depth--;
        String name = xml.getLocalName();
        if (name.equals("rPh")) {
          inPhonetic = false;
        }
        inV = false;
        inT = false;
      } else if (event == XMLStreamConstants.CHARACTERS || event == XMLStreamConstants.CDATA) {
        if (inV) {
          v.append(xml.getText());
        } else if (inT) {
          inline.append(xml.getText());
        }
      }
    }
    return new String[] {v == null ? null : v.toString(), inline == null ? null
        : inline.toString()};
  }

  /** The column of a cell reference ({@code AB12} is 27), its letters before the row. */
  private static int columnOf(String ref) {
    int end = 0;
    while (end < ref.length() && !Character.isDigit(ref.charAt(end))) {
      end++;
    }
    return CellReference.convertColStringToIndex(ref.substring(0, end));
  }

  private String value(String type, FieldType kind, String v, String inline, int column) {
    String t = type == null ? "n" : type;
    switch (t) {
      case "inlineStr":
        return inline == null ? "" : inline;
      case "s":
        if (v == null || v.isBlank()) {
          return "";
        }
        int i = Integer.parseInt(v.trim());
        if (i < 0 || i >= strings.getUniqueCount()) {
          problem = "cell " + CellReference.convertNumToColString(column) + row
              + " refers to shared string " + i + ", which the workbook does not have";
          return "";
        }
        return strings.getItemAt(i).getString();
      case "b":
        return v == null ? "" : "1".equals(v.trim()) ? "TRUE" : "FALSE";
      case "str", "e":
        return v == null ? "" : v;
      case "d":
        return v == null ? "" : v.trim().length() >= 10 ? v.trim().substring(0, 10) : v.trim();
      default:
        if (v == null || v.isBlank()) {
          return "";
        }
        if (kind == FieldType.DATE) {
          LocalDateTime d = DateUtil.getLocalDateTime(Double.parseDouble(v), date1904);
          return d.toLocalTime().equals(java.time.LocalTime.MIDNIGHT)
              ? d.toLocalDate().toString() : d.toString();
        }
        try {
          return new BigDecimal(v.trim()).stripTrailingZeros().toPlainString();
        } catch (NumberFormatException e) {
          problem = "cell " + CellReference.convertNumToColString(column) + row
              + " is a number cell holding '" + FieldValues.abbreviate(v) + "'";
          return v;
        }
    }
  }

  private FieldType cellType(String type, String style) {
    if ("d".equals(type)) {
      return FieldType.DATE;
    }
    if (type != null && !type.equals("n")) {
      return FieldType.TEXT;
    }
    return isDateStyle(style) ? FieldType.DATE : FieldType.NUMBER;
  }

  /** Whether a style shows dates: decided once per style, not per cell. */
  private boolean isDateStyle(String style) {
    if (style == null || styles == null) {
      return false;
    }
    return dateStyles.computeIfAbsent(Integer.parseInt(style), s -> {
      if (s < 0 || s >= styles.getNumCellStyles()) {
        return false;
      }
      XSSFCellStyle cs = styles.getStyleAt(s);
      return cs != null && DateUtil.isADateFormat(cs.getDataFormat(), cs.getDataFormatString());
    });
  }

  @Override
  public long lineNumber() {
    return row;
  }

  /** The row's values, comma-separated and quoted where needed, as a CSV export would. */
  @Override
  public String rawText() {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < fieldCount; i++) {
      if (i > 0) {
        sb.append(',');
      }
      String v = values.get(i);
      if (v.indexOf(',') >= 0 || v.indexOf('"') >= 0 || v.indexOf('\n') >= 0
          || v.indexOf('\r') >= 0) {
        sb.append('"').append(v.replace("\"", "\"\"")).append('"');
      } else {
        sb.append(v);
      }
    }
    return sb.toString();
  }

  @Override
  public String problem() {
    return problem;
  }

  @Override
  public int fieldCount() {
    return fieldCount;
  }

  @Override
  public String field(int i) {
    if (i < 0 || i >= fieldCount) {
      throw new IndexOutOfBoundsException("field " + i + " of " + fieldCount);
    }
    return values.get(i);
  }

  @Override
  public FieldType type(int i) {
    return types.get(i);
  }

  @Override
  public char delimiter() {
    return ',';
  }

  @Override
  public void close() throws IOException {
    try {
      try {
        xml.close();
      } catch (XMLStreamException e) {
        // closing a reader over a stream that is closed next
      }
      sheet.close();
    } finally {
      if (pkg != null) {
        pkg.revert();
      }
      if (deleteOnClose != null) {
        java.nio.file.Files.deleteIfExists(deleteOnClose.toPath());
      }
    }
  }
}

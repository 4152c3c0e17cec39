package org.dualflow.ingest;

import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What a file holds when read with one format: how it was read (encoding, delimiter, gzip,
 * which header feeds which column), how many records it has and how they fare, the months and
 * years they cover and a few of them parsed. Read on the driver, record by record, without
 * Spark: {@code jobs/dualflow inspect} answers in seconds.
 *
 * @param periods records by month ({@code 2024-03}) or year ({@code 2024 (annual)})
 * @param examples the first accepted records, as one line each
 */
public record FileInspection(String uri, String source, String encoding, char delimiter,
    boolean gzip, List<String> header, Map<String, String> columns, long records,
    long accepted, Map<String, Long> rejected, Map<String, Survey.Example> rejectExamples,
    SortedMap<String, Long> periods, List<String> examples) {

  /**
   * @throws InputFileException when the file cannot be read with {@code format}
   */
  public static FileInspection read(Ingest.InputRef file, SourceFormat format,
      Map<String, String> hadoopConf, int maxExamples) {
    try (InputFile input = InputFile.open(file.uri(), format.encoding(), format.delimiter(),
        hadoopConf)) {
      try {
        return inspect(file, format, input, maxExamples);
      } catch (IOException e) {
        // Said with what the open file knows: its encoding and the line reached.
        throw new InputFileException(input.describe(e), e);
      }
    } catch (IOException e) {
      throw new InputFileException(InputFile.describe(file.uri(), e), e);
    }
  }

  private static FileInspection inspect(Ingest.InputRef file, SourceFormat format,
      InputFile input, int maxExamples) throws IOException {
    RecordReader reader = input.records();
    List<String> header = Ingest.header(reader, file.uri());
    SourceFormat.RecordParser parser = format.parserFor(header, file.uri());
    long records = 0;
    long accepted = 0;
    Map<String, Long> rejected = new TreeMap<>();
    Map<String, Survey.Example> rejectExamples = new LinkedHashMap<>();
    SortedMap<String, Long> periods = new TreeMap<>();
    List<String> examples = new ArrayList<>();
    while (reader.next()) {
      records++;
      Object[] row = Ingested.newRow();
      row[Ingested.SOURCE] = format.name();
      row[Ingested.SOURCE_FILE] = file.uri();
      row[Ingested.SOURCE_LINE] = reader.lineNumber();
      parser.parse(reader, row);
      if (Ingested.ACCEPTED.equals(row[Ingested.ROW_STATUS])) {
        accepted++;
        String key = "A".equals(row[Ingested.FREQ])
            ? row[Ingested.PERIOD_KEY].toString().substring(0, 4) + " (annual)"
            : row[Ingested.PERIOD_KEY].toString();
        periods.merge(key, 1L, Long::sum);
        if (examples.size() < maxExamples) {
          examples.add(describe(row, reader.lineNumber()));
        }
      } else {
        String reason = (String) row[Ingested.REASON_CODE];
        rejected.merge(reason, 1L, Long::sum);
        rejectExamples.putIfAbsent(reason, new Survey.Example(reader.lineNumber(),
            (String) row[Ingested.REASON], (String) row[Ingested.RAW_LINE]));
      }
    }
    return new FileInspection(file.uri(), format.name(), input.charset().name(),
        reader.delimiter(), input.isGzip(), header, parser.columns(), records, accepted,
        rejected, rejectExamples, periods, examples);
  }

  /** "line 2: 2021-01 DEU > RUS export 85423190, 2435496.35 USD (2000000.00 EUR)". */
  private static String describe(Object[] row, long line) {
    BigDecimal usd = (BigDecimal) row[Ingested.VALUE_USD];
    String currency = (String) row[Ingested.CURRENCY_ORIG];
    return "line " + line + ": " + row[Ingested.PERIOD_KEY] + ("A".equals(row[Ingested.FREQ])
        ? " (annual)" : "") + " " + row[Ingested.EXPORTER] + " > " + row[Ingested.IMPORTER]
        + " " + row[Ingested.FLOW] + " " + row[Ingested.HS_CODE] + ", " + usd.toPlainString()
        + " USD " + row[Ingested.VALUE_BASIS] + ("USD".equals(currency) ? ""
            : " (" + ((BigDecimal) row[Ingested.VALUE_ORIG]).toPlainString() + " " + currency
                + ")") + (Boolean.TRUE.equals(row[Ingested.IS_COUNTABLE]) ? ""
            : " [not summed: " + row[Ingested.EXCLUSION_REASON] + "]");
  }
}

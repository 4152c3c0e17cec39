package org.dualflow.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.poi.ss.usermodel.CellStyle;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Excel workbooks as users have them, written here with POI to the layouts they come in (see
 * {@code src/test/resources/WorkbookLayoutsTest/README.md}): each sheet with data is an input
 * of its own, cells are read as stored (number cells as numbers whatever the locale, date cells
 * as dates), and a workbook that is not a table of records is refused with what to do.
 */
class WorkbookLayoutsTest {

  @TempDir
  Path dir;

  private static final String[] DECLARATION_HEADER = {"G071", "G072", "G073", "G32", "G33",
      "G31", "G022", "G08", "G082", "G11", "G15A", "G34", "G42", "G22", "G46", "G38", "G35"};

  /**
   * A declarations extract as Excel holds it: dates as date cells (shown dd.mm.yyyy), codes,
   * values and weights as number cells, a description with a line break, the data split over
   * two sheets with the same header, and Excel's empty third sheet.
   */
  private Path declarationsWorkbook() throws IOException {
    try (XSSFWorkbook book = new XSSFWorkbook()) {
      CellStyle date = book.createCellStyle();
      date.setDataFormat(book.createDataFormat().getFormat("dd.mm.yyyy"));
      CellStyle grouped = book.createCellStyle();
      grouped.setDataFormat(book.createDataFormat().getFormat("#,##0.00"));
      Sheet first = book.createSheet("Лист1");
      header(first);
      declaration(first, 1, date, grouped, LocalDate.of(2023, 10, 4), "0012345", 8542319000L,
          "МИКРОСХЕМЫ ИНТЕГРАЛЬНЫЕ;\nПРОЦЕССОРЫ STM32", "156", 349545.60, 48548.00, 24.5);
      declaration(first, 2, date, grouped, LocalDate.of(2023, 10, 5), "0012346", 8542329000L,
          "МИКРОСХЕМЫ ПАМЯТИ", "410", 8888888.00, 1234567.89, 1038.5);
      Sheet second = book.createSheet("Лист2");
      header(second);
      declaration(second, 1, date, grouped, LocalDate.of(2023, 10, 31), "0012399", 8471500000L,
          "СЕРВЕРЫ", "156", 700000.00, 100000.25, 310);
      book.createSheet("Лист3");
      Path file = dir.resolve("dt-extract-2023-10.xlsx");
      try (OutputStream out = Files.newOutputStream(file)) {
        book.write(out);
      }
      return file;
    }
  }

  private static void header(Sheet sheet) {
    Row h = sheet.createRow(0);
    for (int i = 0; i < DECLARATION_HEADER.length; i++) {
      h.createCell(i).setCellValue(DECLARATION_HEADER[i]);
    }
  }

  private static void declaration(Sheet sheet, int at, CellStyle date, CellStyle grouped,
      LocalDate day, String number, long code, String description, String origin,
      double invoiceCny, double statisticalUsd, double netKg) {
    Row r = sheet.createRow(at);
    r.createCell(0).setCellValue("10702070");
    r.createCell(1).setCellValue(day);
    r.getCell(1).setCellStyle(date);
    r.createCell(2).setCellValue(number);
    r.createCell(3).setCellValue(1);
    r.createCell(4).setCellValue(code);
    r.createCell(5).setCellValue(description);
    r.createCell(6).setCellValue("SHENZHEN JUNDA ELECTRONICS CO., LTD");
    r.createCell(7).setCellValue("ООО \"ТЕХНОСНАБ\"");
    r.createCell(8).setCellValue(7701234567L);
    r.createCell(9).setCellValue(344);
    r.createCell(10).setCellValue("CN");
    r.createCell(11).setCellValue(Integer.parseInt(origin));
    r.createCell(12).setCellValue(invoiceCny);
    r.getCell(12).setCellStyle(grouped);
    r.createCell(13).setCellValue(156);
    r.createCell(14).setCellValue(statisticalUsd);
    r.getCell(14).setCellStyle(grouped);
    r.createCell(15).setCellValue(netKg);
    r.createCell(16).setCellValue(netKg + 0.5);
  }

  private static List<org.apache.spark.sql.Row> records(List<Ingest.InputRef> inputs,
      SourceFormat format) throws IOException {
    List<org.apache.spark.sql.Row> rows = new ArrayList<>();
    for (Ingest.InputRef in : inputs) {
      MappedFormatTest.readUri(in.uri(), in.sizeBytes(), format).stream()
          .filter(r -> !"file".equals(r.getAs("row_status"))).forEach(rows::add);
    }
    return rows;
  }

  private static List<Ingest.InputRef> inputs(Path file) {
    try {
      return InputDiscovery.expand("declarations", file.toString(),
          new org.apache.hadoop.conf.Configuration());
    } catch (InputDiscovery.NoMatchException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void eachSheetWithDataIsAnInputAndNumberAndDateCellsAreReadAsStored() throws IOException {
    Path book = declarationsWorkbook();
    List<Ingest.InputRef> inputs = inputs(book);
    // Лист3 is empty: passed over. Sheets sort by name like any input.
    assertThat(inputs).extracting(i -> i.uri().substring(i.uri().indexOf('!')))
        .containsExactly("!/Лист1", "!/Лист2");
    List<org.apache.spark.sql.Row> rows = records(inputs,
        MappedFormatTest.format("declarations", Map.of()));
    assertThat(rows).extracting(r -> r.<String>getAs("row_status"))
        .as(rows.stream().map(r -> String.valueOf((Object) r.getAs("reason"))).toList()
            .toString())
        .containsExactly("accepted", "accepted", "accepted");
    // Statistical values: number cells (a Russian Excel shows them as 1 234 567,89), read as
    // the numbers they are: 48,548.00 + 1,234,567.89 + 100,000.25 = 1,383,116.14 USD.
    assertThat(rows.stream().map(r -> r.<BigDecimal>getAs("value_usd"))
        .reduce(BigDecimal.ZERO, BigDecimal::add)).isEqualByComparingTo("1383116.14");
    // Date cells give their month; the row number is the record's line (header in row 1).
    assertThat(rows).extracting(r -> r.getAs("period").toString() + " "
            + r.getAs("hs_code") + " " + r.getAs("origin_iso3") + " " + r.getAs("net_kg")
            + " line " + r.getAs("source_line"))
        .containsExactly("2023-10-01 8542319000 CHN 24.500 line 2",
            "2023-10-01 8542329000 KOR 1038.500 line 3",
            "2023-10-01 8471500000 CHN 310.000 line 2");
    org.apache.spark.sql.Row first = rows.get(0);
    assertThat(first.<String>getAs("description"))
        .isEqualTo("МИКРОСХЕМЫ ИНТЕГРАЛЬНЫЕ;\nПРОЦЕССОРЫ STM32");
    assertThat(first.<String>getAs("consignee_id")).isEqualTo("7701234567");
    assertThat(first.<String>getAs("document_id"))
        .isEqualTo("10702070/2023-10-04/0012345/1");
    // 349,545.60 CNY at October 2023's rate: the invoice value is a number cell too.
    assertThat(first.<BigDecimal>getAs("value_orig")).isEqualByComparingTo("349545.60");
  }

  @Test
  void aNumberWrittenAsTextInADecimalCommaLocaleIsRejectedUnlessTheLayoutSaysSo()
      throws IOException {
    Path file = dir.resolve("text-numbers.xlsx");
    try (XSSFWorkbook book = new XSSFWorkbook()) {
      Sheet s = book.createSheet("Sheet1");
      header(s);
      Row r = s.createRow(1);
      String[] values = {"10702070", "04.10.2023", "0012345", "1", "8542319000", "ЧИПЫ",
          "SHENZHEN JUNDA", "ООО РОМАШКА", "7701234567", "CN", "CN", "CN", "1 234,50", "156",
          "1 234,50", "2,5", "3"};
      for (int i = 0; i < values.length; i++) {
        r.createCell(i).setCellValue(values[i]);
      }
      try (OutputStream out = Files.newOutputStream(file)) {
        book.write(out);
      }
    }
    // Text cells have no file-wide convention to go by: "1 234,50" is not read as anything
    // by default, and is 1,234.50 once the job says how numbers are written.
    org.apache.spark.sql.Row asIs = records(inputs(file),
        MappedFormatTest.format("declarations", Map.of())).get(0);
    assertThat(asIs.<String>getAs("reason_code")).isEqualTo("not_numeric");
    org.apache.spark.sql.Row told = records(inputs(file),
        MappedFormatTest.format("declarations", Map.of("number", "1 234,5"))).get(0);
    assertThat(told.<BigDecimal>getAs("value_usd")).isEqualByComparingTo("1234.50");
    assertThat(told.getAs("period").toString()).isEqualTo("2023-10-01");
  }

  /**
   * The data browser's spreadsheet download, in the layout of vzemlys/ruimpeks
   * raw/eurostat_xlsx/*_spreadsheet.xlsx: a Summary and a Structure sheet, then one sheet per
   * product: title rows, the sheet's fixed dimensions, the periods across, the row dimensions
   * down, ':' for not available, the legend below.
   */
  private Path dataBrowserWorkbook() throws IOException {
    Path file = dir.resolve("22_4624885_spreadsheet.xlsx");
    try (XSSFWorkbook book = new XSSFWorkbook()) {
      Sheet summary = book.createSheet("Summary");
      summary.createRow(0).createCell(3).setCellValue(
          "EU trade since 1988 by HS2-4-6 and CN8 [DS-045409__custom_4624885]");
      book.createSheet("Structure").createRow(0).createCell(0).setCellValue("Structure");
      dataSheet(book.createSheet("Sheet 1"), "VALUE_IN_EUROS", new Object[][] {
          {"Austria", "Russian Federation (Russia)", 8813.0, ":"},
          {"Germany (incl. German Democratic Republic 'DD' from 1991)",
              "Russian Federation (Russia)", 2000000.0, 1500000.0},
          {"Germany (incl. German Democratic Republic 'DD' from 1991)", "Kazakhstan", ":",
              250.0}});
      dataSheet(book.createSheet("Sheet 2"), "QUANTITY_IN_100KG", new Object[][] {
          {"Austria", "Russian Federation (Russia)", 3.0, ":"}});
      try (OutputStream out = Files.newOutputStream(file)) {
        book.write(out);
      }
    }
    return file;
  }

  private static void dataSheet(Sheet data, String indicator, Object[][] rows) {
    data.createRow(0).createCell(0).setCellValue(
        "Data extracted on 21/01/2023 20:19:52 from [ESTAT]");
    Row dataset = data.createRow(1);
    dataset.createCell(0).setCellValue("Dataset: ");
    dataset.createCell(1).setCellValue("EU trade since 1988 by HS2-4-6 and CN8 "
        + "[DS-045409__custom_4624885]");
    Row updated = data.createRow(2);
    updated.createCell(0).setCellValue("Last updated: ");
    updated.createCell(1).setCellValue("13/01/2023 11:00");
    String[][] fixed = {{"PRODUCT [PRODUCT]", "Processors and controllers, whether or not "
        + "combined with memories, converters, logic circuits, amplifiers, clock and timing "
        + "circuits, or other circuits (excl. multichip integrated circuits) [85423190]"},
        {"FLOW", "EXPORT"}, {"INDICATORS", indicator}};
    for (int i = 0; i < fixed.length; i++) {
      Row r = data.createRow(4 + i);
      r.createCell(0).setCellValue(fixed[i][0]);
      r.createCell(2).setCellValue(fixed[i][1]);
    }
    String[][] across = {{"TIME", "TIME", "2021-01", "2021-02"},
        {"FREQ (Labels)", "FREQ (Labels)", "Monthly", "Monthly"},
        {"REPORTER (Labels)", "PARTNER (Labels)", "", ""}};
    for (int i = 0; i < across.length; i++) {
      Row r = data.createRow(8 + i);
      for (int c = 0; c < across[i].length; c++) {
        r.createCell(c).setCellValue(across[i][c]);
      }
    }
    for (int i = 0; i < rows.length; i++) {
      Row r = data.createRow(11 + i);
      for (int c = 0; c < rows[i].length; c++) {
        if (rows[i][c] instanceof Double d) {
          r.createCell(c).setCellValue(d);
        } else {
          r.createCell(c).setCellValue((String) rows[i][c]);
        }
      }
    }
    data.createRow(12 + rows.length).createCell(0).setCellValue("Special value");
    Row legend = data.createRow(13 + rows.length);
    legend.createCell(0).setCellValue(":");
    legend.createCell(1).setCellValue("not available");
  }

  @Test
  void aEurostatDataBrowserSpreadsheetIsReadCellByCellAndNotAvailableIsNoRecord()
      throws IOException {
    List<Ingest.InputRef> inputs = inputs(dataBrowserWorkbook());
    // The Summary and Structure sheets describe the data sheets: only these are inputs.
    assertThat(inputs).extracting(i -> i.uri().substring(i.uri().indexOf('!')))
        .containsExactly("!/Sheet 1", "!/Sheet 2");
    List<org.apache.spark.sql.Row> rows = records(inputs,
        MappedFormatTest.format("comext", Map.of()));
    // Sheet 1: four value cells (the two ':' cells are no observation, not zeros); Sheet 2:
    // one quantity cell, set aside. Lines are the records' order, each text naming its cell.
    assertThat(rows).extracting(r -> r.<String>getAs("row_status") + " "
            + r.getAs("source_line") + " " + r.getAs("exporter_iso3") + ">"
            + r.getAs("importer_iso3") + " " + r.getAs("period") + " " + r.getAs("hs_code"))
        .containsExactly("accepted 2 AUT>RUS 2021-01-01 85423190",
            "accepted 3 DEU>RUS 2021-01-01 85423190", "accepted 4 DEU>RUS 2021-02-01 85423190",
            "accepted 5 DEU>KAZ 2021-02-01 85423190", "rejected 2 null>null 2021-01-01 null");
    assertThat(rows.get(4).<String>getAs("reason_code")).isEqualTo("other_measure");
    assertThat(rows.get(4).<String>getAs("raw_line")).startsWith("C12: 85423190,EXPORT,"
        + "QUANTITY_IN_100KG,Monthly,Austria,Russian Federation (Russia),2021-01,3");
    // To Russia: 8,813 + 2,000,000 EUR at January 2021's 1.2178 USD and 1,500,000 EUR at
    // February's 1.2094: 10,732.47 + 2,435,600.00 + 1,814,100.00 = 4,260,432.47 USD.
    BigDecimal toRussia = rows.stream().filter(r -> "RUS".equals(r.getAs("importer_iso3")))
        .map(r -> r.<BigDecimal>getAs("value_usd")).reduce(BigDecimal.ZERO, BigDecimal::add);
    assertThat(toRussia).isEqualByComparingTo("4260432.47");
  }

  @Test
  void anOldExcelFileOrAWorkbookInAnArchiveIsRefusedNotPassedOver() throws IOException {
    Path xls = Files.write(dir.resolve("extract.xls"), new byte[] {(byte) 0xD0, (byte) 0xCF});
    assertThatThrownBy(() -> inputs(xls)).isInstanceOf(InputFileException.class)
        .hasMessageContaining("Excel 97-2003 workbook (.xls), which is not read; save it as "
            + ".xlsx");
    Path zip = dir.resolve("extracts.zip");
    try (var out = new java.util.zip.ZipOutputStream(Files.newOutputStream(zip))) {
      out.putNextEntry(new java.util.zip.ZipEntry("2023/dt-extract.xlsx"));
      out.write(Files.readAllBytes(declarationsWorkbook()));
    }
    assertThatThrownBy(() -> inputs(zip)).isInstanceOf(InputFileException.class)
        .hasMessageContaining("holds the Excel workbook 2023/dt-extract.xlsx, which is not read "
            + "inside an archive");
    // A workbook renamed .csv is not read as text.
    Path renamed = Files.copy(declarationsWorkbook(), dir.resolve("extract.csv"));
    assertThatThrownBy(() -> MappedFormatTest.read(renamed,
        MappedFormatTest.format("declarations", Map.of())))
        .isInstanceOf(InputFileException.class)
        .hasMessageContaining("it is a zip archive or an Excel workbook, not a text file");
  }
}

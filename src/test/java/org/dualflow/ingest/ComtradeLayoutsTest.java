package org.dualflow.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * UN Comtrade data as users have it (fixtures and their sources in
 * {@code src/test/resources/ComtradeLayoutsTest/README.md}): the bulk file, the API data saved
 * by pandas and by R, the web portal's download in windows-1252. Each gives the totals worked
 * out by hand, with nothing quarantined.
 */
class ComtradeLayoutsTest {

  private static final Path FIXTURES = Path.of("src/test/resources/ComtradeLayoutsTest");

  @TempDir
  Path dir;

  private static List<Row> records(Path file) throws IOException {
    return MappedFormatTest.read(file, new ComtradeFormat(ComtradeFormatTest.COUNTRIES))
        .stream().filter(r -> !"file".equals(r.getAs("row_status"))).toList();
  }

  /** The records of the one file in a zip archive, read as a run reads it. */
  private static List<Row> zipRecords(Path zip) throws IOException {
    try {
      Ingest.InputRef entry = InputDiscovery.expand("comtrade", zip.toString(),
          new org.apache.hadoop.conf.Configuration()).get(0);
      return MappedFormatTest.readUri(entry.uri(), entry.sizeBytes(),
          new ComtradeFormat(ComtradeFormatTest.COUNTRIES)).stream()
          .filter(r -> !"file".equals(r.getAs("row_status"))).toList();
    } catch (InputDiscovery.NoMatchException e) {
      throw new IllegalStateException(e);
    }
  }

  private static BigDecimal countable(List<Row> rows, String exporter, String importer) {
    return rows.stream().filter(r -> Boolean.TRUE.equals(r.getAs("is_countable"))
            && exporter.equals(r.getAs("exporter_iso3"))
            && importer.equals(r.getAs("importer_iso3")))
        .map(r -> r.<BigDecimal>getAs("value_usd")).reduce(BigDecimal.ZERO, BigDecimal::add);
  }

  @Test
  void theBulkFileTabSeparatedCodesOnlyAndGzippedGivesTheSixDigitTotals(@TempDir Path dir)
      throws IOException {
    Path text = FIXTURES.resolve("COMTRADE-FINAL-CM156202301H6[2024-01-15].txt");
    Path gz = dir.resolve("COMTRADE-FINAL-CM156202301H6[2024-01-15].gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
      out.write(Files.readAllBytes(text));
    }
    Path zip = dir.resolve("comtrade-bulk.zip");
    try (var out = new java.util.zip.ZipOutputStream(Files.newOutputStream(zip))) {
      out.putNextEntry(new java.util.zip.ZipEntry(text.getFileName().toString()));
      out.write(Files.readAllBytes(text));
      out.closeEntry();
    }
    for (Path file : List.of(text, gz, zip)) {
      List<Row> rows = file == zip ? zipRecords(zip) : records(file);
      assertThat(rows).extracting(r -> r.<String>getAs("row_status")).containsOnly("accepted");
      // China to Russia, January 2023: 854231 1,000,000 + 854232 250,000 (mosCode -1 is no
      // break-down). Not added: the 4-digit 8542 line, TOTAL, World and the transport
      // break-down (motCode 3100) of 854231.
      assertThat(countable(rows, "CHN", "RUS")).as(file.toString())
          .isEqualByComparingTo("1250000.00");
      // Russia to China, as China's import, at CIF: 1,234.
      Row imported = rows.get(6);
      assertThat(imported.<String>getAs("importer_iso3")).isEqualTo("CHN");
      assertThat(imported.<String>getAs("value_basis")).isEqualTo("CIF");
      assertThat(countable(rows, "RUS", "CHN")).isEqualByComparingTo("1234.00");
      assertThat(rows.get(0).<BigDecimal>getAs("net_kg")).isEqualByComparingTo("500");
    }
  }

  @Test
  void rsTidyNamesAndNaAreReadAndAnImportAtFobIsSaidToBeFob() throws IOException {
    List<Row> rows = records(FIXTURES.resolve("comtradr-tidy.csv"));
    assertThat(rows).extracting(r -> r.<String>getAs("row_status")).containsOnly("accepted");
    // 1e+06 + 123,456.78 (whose weight is NA: null, not zero).
    assertThat(countable(rows, "CHN", "RUS")).isEqualByComparingTo("1123456.78");
    assertThat(rows.get(1).<BigDecimal>getAs("net_kg")).isNull();
    // Kazakhstan's import from China: cifvalue NA, fobvalue the primary value: FOB, not CIF.
    Row kaz = rows.get(2);
    assertThat(kaz.<String>getAs("reported_by")).isEqualTo("importer");
    assertThat(kaz.<String>getAs("value_basis")).isEqualTo("FOB");
    assertThat(kaz.<BigDecimal>getAs("value_usd")).isEqualByComparingTo("20000");
  }

  @Test
  void pandasIndexColumnFloatsAndNanAreReadAsTheApiData() throws IOException {
    List<Row> rows = records(FIXTURES.resolve("comtrade-api-pandas.csv"));
    assertThat(rows).extracting(r -> r.<String>getAs("row_status")).containsOnly("accepted");
    // 1,763 + 250,000; the World row is kept, not added.
    assertThat(countable(rows, "CHN", "RUS")).isEqualByComparingTo("251763.00");
    assertThat(rows.get(1).<BigDecimal>getAs("net_kg")).isNull();
    assertThat(rows.get(2).<Boolean>getAs("is_countable")).isFalse();
  }

  // --- the web portal's download -----------------------------------------------------------

  private static final Path PORTAL = FIXTURES.resolve("TradeData_2_20_2025_10_30_9.csv");
  private static final Charset WINDOWS_1252 = Charset.forName("windows-1252");

  private static FileInspection inspect(Path file) {
    return FileInspection.read(new Ingest.InputRef("comtrade", "file:" + file.toAbsolutePath(),
        file.toFile().length()), new ComtradeFormat(ComtradeFormatTest.COUNTRIES), Map.of(), 0);
  }

  /** China's exports in the portal fixture, as worked out by hand from its lines. */
  private static void assertPortalTotals(List<Row> rows, String what) {
    assertThat(rows).as(what).extracting(r -> r.<String>getAs("row_status"))
        .containsOnly("accepted");
    // Russia, March 2024: 854231 1,000,000 + 854232 250,000 = 1,250,000. Not added: the
    // 4-digit 8542 line (1,250,000 again) and the World line.
    assertThat(countable(rows, "CHN", "RUS")).as(what).isEqualByComparingTo("1250000.00");
    assertThat(countable(rows, "CHN", "KAZ")).as(what).isEqualByComparingTo("40000.00");
    // Türkiye: 854231 30,000 + 847330 5,000 = 35,000.
    assertThat(countable(rows, "CHN", "TUR")).as(what).isEqualByComparingTo("35000.00");
    assertThat(countable(rows, "CHN", "CIV")).as(what).isEqualByComparingTo("700.00");
    assertThat(countable(rows, "CHN", "CUW")).as(what).isEqualByComparingTo("100.00");
    // World: 1,000,000 + 40,000 + 30,000 + 700 of 854231, kept and never added.
    Row world = rows.get(7);
    assertThat(world.<BigDecimal>getAs("value_usd")).as(what).isEqualByComparingTo("1070700");
    assertThat(world.<Boolean>getAs("is_countable")).as(what).isFalse();
    assertThat(rows.get(8).<Boolean>getAs("is_countable")).as(what).isFalse();
  }

  @Test
  void thePortalsTradeDataCsvInWindows1252GivesTheSixDigitTotals() throws IOException {
    // Windows-1252 bytes (Türkiye is 54 FC 72 6B 69 79 65), CRLF, a comma after every data line.
    assertThat(new String(Files.readAllBytes(PORTAL), WINDOWS_1252)).contains(",Türkiye,");
    assertPortalTotals(records(PORTAL), "windows-1252");
    assertThat(inspect(PORTAL).encoding()).isEqualTo("windows-1252");
  }

  @Test
  void theRunsSurveyReadOfThePortalFileGivesTheSameTotalsAndCountsEveryLine()
      throws IOException {
    // The read a run makes: the accepted rows (written to trade_records) and the file's tally.
    String uri = "file:" + PORTAL.toAbsolutePath();
    Survey.Collector collector = new Survey.Collector();
    List<Row> rows = MappedFormatTest.readUri(uri, Files.size(PORTAL),
        new ComtradeFormat(ComtradeFormatTest.COUNTRIES),
        ReadPass.survey(List.of(uri), collector));
    assertPortalTotals(rows, "survey");
    Survey.Part part = collector.value().get(Survey.partKey(uri, null));
    assertThat(part.rejectedLines()).isEmpty();
    assertThat(collector.tallies()).filteredOn(r -> r.<Integer>getAs("kind") == Survey.FILE)
        .extracting(r -> r.<Long>getAs("n")).containsExactly((long) rows.size());
  }

  @Test
  void thePortalFileSavedAsUtf8WithAByteOrderMarkAndEveryFieldQuotedGivesTheSameTotals()
      throws IOException {
    // Re-written field by field: every field quoted, no comma after the last, UTF-8 with a BOM.
    StringBuilder out = new StringBuilder("\uFEFF");
    try (CsvRecordReader in = new CsvRecordReader(new java.io.StringReader(
        new String(Files.readAllBytes(PORTAL), WINDOWS_1252)))) {
      while (in.next()) {
        List<String> fields = new ArrayList<>();
        for (int i = 0; i < in.fieldCount(); i++) {
          fields.add(in.field(i));
        }
        if (fields.get(fields.size() - 1).isEmpty()) {
          fields.remove(fields.size() - 1);
        }
        out.append(String.join(",", fields.stream()
            .map(f -> "\"" + f.replace("\"", "\"\"") + "\"").toList())).append("\r\n");
      }
    }
    Path utf8 = Files.writeString(dir.resolve("TradeData_utf8.csv"), out,
        StandardCharsets.UTF_8);
    assertPortalTotals(records(utf8), "UTF-8, BOM, quoted");
    assertThat(inspect(utf8).encoding()).isEqualTo("UTF-8");
  }

  @Test
  void theBulkAndPortalFilesReadInSplitsGiveTheSameTotals() throws IOException {
    // As a run reads a file larger than ingest.split-size: cut where records start, each split
    // read on its own. The totals are the hand-worked ones of the whole-file tests above.
    ComtradeFormat format = new ComtradeFormat(ComtradeFormatTest.COUNTRIES);
    Path bulk = FIXTURES.resolve("COMTRADE-FINAL-CM156202301H6[2024-01-15].txt");
    for (long size : new long[] {1, 97, 400}) {
      List<Row> rows = MappedFormatTest.records(MappedFormatTest.readSplits(bulk, format, size));
      assertThat(rows).extracting(r -> r.<String>getAs("row_status")).containsOnly("accepted");
      assertThat(countable(rows, "CHN", "RUS")).as("bulk, %d", size)
          .isEqualByComparingTo("1250000.00");
      assertThat(countable(rows, "RUS", "CHN")).as("bulk, %d", size)
          .isEqualByComparingTo("1234.00");
      assertThat(rows).extracting(r -> r.<Long>getAs("source_line"))
          .isEqualTo(records(bulk).stream().map(r -> r.<Long>getAs("source_line")).toList());
      // The portal file: windows-1252 decided by the pre-scan, CRLF, a comma after each line.
      assertPortalTotals(MappedFormatTest.records(MappedFormatTest.readSplits(PORTAL, format,
          size)), "portal, " + size);
    }
  }

  @Test
  void theDescriptionsAreNotNeededForTheNumbers() throws IOException {
    // The text a UTF-8 misreading leaves (TÃ¼rkiye) and no reporterDesc at all: same totals,
    // since codes, not descriptions, make every number.
    String text = new String(Files.readAllBytes(PORTAL), WINDOWS_1252)
        .replace(",China,", ",,").replace("Türkiye", "TÃ¼rkiye")
        .replace("Côte d'Ivoire", "CÃ´te d'Ivoire").replace("Curaçao", "CuraÃ§ao");
    Path garbled = Files.write(dir.resolve("TradeData_garbled.csv"), text.getBytes(WINDOWS_1252));
    assertPortalTotals(records(garbled), "descriptions garbled");
  }

  /** A line of the portal's layout: China's export of one code, ASCII only. */
  private static String portalLine(String partner, String partnerIso, String partnerDesc,
      String code, long usd) {
    return "C,M,20240301,2024,3,202403,156,CHN,China,X,Export," + partner + "," + partnerIso
        + "," + partnerDesc + ",0,W00,World,H6,HS,True," + code + ",Goods,6,True,C00,TOTAL CPC,"
        + "0,0,TOTAL MOT,8,kg,1,False,-1,N/A,,False,1,False,,False,," + usd + "," + usd
        + ",0,True,False,\r\n";
  }

  /** The portal header and enough ASCII lines (one dollar each) to pass auto's first 256 KB. */
  private static StringBuilder asciiStart(String header, int[] lines) {
    StringBuilder sb = new StringBuilder(header).append("\r\n");
    lines[0] = 0;
    while (sb.length() <= InputFile.SNIFF_BYTES) {
      sb.append(portalLine("398", "KAZ", "Kazakhstan", String.valueOf(100000 + lines[0]), 1));
      lines[0]++;
    }
    return sb;
  }

  @Test
  void aFirstAccentedNameBeyondTheFirst256KbStillChoosesWindows1252() throws IOException {
    // A big download sorted so that Türkiye comes late: the choice waits for the first byte
    // that is not ASCII instead of taking the ASCII start for UTF-8.
    String header = Files.readAllLines(PORTAL, WINDOWS_1252).get(0);
    int[] lines = new int[1];
    StringBuilder sb = asciiStart(header, lines);
    sb.append(portalLine("792", "TUR", "Türkiye", "854231", 30_000));
    Path late = Files.write(dir.resolve("TradeData_late.csv"),
        sb.toString().getBytes(WINDOWS_1252));
    List<Row> rows = records(late);
    assertThat(rows).extracting(r -> r.<String>getAs("row_status")).containsOnly("accepted");
    // One dollar per padding line to Kazakhstan, and Türkiye's 30,000.
    assertThat(countable(rows, "CHN", "KAZ")).isEqualByComparingTo(String.valueOf(lines[0]));
    assertThat(countable(rows, "CHN", "TUR")).isEqualByComparingTo("30000");
    assertThat(inspect(late).encoding()).isEqualTo("windows-1252");
  }

  @Test
  void aFileMixingUtf8AndWindows1252FailsSayingSoAndWhere() throws IOException {
    // UTF-8 Türkiye on line 2 decides UTF-8; a windows-1252 Curaçao far beyond is not UTF-8.
    String header = Files.readAllLines(PORTAL, WINDOWS_1252).get(0);
    int[] lines = new int[1];
    StringBuilder sb = asciiStart(header + "\r\n" + portalLine("792", "TUR", "Türkiye", "854231",
        30_000).strip(), lines);
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    bytes.write(sb.toString().getBytes(StandardCharsets.UTF_8));
    bytes.write(portalLine("531", "CUW", "Curaçao", "847330", 100).getBytes(WINDOWS_1252));
    Path mixed = Files.write(dir.resolve("TradeData_mixed.csv"), bytes.toByteArray());
    long badLine = lines[0] + 3;   // header, Türkiye, the padding lines, then Curaçao
    assertThatThrownBy(() -> records(mixed))
        .isInstanceOf(InputFileException.class)
        .hasMessageStartingWith("Cannot read file:" + mixed + ": its first bytes that are not "
            + "ASCII read as UTF-8, but line ")
        .hasMessageEndingWith(" or a line after it has bytes that are not valid UTF-8 (Input "
            + "length = 1): it mixes encodings or is damaged; save it in one encoding, UTF-8, or "
            + "download it again")
        .satisfies(e -> {
          java.util.regex.Matcher m = java.util.regex.Pattern.compile("but line (\\d+) ")
              .matcher(e.getMessage());
          assertThat(m.find()).isTrue();
          assertThat(Long.parseLong(m.group(1))).isBetween(1L, badLine);
        });
  }
}

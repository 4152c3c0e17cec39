package org.dualflow.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * UN Comtrade data as users have it (fixtures and their sources in
 * {@code src/test/resources/ComtradeLayoutsTest/README.md}): the bulk file, the API data saved
 * by pandas and by R. Each gives the totals worked out by hand, with nothing quarantined.
 */
class ComtradeLayoutsTest {

  private static final Path FIXTURES = Path.of("src/test/resources/ComtradeLayoutsTest");

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
}

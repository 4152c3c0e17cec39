package org.dualflow.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * Eurostat Comext files laid out as Eurostat delivers them (fixtures and their sources in
 * {@code src/test/resources/ComextLayoutsTest/README.md}): the totals that count, and what is
 * set aside and why.
 */
class ComextLayoutsTest {

  private static final Path FIXTURES = Path.of("src/test/resources/ComextLayoutsTest");
  /** USD per EUR, January 2021 (fx-monthly.csv, FRED EXUSEU). */
  private static final BigDecimal EUR_2021_01 = new BigDecimal("1.2178");

  private static List<Row> records(String file) throws IOException {
    return MappedFormatTest.read(FIXTURES.resolve(file), MappedFormatTest.format("comext",
        Map.of())).stream().filter(r -> !"file".equals(r.getAs("row_status"))).toList();
  }

  /** EUR to USD as the job converts each record: the month's rate, half-up to cents. */
  private static BigDecimal usd(long eur, BigDecimal rate) {
    return BigDecimal.valueOf(eur).multiply(rate).setScale(2, RoundingMode.HALF_UP);
  }

  private static BigDecimal countableUsd(List<Row> rows, String exporter, String importer) {
    return rows.stream().filter(r -> "accepted".equals(r.getAs("row_status"))
            && Boolean.TRUE.equals(r.getAs("is_countable")) && "M".equals(r.getAs("freq"))
            && exporter.equals(r.getAs("exporter_iso3"))
            && importer.equals(r.getAs("importer_iso3")))
        .map(r -> r.<BigDecimal>getAs("value_usd")).reduce(BigDecimal.ZERO, BigDecimal::add);
  }

  @Test
  void theRelationalViewWithEurostatsLabelsGivesEveryMembersExportsAndSetsTheEuAside()
      throws IOException {
    List<Row> rows = records("relational-view-labels.csv");
    // Germany, France, the Netherlands and Belgium to Russia, January 2021, EUR: 2,085,525 +
    // 282,176 + 20,788,379 + 548,963, each converted at 1.2178 USD per EUR.
    BigDecimal toRussia = usd(2_085_525, EUR_2021_01).add(usd(282_176, EUR_2021_01))
        .add(usd(20_788_379, EUR_2021_01)).add(usd(548_963, EUR_2021_01));
    // 2,539,752.35 + 343,633.93 + 25,316,087.95 + 668,527.14
    assertThat(toRussia).isEqualByComparingTo("28868001.37");
    BigDecimal sum = BigDecimal.ZERO;
    for (String exporter : List.of("DEU", "FRA", "NLD", "BEL")) {
      sum = sum.add(countableUsd(rows, exporter, "RUS"));
    }
    assertThat(sum).isEqualByComparingTo(toRussia);
    assertThat(countableUsd(rows, "DEU", "BLR")).isEqualByComparingTo(usd(106_765, EUR_2021_01));
    // The EU-27 line repeats its members: set aside with its own reason, not as unknown.
    Row eu27 = rows.stream().filter(r -> "rejected".equals(r.getAs("row_status"))).findFirst()
        .orElseThrow();
    assertThat(eu27.<String>getAs("reason_code")).isEqualTo("aggregate_area");
    assertThat(eu27.<Long>getAs("source_line")).isEqualTo(6L);
    assertThat(rows.stream().filter(r -> "rejected".equals(r.getAs("row_status")))).hasSize(1);
  }

  /**
   * EUR to USD as the job converts a year's figure: at the mean of the year's twelve monthly
   * USD per EUR rates in fx-monthly.csv, half-up to cents.
   */
  private static BigDecimal usdAtYearsMean(long eur, int year) throws IOException {
    BigDecimal sum = BigDecimal.ZERO;
    for (String line : Files.readAllLines(Path.of(
        "src/main/resources/dualflow/reference/fx-monthly.csv"))) {
      if (line.startsWith("EUR," + year + "-")) {
        sum = sum.add(new BigDecimal(line.split(",")[2]));
      }
    }
    BigDecimal mean = sum.divide(BigDecimal.valueOf(12), MathContext.DECIMAL128);
    return BigDecimal.valueOf(eur).multiply(mean).setScale(2, RoundingMode.HALF_UP);
  }

  @Test
  void aYearInTheRelationalViewIsAnAnnualRecordAtTheYearsMeanRate() throws IOException {
    Row ireland = records("relational-view-labels.csv").stream()
        .filter(r -> "IRL".equals(r.getAs("exporter_iso3"))).findFirst().orElseThrow();
    assertThat(ireland.<String>getAs("freq")).isEqualTo("A");
    assertThat(ireland.<String>getAs("importer_iso3")).isEqualTo("KAZ");
    assertThat(ireland.getAs("period").toString()).isEqualTo("2021-01-01");
    // 161,808 EUR at the mean of 2021's twelve monthly USD per EUR rates in fx-monthly.csv.
    assertThat(ireland.<BigDecimal>getAs("value_usd")).isEqualByComparingTo(
        usdAtYearsMean(161_808, 2021));
  }

  @Test
  void sdmxCsvReadsOnlyTheEuroValuesAndSetsTheQuantitiesOfTheSameCellAside()
      throws IOException {
    List<Row> rows = records("sdmx-csv-ds045409.csv");
    // Germany to Russia, 85423190, January 2021: the VALUE_IN_EUROS row alone, 2,085,525 EUR
    // x 1.2178 = 2,085,525 + 454,227.345 = 2,539,752.345, 2,539,752.35 USD. Its
    // QUANTITY_IN_100KG (3) and SUPPLEMENTARY_QUANTITY (41,700) rows add nothing, nor does the
    // TOTAL product line (kept, not countable).
    assertThat(usd(2_085_525, EUR_2021_01)).isEqualByComparingTo("2539752.35");
    assertThat(countableUsd(rows, "DEU", "RUS")).isEqualByComparingTo("2539752.35");
    // The Netherlands: 20,788,379 x 1.2178 = 20,788,379 + 4,527,708.9462 = 25,316,087.95.
    assertThat(countableUsd(rows, "NLD", "RUS")).isEqualByComparingTo("25316087.95");
    Row total = rows.get(4);
    assertThat(total.<String>getAs("hs_code")).isEqualTo("TOTAL");
    assertThat(total.<Boolean>getAs("is_countable")).isFalse();
    // The set-aside rows, by line: the two quantities of Germany's cell (dated like it), the
    // EU27_2020 aggregate and Italy's missing observation (an empty OBS_VALUE, never a zero).
    Row kilos = rows.get(1);
    assertThat(kilos.<Long>getAs("source_line")).isEqualTo(3L);
    assertThat(kilos.<String>getAs("reason_code")).isEqualTo("other_measure");
    assertThat(kilos.<String>getAs("reason")).isEqualTo("indicators 'QUANTITY_IN_100KG' is not "
        + "the value this source reads (VALUE_IN_EUROS or VALUE_EUR); quantities are never "
        + "added to values");
    assertThat(kilos.getAs("period").toString()).isEqualTo("2021-01-01");
    assertThat(rows.get(2).<String>getAs("reason_code")).isEqualTo("other_measure");
    assertThat(rows.get(5).<String>getAs("reason_code")).isEqualTo("aggregate_area");
    Row missing = rows.get(6);
    assertThat(missing.<String>getAs("reason_code")).isEqualTo("missing_value");
    assertThat(missing.<String>getAs("reason")).isEqualTo("no value: value_orig = "
        + "decimal(OBS_VALUE)");
    assertThat(rows).filteredOn(r -> "accepted".equals(r.getAs("row_status")))
        .extracting(r -> r.<Long>getAs("source_line")).containsExactly(2L, 5L, 6L, 9L);
    // Set aside by design, not held against the file; a missing value is.
    assertThat(Rejection.BY_DESIGN).contains("other_measure").doesNotContain("missing_value");
  }

  @Test
  void sdmxCsvsYearIsAnAnnualRecordAtTheYearsMeanRate() throws IOException {
    Row ireland = records("sdmx-csv-ds045409.csv").get(0);
    // freq A, TIME_PERIOD 2021: Ireland's 2021 exports of 85176200 to Kazakhstan, 161,808 EUR.
    assertThat(ireland.<String>getAs("freq")).isEqualTo("A");
    assertThat(ireland.getAs("period").toString()).isEqualTo("2021-01-01");
    assertThat(ireland.<String>getAs("importer_iso3")).isEqualTo("KAZ");
    assertThat(ireland.<BigDecimal>getAs("value_usd")).isEqualByComparingTo(
        usdAtYearsMean(161_808, 2021));
  }

  @Test
  void sdmxCsvsHeaderIsMatchedWhateverItsCase(@org.junit.jupiter.api.io.TempDir Path dir)
      throws IOException {
    // Eurostat writes the dimension ids in lower case; whether every client keeps them so is not
    // confirmed: the same file with its header in capitals gives the same totals.
    List<String> lines = Files.readAllLines(FIXTURES.resolve("sdmx-csv-ds045409.csv"));
    lines.set(0, lines.get(0).toUpperCase(java.util.Locale.ROOT));
    Path upper = Files.write(dir.resolve("sdmx-upper.csv"), lines);
    List<Row> rows = MappedFormatTest.read(upper, MappedFormatTest.format("comext", Map.of()))
        .stream().filter(r -> !"file".equals(r.getAs("row_status"))).toList();
    assertThat(countableUsd(rows, "DEU", "RUS")).isEqualByComparingTo("2539752.35");
    assertThat(countableUsd(rows, "NLD", "RUS")).isEqualByComparingTo("25316087.95");
    assertThat(rows.get(1).<String>getAs("reason_code")).isEqualTo("other_measure");
  }

  @Test
  void sdmxCsvWithoutItsIndicatorsColumnIsRefusedBeforeReading(
      @org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
    // A download whose indicators dimension was dropped: OBS_VALUE may then be 100 kg units.
    Path file = Files.writeString(dir.resolve("no-indicators.csv"), "DATAFLOW,LAST UPDATE,freq,"
        + "reporter,partner,product,flow,TIME_PERIOD,OBS_VALUE,OBS_FLAG\n"
        + "ESTAT:DS-045409(1.0),16/09/24 11:00:00,M,DE,RU,85423190,2,2021-01,3,\n");
    assertThatThrownBy(() -> MappedFormatTest.read(file, MappedFormatTest.format("comext",
        Map.of())))
        .isInstanceOf(InputFileException.class)
        .hasMessage("Cannot read file:" + file + " as comext: its OBS_VALUE may be a quantity as "
            + "well as VALUE_IN_EUROS or VALUE_EUR (one row per measure) and it has no "
            + "indicators column to say which; quantities are never added to values: download "
            + "it again with the indicators dimension");
  }

  @Test
  void theOldBulkLayoutIsReadByItsIsoColumnsNotEurostatsNumericCodes() throws IOException {
    List<Row> rows = records("full202101.dat");
    assertThat(rows).extracting(r -> r.<String>getAs("row_status")).containsOnly("accepted");
    // Germany: regimes 1 and 2 add up, 2,000,000 + 85,525 EUR; the TOTAL line is kept, never
    // summed. The Netherlands: 20,788,379 EUR. DECLARANT 004 is Germany for Eurostat (and
    // Afghanistan in M49), PARTNER 0075 Russia.
    assertThat(countableUsd(rows, "DEU", "RUS")).isEqualByComparingTo(
        usd(2_000_000, EUR_2021_01).add(usd(85_525, EUR_2021_01)));
    assertThat(countableUsd(rows, "NLD", "RUS")).isEqualByComparingTo(
        usd(20_788_379, EUR_2021_01));
    Row total = rows.get(2);
    assertThat(total.<String>getAs("hs_code")).isEqualTo("TOTAL");
    assertThat(total.<Boolean>getAs("is_countable")).isFalse();
  }

  @Test
  void aFileWithATotalAndTheProceduresItTotalsIsRefusedWhole() {
    assertThatThrownBy(() -> records("relational-view-total-and-procedures.csv"))
        .isInstanceOf(InputFileException.class)
        .hasMessageEndingWith("relational-view-total-and-procedures.csv: its STAT_PROCEDURE "
            + "column has both totals and the single values they add up (line 3 has '1'); "
            + "adding both would count the same trade twice: export either the totals or the "
            + "single values");
  }

  @Test
  void aFileWithASixDigitCodeAndTheLongerCodesUnderItIsRefusedWhole() {
    // HS6 854231 (2,100,000 EUR) is its CN8 lines 85423111 and 85423190 (14,475 + 2,085,525):
    // read as they are, Germany's exports to Russia would count 4,200,000 EUR.
    assertThatThrownBy(() -> records("relational-view-hs6-and-cn8.csv"))
        .isInstanceOf(InputFileException.class)
        .hasMessageEndingWith("relational-view-hs6-and-cn8.csv: it has the 6-digit code 854231 "
            + "and longer codes under it (lines 2 and 3); adding both would count the same "
            + "trade twice: export the codes of one length (6 or 8 digits), not both");
  }

  @Test
  void longerCodesFirstAreRefusedAsWellButCodesOfOtherHeadingsOrNotCountedAreRead(
      @org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
    String header = "\"REPORTER\",\"PARTNER\",\"PRODUCT\",\"FLOW\",\"STAT_PROCEDURE\","
        + "\"PERIOD\",\"VALUE_IN_EUR\"\r\n";
    String germanyToRussia = "\"DE\",\"RU\",\"%s\",\"EXPORT\",\"Total\",\"Jan. 2021\",\"%d\"\r\n";
    Path reversed = dir.resolve("cn8-then-hs6.csv");
    Files.writeString(reversed, header + germanyToRussia.formatted("85423190", 2_085_525)
        + germanyToRussia.formatted("854231", 2_100_000));
    assertThatThrownBy(() -> MappedFormatTest.read(reversed, MappedFormatTest.format("comext",
        Map.of()))).isInstanceOf(InputFileException.class)
        .hasMessageContaining("the 6-digit code 854231 and longer codes under it (lines 2 and 3)");
    // CN8 85423190 and HS6 854232 (another subheading) are different goods; the EU-27 line
    // (an aggregate area, not counted) under 854231 does not double anything either.
    Path mixed = dir.resolve("cn8-and-other-hs6.csv");
    Files.writeString(mixed, header + germanyToRussia.formatted("85423190", 2_085_525)
        + germanyToRussia.formatted("854232", 1_000)
        + "\"EU27_2020\",\"RU\",\"854231\",\"EXPORT\",\"Total\",\"Jan. 2021\",\"30386190\"\r\n");
    List<Row> rows = MappedFormatTest.read(mixed, MappedFormatTest.format("comext", Map.of()))
        .stream().filter(r -> !"file".equals(r.getAs("row_status"))).toList();
    assertThat(countableUsd(rows, "DEU", "RUS")).isEqualByComparingTo(
        usd(2_085_525, EUR_2021_01).add(usd(1_000, EUR_2021_01)));
  }

  @Test
  void theCodeLabelModeIsReadByItsCodesAndAConfidentialCodeIsSetAsideNotMalformed()
      throws IOException {
    List<Row> rows = records("relational-view-code-labels.csv");
    assertThat(countableUsd(rows, "DEU", "RUS")).isEqualByComparingTo(
        usd(2_085_525, EUR_2021_01));
    Row annual = rows.get(1);
    assertThat(annual.<String>getAs("freq")).isEqualTo("A");
    assertThat(annual.<String>getAs("importer_iso3")).isEqualTo("BLR");
    assertThat(annual.<String>getAs("hs_code")).isEqualTo("85423190");
    Row confidential = rows.get(2);
    assertThat(confidential.<String>getAs("reason_code")).isEqualTo("confidential_code");
    assertThat(confidential.<String>getAs("reason")).startsWith("PRODUCT '85RRR100' is a "
        + "confidential or masked code");
  }

  /**
   * The current bulk layout (full_v2_YYYYMM.dat, columns as in Matthijs-Vossen/comext-fetcher
   * data/metadata/FULL.txt) with Eurostat's partners that are no country: QU (not specified),
   * QQ (stores and provisions), XC (Ceuta), and the label a relational view gives QU. They are
   * set aside as special_partner, not unknown countries, and never summed.
   */
  @Test
  void eurostatsSpecialPartnersAreSetAsideByDesignNotUnknownCountries(
      @org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
    Path file = Files.writeString(dir.resolve("full_v2_202101.dat"), "REPORTER,PARTNER,"
        + "TRADE_TYPE,PRODUCT_NC,PRODUCT_SITC,PRODUCT_CPA21,PRODUCT_CPA22,PRODUCT_BEC,"
        + "PRODUCT_BEC5,PRODUCT_SECTION,FLOW,STAT_PROCEDURE,SUPPL_UNIT,PERIOD,VALUE_EUR,"
        + "VALUE_NAC,QUANTITY_KG,QUANTITY_SUPPL_UNIT\n"
        + "DE,RU,E,85423190,77649,26112,26112,7,7,16,2,1,NO_SU,202101,2000000,2000000,10,0\n"
        + "DE,QU,E,85423190,77649,26112,26112,7,7,16,2,1,NO_SU,202101,5000,5000,1,0\n"
        + "DE,QQ,E,85423190,77649,26112,26112,7,7,16,2,1,NO_SU,202101,700,700,1,0\n"
        + "ES,XC,E,85423190,77649,26112,26112,7,7,16,2,1,NO_SU,202101,300,300,1,0\n"
        + "DE,Countries and territories not specified,E,85423190,77649,26112,26112,7,7,16,2,"
        + "1,NO_SU,202101,40,40,1,0\n");
    List<Row> rows = MappedFormatTest.read(file, MappedFormatTest.format("comext", Map.of()))
        .stream().filter(r -> !"file".equals(r.getAs("row_status"))).toList();
    assertThat(rows).extracting(r -> r.<String>getAs("row_status")).containsExactly(
        "accepted", "rejected", "rejected", "rejected", "rejected");
    assertThat(rows.subList(1, 5)).extracting(r -> r.<String>getAs("reason_code"))
        .containsOnly("special_partner");
    assertThat(rows.get(1).<String>getAs("reason")).isEqualTo("PARTNER 'QU' is Eurostat's code "
        + "for countries and territories not specified, not a country: its trade goes to no "
        + "country the tables follow");
    // Only the Russian line counts: 2,000,000 EUR at January 2021's rate.
    assertThat(countableUsd(rows, "DEU", "RUS")).isEqualByComparingTo(
        usd(2_000_000, EUR_2021_01));
    assertThat(Rejection.BY_DESIGN).contains("special_partner");
  }

  @Test
  void aYearsFigureAndItsJanuaryAreTwoRecordsNotDuplicates(@org.junit.jupiter.api.io.TempDir
      Path dir) throws IOException {
    Path file = Files.writeString(dir.resolve("both.csv"), "REPORTER,PARTNER,PRODUCT,FLOW,"
        + "STAT_PROCEDURE,PERIOD,VALUE_IN_EUR\nDE,RU,85423190,2,Total,Jan. 2021,100\n"
        + "DE,RU,85423190,2,Total,Jan.-Dec. 2021,1200\n");
    List<Row> rows = MappedFormatTest.read(file, MappedFormatTest.format("comext", Map.of()))
        .stream().filter(r -> !"file".equals(r.getAs("row_status"))).toList();
    assertThat(rows).extracting(r -> r.<String>getAs("freq")).containsExactly("M", "A");
    assertThat(rows.get(0).<String>getAs("record_id"))
        .isNotEqualTo(rows.get(1).<String>getAs("record_id"));
  }

  @Test
  void aBulkFileIn7zAsEurostatShipsItGivesTheSameTotals(@org.junit.jupiter.api.io.TempDir
      Path dir) throws Exception {
    Path dat = FIXTURES.resolve("full202101.dat");
    Path archive = dir.resolve("full202101.7z");
    try (var out = new org.apache.commons.compress.archivers.sevenz.SevenZOutputFile(
        archive.toFile())) {
      out.putArchiveEntry(out.createArchiveEntry(dat.toFile(), "full202101.dat"));
      out.write(Files.readAllBytes(dat));
      out.closeArchiveEntry();
    }
    Ingest.InputRef entry = InputDiscovery.expand("comext", dir.toString(),
        new org.apache.hadoop.conf.Configuration()).get(0);
    assertThat(entry.uri()).isEqualTo("file:" + archive + "!/full202101.dat");
    assertThat(entry.sizeBytes()).isEqualTo(Files.size(dat));
    List<Row> rows = MappedFormatTest.readUri(entry.uri(), entry.sizeBytes(),
        MappedFormatTest.format("comext", Map.of())).stream()
        .filter(r -> !"file".equals(r.getAs("row_status"))).toList();
    assertThat(countableUsd(rows, "DEU", "RUS")).isEqualByComparingTo(
        usd(2_000_000, EUR_2021_01).add(usd(85_525, EUR_2021_01)));
    assertThat(countableUsd(rows, "NLD", "RUS")).isEqualByComparingTo(
        usd(20_788_379, EUR_2021_01));
  }
}

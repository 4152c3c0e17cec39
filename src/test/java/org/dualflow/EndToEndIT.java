package org.dualflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.math.BigDecimal;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPOutputStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.dualflow.schema.TableSchema;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole pipeline through {@code jobs/dualflow run}, on a small input whose every total is
 * worked out by hand below.
 */
class EndToEndIT {

  static final String HEADER = "freqCode,refYear,refMonth,period,reporterCode,reporterISO,"
      + "flowCode,partnerCode,partnerISO,partner2Code,classificationCode,cmdCode,aggrLevel,"
      + "customsCode,mosCode,motCode,qtyUnitAbbr,qty,netWgt,primaryValue";

  /** File a.csv; a line's number in the file is its index here + 2 (the header is line 1). */
  static final List<String> A = List.of(
      "M,2021,12,202112,156,CHN,X,643,RUS,0,H5,854231,6,C00,0,0,kg,10,10,1000.25",   // 2 tier 1
      "M,2021,12,202112,156,CHN,X,643,RUS,0,H5,854140,6,C00,0,0,kg,5,5,500.50",      // 3 -> 854149
      "M,2021,12,202112,156,CHN,X,643,RUS,0,H5,8542,4,C00,0,0,kg,10,10,1000.25",     // 4 aggregate
      "M,2021,12,202112,156,CHN,X,643,RUS,0,H5,854231,6,C00,0,3100,kg,6,6,600.00",   // 5 break-down
      "M,2021,12,202112,156,CHN,X,0,W00,0,H5,854231,6,C00,0,0,kg,99,99,9999.00",     // 6 World
      "M,2022,1,202201,156,CHN,X,643,RUS,0,H6,854231,6,C00,0,0,kg,1,1,2000.00",      // 7 tier 1
      "M,2022,1,202201,156,CHN,X,643,RUS,0,H6,854232,6,C00,0,0,kg,2,2,300.00",       // 8 tier 1
      "M,2022,1,202201,156,CHN,X,643,RUS,0,H6,870323,6,C00,0,0,kg,9,9,50000.00",     // 9 not CHPL
      "M,2022,1,202201,398,KAZ,M,156,CHN,0,H6,854231,6,C00,0,0,kg,1,1,2100.00",      // 10 CIF
      "A,2022,52,2022,398,KAZ,X,643,RUS,0,H6,854231,6,C00,0,0,kg,3,3,7000.00",       // 11 annual
      "M,2022,1,202201,344,HKG,RX,643,RUS,0,H6,854231,6,C00,0,0,kg,1,1,400.00",      // 12 re-export
      "M,2022,1,202201,156,CHN,X,643,RUS,0,H6,854231,6,C00,0,0,kg,1,1",              // 13 bad
      "M,2022,1,202201,156,CHN,X,643,RUS,0,H6,854231,6,C00,0,0,kg,1,1,abc",          // 14 bad
      "M,2022,1,202201,156,CHN,X,777,XXX,0,H6,854231,6,C00,0,0,kg,1,1,5",            // 15 bad
      "M,2022,1,202201,156,CHN,X,643,RUS,0,H6,,6,C00,0,0,kg,1,1,5",                  // 16 bad
      "M,2022,1,202201,156,CHN,X,643,RUS,0,H6,854231,6,C00,0,0,kg,1,1,"
          + "123456789012345678");                                                     // 17 bad

  /** File b.csv.gz: gzip, BOM, CRLF; line 2 repeats a.csv line 7, line 3 is new. */
  static final String B = "\uFEFF" + HEADER + "\r\n" + A.get(5) + "\r\n"
      + "M,2022,2,202202,156,CHN,X,643,RUS,0,H6,854233,6,C00,0,0,kg,1,1,77.70\r\n";

  /** The hand-worked input is a third defects on purpose: no reject gate for jobs on it. */
  static final String NO_GATE = "quality.max-reject-ratio=none\n";

  static Path work;
  static Launcher.Result run;

  @BeforeAll
  static void runTheJob(@TempDir Path dir) throws Exception {
    work = dir;
    Path input = Files.createDirectories(dir.resolve("input"));
    Files.writeString(input.resolve("a.csv"), HEADER + "\n" + String.join("\n", A) + "\n");
    try (OutputStream gz = new GZIPOutputStream(Files.newOutputStream(input.resolve("b.csv.gz")))) {
      gz.write(B.getBytes(StandardCharsets.UTF_8));
    }
    // The folder and a file in it: a.csv is reached twice and must be read once.
    Files.writeString(dir.resolve("job.properties"),
        "input.comtrade=input,input/a.csv\nwarehouse=wh\nlists=chpl\n" + NO_GATE);
    run = InProcess.run(dir, "run", "job.properties");
  }

  private static Dataset<Row> table(String name) {
    SparkSession spark = SparkTestSession.get();
    return spark.read().schema(TableSchema.load(name).schema())
        .parquet(work.resolve("wh").resolve(name).toString());
  }

  @Test
  void theRunSucceedsAndPrintsItsCounts() {
    assertThat(run.exitCode()).as(run.stderr()).isZero();
    assertThat(run.stdout()).contains("succeeded")
        .containsPattern("input/a\\.csv\\s+comtrade\\s+16\\s+11\\s+5\\s+0\\s+0\\s+31\\.3%")
        .containsPattern("input/b\\.csv\\.gz\\s+comtrade\\s+2\\s+1\\s+1\\s+1\\s+0\\s+0\\.0%")
        .containsPattern("total \\(2 files\\)\\s+18\\s+12\\s+6\\s+1\\s+0")
        .contains("Tables written: trade_records 12, rejected_records 6, dual_use_flows 8, "
            + "flows_monthly 6, coverage 52, corridor_monthly ")
        .contains("quality_report 2, run_manifest 1");
    assertThat(run.stdout()).contains("Greater China's share of Russia's CHPL (2024-02) supply");
    assertThat(run.stderr()).doesNotContain("Exception");
  }

  @Test
  void coverageSaysWhoReportedWhichMonthAndHow() {
    // Four series (CHN exports, KAZ imports, KAZ exports, HKG re-exports) over the months from
    // the first, 2021-12, to the last, December 2022 (KAZ's annual 2022 record spans its
    // year): 4 x 13 = 52 rows.
    Dataset<Row> coverage = table("coverage");
    assertThat(coverage.count()).isEqualTo(52);
    Map<String, String> got = new java.util.TreeMap<>();
    coverage.where("period IN (DATE'2021-12-01', DATE'2022-02-01', DATE'2022-03-01')")
        .collectAsList().forEach(r -> got.put(r.getAs("reporter_iso3") + " "
            + r.getAs("flow") + " " + r.getAs("period"), r.getAs("status") + " "
            + r.getAs("records") + " " + r.getAs("value_usd")));
    // China, December 2021: lines 2-6, five records; countable only lines 2 and 3 (the 8542
    // aggregate, the break-down and the World line are not): 1000.25 + 500.50 = 1500.75.
    // February 2022: b.csv line 3, 77.70. March: nothing, so not reported, not zero.
    assertThat(got).containsEntry("CHN export 2021-12-01", "monthly 5 1500.75")
        .containsEntry("CHN export 2022-02-01", "monthly 1 77.70")
        .containsEntry("CHN export 2022-03-01", "not_reported null null")
        // Kazakhstan's exports: only the annual 2022 line 11, so each 2022 month is inside an
        // annual figure; December 2021 is before it.
        .containsEntry("KAZ export 2022-02-01", "annual_only null null")
        .containsEntry("KAZ export 2021-12-01", "not_reported null null")
        .containsEntry("KAZ import 2021-12-01", "not_reported null null");
    Row annual = coverage.where("reporter_iso3 = 'KAZ' AND flow = 'export' "
        + "AND period = DATE'2022-07-01'").first();
    assertThat(annual.<Long>getAs("annual_records")).isEqualTo(1);
    assertThat(annual.<BigDecimal>getAs("annual_value_usd")).isEqualByComparingTo("7000.00");
  }

  @Test
  void flowsMonthlyHoldsExactlyTheHandWorkedTotals() {
    Map<String, String> rows = new TreeMap<>();
    for (Row r : table("flows_monthly").collectAsList()) {
      rows.put(r.getAs("period") + " " + r.getAs("exporter_iso3") + ">" + r.getAs("importer_iso3")
          + " " + r.getAs("reported_by") + " " + r.getAs("value_basis") + " "
          + r.getAs("list_id") + "@" + r.getAs("list_version") + " " + r.getAs("tier") + " "
          + r.getAs("hs6"), r.getAs("value_usd") + " " + r.getAs("net_kg") + " "
          + r.getAs("records") + " " + r.getAs("hs_mapped_records"));
    }
    // Lines 4-6 (aggregate, break-down, World) and 9 (not CHPL) add nothing; line 11 is annual
    // and line 12 a re-export; b.csv.gz line 2 is a duplicate of a.csv line 7.
    assertThat(rows).containsExactlyEntriesOf(new TreeMap<>(Map.of(
        "2021-12-01 CHN>RUS exporter FOB chpl@2024-02 1 854231", "1000.25 10.000 1 0",
        "2021-12-01 CHN>RUS exporter FOB chpl@2024-02 3.A 854149", "500.50 5.000 1 1",
        "2022-01-01 CHN>RUS exporter FOB chpl@2024-02 1 854231", "2000.00 1.000 1 0",
        "2022-01-01 CHN>RUS exporter FOB chpl@2024-02 1 854232", "300.00 2.000 1 0",
        "2022-01-01 CHN>KAZ importer CIF chpl@2024-02 1 854231", "2100.00 1.000 1 0",
        "2022-02-01 CHN>RUS exporter FOB chpl@2024-02 1 854233", "77.70 1.000 1 0")));
  }

  @Test
  void dualUseFlowsKeepAnnualAndReExportRowsApartFromTheMonthlyTotals() {
    List<String> rows = table("dual_use_flows").orderBy("source_file", "source_line")
        .collectAsList().stream()
        .map(r -> r.<String>getAs("source_file").replaceAll(".*/", "") + ":"
            + r.getAs("source_line") + " " + r.getAs("freq") + " " + r.getAs("flow") + " "
            + r.getAs("hs6_reported") + ">" + r.getAs("hs6") + " " + r.getAs("is_hs_mapped"))
        .toList();
    assertThat(rows).containsExactly(
        "a.csv:2 M export 854231>854231 false",
        "a.csv:3 M export 854140>854149 true",
        "a.csv:7 M export 854231>854231 false",
        "a.csv:8 M export 854232>854232 false",
        "a.csv:10 M import 854231>854231 false",
        "a.csv:11 A export 854231>854231 false",
        "a.csv:12 M re-export 854231>854231 false",
        "b.csv.gz:3 M export 854233>854233 false");
  }

  @Test
  void everyBadLineIsQuarantinedWithItsLineReasonAndText() {
    List<String> rows = table("rejected_records").orderBy("source_file", "source_line")
        .collectAsList().stream()
        .map(r -> r.<String>getAs("source_file").replaceAll(".*/", "") + ":"
            + r.getAs("source_line") + " " + r.getAs("reason_code") + " " + r.getAs("period_key"))
        .toList();
    assertThat(rows).containsExactly(
        "a.csv:13 field_count unknown",
        "a.csv:14 not_numeric 2022-01",
        "a.csv:15 unknown_country 2022-01",
        "a.csv:16 missing_commodity_code 2022-01",
        "a.csv:17 value_overflow 2022-01",
        "b.csv.gz:2 duplicate 2022-01");
    Row overflow = table("rejected_records").where("source_line = 17").first();
    assertThat(overflow.<String>getAs("raw_line")).isEqualTo(A.get(15));
    assertThat(overflow.<String>getAs("reason"))
        .isEqualTo("primaryValue 123456789012345678 does not fit DECIMAL(18,2)");
    Row duplicate = table("rejected_records").where("reason_code = 'duplicate'").first();
    assertThat(duplicate.<String>getAs("reason")).matches("same record as .*/input/a\\.csv:7");
  }

  @Test
  void theManifestCitesEveryInputWithItsDigestAndCounts() throws Exception {
    List<Row> runs = table("run_manifest").collectAsList();
    assertThat(runs).hasSize(1);
    Row m = runs.get(0);
    assertThat(m.<String>getAs("status")).isEqualTo("succeeded");
    assertThat(m.<String>getAs("spark_version")).isEqualTo("4.2.0");
    List<Row> inputs = m.getList(m.fieldIndex("inputs"));
    assertThat(inputs).hasSize(2);
    for (Row in : inputs) {
      Path file = Path.of(java.net.URI.create(in.getString(1)));
      String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(Files.readAllBytes(file)));
      assertThat(in.getString(3)).as(file.toString()).isEqualTo(sha);
      assertThat(in.getLong(2)).isEqualTo(Files.size(file));
      assertThat(in.getLong(4)).isEqualTo(in.getLong(5) + in.getLong(6) + in.getLong(7));
    }
    assertThat(m.getList(m.fieldIndex("periods"))).containsExactly("2021-12", "2022-01", "2022-02");
  }

  @Test
  void everyWrittenTableMatchesItsSchemaFile() {
    SparkSession spark = SparkTestSession.get();
    for (String name : TableSchema.ALL) {
      TableSchema expected = TableSchema.load(name);
      // Read without a schema: what the files and folders themselves say.
      Dataset<Row> written = spark.read().parquet(work.resolve("wh").resolve(name).toString());
      assertThat(written.columns()).as(name).containsExactly(expected.schema().fieldNames());
      for (StructField f : expected.schema().fields()) {
        assertThat(written.schema().apply(f.name()).dataType()).as(name + "." + f.name())
            .isEqualTo(f.dataType());
        if (!f.nullable()) {
          assertThat(written.where(written.col(f.name()).isNull()).count())
              .as(name + "." + f.name() + " is NOT NULL").isZero();
        }
      }
    }
  }

  @Test
  void theQualityReportConservesEveryFileAndFollowsTheValueThrough() {
    Map<String, String> rows = new TreeMap<>();
    for (Row r : table("quality_report").collectAsList()) {
      rows.put(r.<String>getAs("source_file").replaceAll(".*/", ""), r.getAs("rows_read") + " "
          + r.getAs("rows_accepted") + " " + r.getAs("rows_rejected") + " "
          + r.getAs("rows_duplicate") + " " + r.getAs("rows_unknown_country") + " "
          + r.getAs("rows_countable") + " " + r.getAs("rows_unmatched") + " "
          + r.getAs("value_accepted_usd") + " " + r.getAs("value_countable_usd") + " "
          + r.getAs("value_classified_usd") + " " + r.getAs("gate"));
    }
    // a.csv: lines 2-12 accepted; countable 2, 3, 7, 8, 9, 10, 11, 12 (not the aggregate 4,
    // break-down 5, World 6); 9 is not CHPL. Accepted value: 1000.25 + 500.50 + 1000.25
    // + 600.00 + 9999.00 + 2000.00 + 300.00 + 50000.00 + 2100.00 + 7000.00 + 400.00 = 74900.00;
    // countable: 74900.00 - 1000.25 - 600.00 - 9999.00 = 63300.75; classified: that - 50000.00.
    assertThat(rows).containsExactlyEntriesOf(new TreeMap<>(Map.of(
        "a.csv", "16 11 5 0 1 8 1 74900.00 63300.75 13300.75 ok",
        "b.csv.gz", "2 1 1 1 0 1 0 77.70 77.70 77.70 ok")));
  }

  @Test
  void duckDbReadsEveryTableWithTheDocumentedGlob() throws Exception {
    try (java.sql.Connection duck = java.sql.DriverManager.getConnection("jdbc:duckdb:");
        java.sql.Statement st = duck.createStatement()) {
      for (String name : TableSchema.ALL) {
        String source = "read_parquet('" + work.resolve("wh").resolve(name)
            + "/**/*.parquet', hive_partitioning = true)";
        try (java.sql.ResultSet rs = st.executeQuery("SELECT count(*) FROM " + source)) {
          rs.next();
          assertThat(rs.getLong(1)).as(name).isEqualTo(table(name).count());
        }
      }
      try (java.sql.ResultSet rs = st.executeQuery("SELECT sum(value_usd), typeof(min(period)) "
          + "FROM read_parquet('" + work.resolve("wh/flows_monthly")
          + "/**/*.parquet', hive_partitioning = true)")) {
        rs.next();
        // 1000.25 + 500.50 + 2000.00 + 300.00 + 2100.00 + 77.70
        assertThat(rs.getBigDecimal(1)).isEqualByComparingTo("5978.45");
        assertThat(rs.getString(2)).isEqualTo("DATE");
      }
    }
  }

  @Test
  void sqlAnswersByTableNameAsATableAndAsCsv() throws Exception {
    String query = "SELECT hs6, sum(value_usd) AS usd FROM flows_monthly "
        + "WHERE reported_by = 'exporter' GROUP BY hs6 ORDER BY hs6";
    Launcher.Result csv = InProcess.run(work, "sql", "--warehouse", "wh", "--format", "csv",
        query);
    assertThat(csv.exitCode()).as(csv.stderr()).isZero();
    // 854231: 1000.25 + 2000.00; 854232: 300.00; 854233: 77.70; 854149: 500.50.
    assertThat(csv.stdout()).isEqualTo("hs6,usd\n854149,500.50\n854231,3000.25\n"
        + "854232,300.00\n854233,77.70\n");
    Launcher.Result text = InProcess.run(work, "sql", "--warehouse", "wh", query);
    assertThat(text.stdout()).isEqualTo(String.join("\n",
        "   hs6      usd",
        "------  -------",
        "854149   500.50",
        "854231  3000.25",
        "854232   300.00",
        "854233    77.70",
        "(4 rows)", ""));
    Launcher.Result typo = InProcess.run(work, "sql", "--warehouse", "wh", "SELEC 1");
    assertThat(typo.exitCode()).isEqualTo(2);
    assertThat(typo.errorLines()).singleElement().asString()
        .startsWith("dualflow: Invalid query: [PARSE_SYNTAX_ERROR]");
  }

  @Test
  void theSameInputInAZipArchiveGivesTheSameTotals(@TempDir Path dir) throws Exception {
    Path zip = dir.resolve("input.zip");
    try (var out = new java.util.zip.ZipOutputStream(Files.newOutputStream(zip))) {
      for (String name : List.of("a.csv", "b.csv.gz")) {
        out.putNextEntry(new java.util.zip.ZipEntry("comtrade/" + name));
        out.write(Files.readAllBytes(work.resolve("input").resolve(name)));
        out.closeEntry();
      }
    }
    Files.writeString(dir.resolve("job.properties"), "input.comtrade=input.zip\nwarehouse=wh\n"
        + "lists=chpl\n" + NO_GATE);
    Launcher.Result zipped = InProcess.run(dir, "run", "job.properties");
    assertThat(zipped.exitCode()).as(zipped.stderr()).isZero();
    assertThat(WarehouseSnapshot.of(dir.resolve("wh")).get("flows_monthly"))
        .isEqualTo(WarehouseSnapshot.of(work.resolve("wh")).get("flows_monthly"));
    // The rejected lines were read again from the archive, text and all.
    Row overflow = SparkTestSession.get().read()
        .schema(TableSchema.load("rejected_records").schema())
        .parquet(dir.resolve("wh/rejected_records").toString()).where("source_line = 17")
        .first();
    assertThat(overflow.<String>getAs("source_file")).endsWith("input.zip!/comtrade/a.csv");
    assertThat(overflow.<String>getAs("raw_line")).isEqualTo(A.get(15));
  }
}

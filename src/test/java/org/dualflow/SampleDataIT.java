package org.dualflow;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.year;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.dualflow.schema.TableSchema;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sample job as the README runs it, in process. The expected figures are the published
 * ones the sample is calibrated to (sample-data/README.md), not numbers read off the program.
 */
class SampleDataIT {

  static Path warehouse;
  static Launcher.Result run;

  @BeforeAll
  static void runTheSampleJob(@TempDir Path dir) throws Exception {
    warehouse = dir.resolve("wh");
    run = InProcess.run(Launcher.projectDir(), "run", "jobs/sample.properties", "--set",
        "warehouse=" + warehouse);
  }

  private static Dataset<Row> allFlows() {
    return SparkTestSession.get().read().schema(TableSchema.load("flows_monthly").schema())
        .parquet(warehouse.resolve("flows_monthly").toString());
  }

  /** The figures the sample is calibrated to are Comtrade's. */
  private static Dataset<Row> flows() {
    return allFlows().where("source = 'comtrade' AND list_id = 'chpl' "
        + "AND reported_by = 'exporter' AND importer_iso3 = 'RUS'");
  }

  private static BigDecimal total(Column filter) {
    Row r = flows().where(filter).agg(sum("value_usd")).first();
    return r.isNullAt(0) ? BigDecimal.ZERO : r.getDecimal(0);
  }

  private static Column ic(String exporter) {
    return col("exporter_iso3").equalTo(exporter).and(col("hs6").startsWith("8542"));
  }

  private static Column months(String from, String to) {
    return col("period").between(java.sql.Date.valueOf(from + "-01"),
        java.sql.Date.valueOf(to + "-01"));
  }

  @Test
  void theRunSucceedsAndShowsTheHeadline() {
    assertThat(run.exitCode()).as(run.stderr()).isZero();
    assertThat(run.stdout()).contains("succeeded", "Headline: CHPL (2024-02)",
        "rejected by reason:");
  }

  @Test
  void chinasIntegratedCircuitExportsToRussiaAreTheWsjFigures() {
    // WSJ via abachy.com (China customs): USD 74m in 2021, 179m in 2022.
    assertThat(total(ic("CHN").and(year(col("period")).equalTo(2021))))
        .isEqualByComparingTo("74000000.00");
    assertThat(total(ic("CHN").and(year(col("period")).equalTo(2022))))
        .isEqualByComparingTo("179000000.00");
    // Carnegie (Kot, 2023): Hong Kong's IC exports to Russia about USD 400m in 2022.
    assertThat(total(ic("HKG").and(year(col("period")).equalTo(2022))))
        .isEqualByComparingTo("400000000.00");
  }

  @Test
  void transitHubsMonthlyMeansBeforeAndAfterTheInvasionAreThePublishedOnes() {
    // JungYeoni/trade-circumvention-monitor: HS 8542 exports to Russia, USD per month.
    Map<String, long[]> published = Map.of("KAZ", new long[] {13_196, 1_043_092},
        "ARM", new long[] {1_079, 1_006_057});
    for (Map.Entry<String, long[]> e : published.entrySet()) {
      BigDecimal before = total(ic(e.getKey()).and(months("2020-01", "2022-02")));
      BigDecimal after = total(ic(e.getKey()).and(months("2022-03", "2024-12")));
      assertThat(before.divide(BigDecimal.valueOf(26), 2, RoundingMode.HALF_UP))
          .as(e.getKey()).isEqualByComparingTo(BigDecimal.valueOf(e.getValue()[0]));
      assertThat(after.divide(BigDecimal.valueOf(34), 2, RoundingMode.HALF_UP))
          .as(e.getKey()).isEqualByComparingTo(BigDecimal.valueOf(e.getValue()[1]));
    }
  }

  @Test
  void greaterChinaHoldsNinetyPercentOfRussiasChplSupplyIn2023() {
    // Carnegie Politika (Sher, May 2024): about 90% in 2023; December 2023 above USD 600m and
    // more than 300m a month in early 2024 from China alone.
    Column in2023 = year(col("period")).equalTo(2023);
    BigDecimal greaterChina = total(in2023.and(col("exporter_iso3").isin("CHN", "HKG", "MAC")));
    BigDecimal all = total(in2023);
    assertThat(greaterChina.multiply(BigDecimal.valueOf(100)).divide(all, 1, RoundingMode.HALF_UP))
        .isEqualByComparingTo("90.0");
    assertThat(total(col("exporter_iso3").equalTo("CHN").and(months("2023-12", "2023-12"))))
        .isGreaterThan(new BigDecimal("600000000"));
    for (int m = 1; m <= 3; m++) {
      String month = "2024-0" + m;
      assertThat(total(col("exporter_iso3").equalTo("CHN").and(months(month, month))))
          .as(month).isGreaterThan(new BigDecimal("300000000"));
    }
  }

  @Test
  void chinasOwnStatisticsSitBesideComtradeAndRussiasDeclarations() {
    List<String> sides = allFlows().where("exporter_iso3 = 'CHN' AND importer_iso3 = 'RUS'")
        .select("source", "reported_by", "value_basis").distinct()
        .orderBy("source").collectAsList().stream()
        .map(r -> r.getString(0) + " " + r.getString(1) + " " + r.getString(2)).toList();
    assertThat(sides).containsExactly("comtrade exporter FOB", "declarations importer CIF",
        "gacc exporter FOB");
    // The yuan file's months, January to June 2024, are all there.
    assertThat(allFlows().where("source = 'gacc'").select("period").distinct().count())
        .isEqualTo(7);
  }

  private static Dataset<Row> table(String name) {
    return SparkTestSession.get().read().schema(TableSchema.load(name).schema())
        .parquet(warehouse.resolve(name).toString());
  }

  @Test
  void theAnalyticsFindWhatTheSampleWasBuiltToShow() {
    // Greater China's 2023 share of Russia's CHPL supply, all sources on a FOB basis: the 90%
    // the sample is calibrated to (Carnegie, Sher 2024).
    Row share = table("supplier_share").where("importer_iso3 = 'RUS' AND period_type = 'year' "
            + "AND tier = 'ALL' AND list_version = '2024-02' AND year(period) = 2023 "
            + "AND supplier_group = 'greater_china'")
        .agg(sum("share")).first();
    assertThat(BigDecimal.valueOf(share.getDouble(0) * 100).setScale(1, RoundingMode.HALF_UP))
        .isEqualByComparingTo("90.0");
    // The re-export routes the sample's hubs were built with (and the literature names).
    List<String> flagged = table("transit_signals").where("is_re_export_signal")
        .select("hub_iso3").distinct().orderBy("hub_iso3").collectAsList().stream()
        .map(r -> r.getString(0)).toList();
    assertThat(flagged).containsExactly("ARM", "KAZ");
    // Kyrgyzstan exports as much, but reports only annual figures before 2022: of the window
    // 2021-03..2022-02 only January and February 2022 are covered, 2 of the 9 months needed.
    // No baseline, so no index and no signal (it was flagged, against a baseline of two months
    // divided by twelve, before coverage counted).
    List<Row> kgz = table("transit_signals").where("hub_iso3 = 'KGZ' AND origin_group = "
        + "'greater_china' AND period >= DATE'2022-03-01'").select("exports_baseline_months",
            "signal_status").distinct().collectAsList();
    assertThat(kgz).extracting(r -> r.getLong(0) + " " + r.getString(1))
        .containsExactly("2 no_baseline");
    // The shipment declared at a hundred times its weight.
    Row cheap = table("unit_value_outliers").where("exporter_iso3 = 'CHN' AND importer_iso3 = "
        + "'KGZ' AND hs6 = '854231' AND period = DATE'2023-06-01'").first();
    assertThat(cheap.<Boolean>getAs("is_outlier")).isTrue();
    assertThat(cheap.<String>getAs("direction")).isEqualTo("low");
    // One shipper written two ways in Latin script is one firm (its Chinese name stays apart).
    Row junda = table("entity_summary").where("role = 'shipper' AND entity_key = "
        + "'name:SHENZHEN JUNDA ELECTRONICS'").first();
    assertThat(junda.getList(junda.fieldIndex("names"))).containsExactly(
        "SHENZHEN JUNDA ELECTRONICS CO., LTD", "Shenzhen Junda Electronics Co Ltd");
    // China and Kazakhstan both report the processors China sends Kazakhstan: a mirror pair.
    assertThat(table("mirror_gaps").where("exporter_iso3 = 'CHN' AND importer_iso3 = 'KAZ' "
        + "AND hs6 = '854231'").count()).isGreaterThan(60);
    // China declares processors (854231) for Kyrgyzstan every month; Kyrgyzstan records only
    // its imports of computer units (847180) from China, annually to 2021 and monthly from
    // 2022 (SampleDataGenerator.kyrgyzstan): phantom exports in each of the 36 months
    // 2022-01..2024-12 both reported, none before (an annual figure makes no month reported).
    List<Row> phantom = table("mirror_gaps").where("exporter_iso3 = 'CHN' AND importer_iso3 = "
        + "'KGZ' AND hs6 = '854231'").select("mirror_status", "period").distinct()
        .groupBy("mirror_status").agg(count("period"), min("period"), max("period"))
        .collectAsList();
    assertThat(phantom).extracting(r -> r.getString(0) + " " + r.getLong(1) + " " + r.get(2)
        + ".." + r.get(3)).containsExactly("exporter_only 36 2022-01-01..2024-12-01");
  }

  @Test
  void theQualityReportConservesEveryFile() {
    Dataset<Row> q = SparkTestSession.get().read().schema(TableSchema.load("quality_report")
        .schema()).parquet(warehouse.resolve("quality_report").toString());
    assertThat(q.count()).isEqualTo(11);
    assertThat(q.collectAsList()).allSatisfy(r -> {
      assertThat(r.<Long>getAs("rows_read")).isEqualTo(r.<Long>getAs("rows_accepted")
          + r.<Long>getAs("rows_rejected") + r.<Long>getAs("rows_outside_periods"));
      assertThat(r.<BigDecimal>getAs("value_classified_usd"))
          .isLessThanOrEqualTo(r.<BigDecimal>getAs("value_countable_usd"));
      assertThat(r.<BigDecimal>getAs("value_countable_usd"))
          .isLessThanOrEqualTo(r.<BigDecimal>getAs("value_accepted_usd"));
    });
    Row decl = q.where("source = 'declarations'").first();
    assertThat(decl.<Long>getAs("rows_duplicate")).isEqualTo(1);
    assertThat(decl.<Long>getAs("rows_unknown_country")).isEqualTo(1);
    // Shoes (6403) are in the declarations, and on no list.
    assertThat(decl.<Long>getAs("rows_unmatched")).isPositive();
  }

  @Test
  void everyDeliberateDefectIsQuarantinedAndEveryFileConserved() {
    Dataset<Row> rejected = SparkTestSession.get().read()
        .schema(TableSchema.load("rejected_records").schema())
        .parquet(warehouse.resolve("rejected_records").toString());
    Map<String, Long> byReason = new TreeMap<>();
    for (Row r : rejected.groupBy("reason_code").count().collectAsList()) {
      byReason.put(r.getString(0), r.getLong(1));
    }
    // sample-data/README.md lists them. Comtrade: 84 re-downloaded Armenian 2023 rows (one
    // revised), two field-count lines and one of each other defect. China customs: partner 999,
    // a cut line, "1,2x0". Declarations: an item sent twice, АТЛАНТИДА, 31.13.2023, a cut line.
    // Comext: "12,500" where a plain number belongs, flow 7.
    Map<String, Long> expected = new TreeMap<>();
    expected.put("duplicate", 83L + 1);
    expected.put("conflicting_duplicate", 1L);
    expected.put("field_count", 2L + 1 + 1);
    expected.put("not_numeric", 1L + 1 + 1);
    expected.put("unknown_country", 1L + 1 + 1);
    expected.put("missing_commodity_code", 1L);
    expected.put("value_overflow", 1L);
    expected.put("inconsistent_country", 1L);
    expected.put("unsupported_classification", 1L);
    expected.put("bad_period", 1L + 1);
    expected.put("unsupported_value", 1L);
    assertThat(byReason).containsExactlyEntriesOf(expected);
    Row manifest = SparkTestSession.get().read().schema(TableSchema.load("run_manifest").schema())
        .parquet(warehouse.resolve("run_manifest").toString()).first();
    List<Row> inputs = manifest.getList(manifest.fieldIndex("inputs"));
    assertThat(inputs).hasSize(11).allSatisfy(in ->
        assertThat(in.getLong(4)).isEqualTo(in.getLong(5) + in.getLong(6) + in.getLong(7)));
  }
}

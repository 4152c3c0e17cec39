package org.dualflow.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.math.BigDecimal;
import java.sql.Date;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.dualflow.Periods;
import org.dualflow.SparkTestSession;
import org.dualflow.schema.TableSchema;
import org.junit.jupiter.api.Test;

/**
 * The analytics transformations on small flows whose every figure is worked out by hand in the
 * comments.
 */
class AnalyticsTest {

  static final StructType FLOWS = TableSchema.load("flows_monthly").schema();
  static final org.dualflow.reference.ReferenceData REF = org.dualflow.reference.ReferenceData
      .load(new org.dualflow.reference.ReferenceFiles(null));
  static final AnalyticsSettings SETTINGS = AnalyticsSettings.of(
      Periods.parse("2021-03..2021-05"), List.of("comtrade", "gacc"), 2.0);

  /** A flows_monthly row of list chpl@2024-02. */
  static Row flow(String month, String source, String exporter, String importer,
      String reportedBy, String tier, String hs6, String usd, String kg) {
    Object[] v = new Object[FLOWS.size()];
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("source", source);
    m.put("exporter_iso3", exporter);
    m.put("importer_iso3", importer);
    m.put("reported_by", reportedBy);
    m.put("value_basis", reportedBy.equals("exporter") ? "FOB" : "CIF");
    m.put("list_id", "chpl");
    m.put("list_version", "2024-02");
    m.put("tier", tier);
    m.put("hs6", hs6);
    m.put("value_usd", new BigDecimal(usd).setScale(2));
    m.put("net_kg", kg == null ? null : new BigDecimal(kg).setScale(3));
    m.put("records", 1L);
    m.put("hs_mapped_records", 0L);
    m.put("run_id", "r");
    m.put("period", Date.valueOf(month + "-01"));
    m.forEach((k, val) -> v[FLOWS.fieldIndex(k)] = val);
    return RowFactory.create(v);
  }

  static Dataset<Row> flows(Row... rows) {
    return SparkTestSession.get().createDataFrame(Arrays.asList(rows), FLOWS);
  }

  /**
   * A coverage table from reports like {@code "comtrade CHN export M 2021-03..2022-12"}: one
   * trade record of each month of the range (or, with A, one annual record per year).
   */
  static Dataset<Row> coverage(String... reports) {
    StructType schema = TableSchema.load("trade_records").schema();
    List<Row> rows = new ArrayList<>();
    for (String report : reports) {
      String[] f = report.split(" ");
      for (java.time.YearMonth m : Periods.parse(f[4]).months()) {
        if (f[3].equals("A") && m.getMonthValue() != 1) {
          continue;
        }
        Object[] v = new Object[schema.size()];
        v[schema.fieldIndex("source")] = f[0];
        v[schema.fieldIndex("reporter_iso3")] = f[1];
        v[schema.fieldIndex("flow")] = f[2];
        v[schema.fieldIndex("freq")] = f[3];
        v[schema.fieldIndex("value_usd")] = new BigDecimal("1.00");
        v[schema.fieldIndex("is_countable")] = true;
        v[schema.fieldIndex("period")] = Date.valueOf(m.atDay(1));
        rows.add(RowFactory.create(v));
      }
    }
    return Coverage.from(SparkTestSession.get().createDataFrame(rows, schema));
  }

  static Dataset<Row> fob(Dataset<Row> flows) {
    Dataset<Row> cells = FlowViews.cells(flows, SETTINGS.sourcePriority());
    return FlowViews.fobFlows(cells, FlowViews.cifFobFactors(cells, SETTINGS), SETTINGS);
  }

  @Test
  void oneSourcePerSideOfAFlowAndAFobValueFromTheBestSide() {
    List<Row> out = fob(flows(
        // China's exports to Russia from Comtrade and from China customs: Comtrade is kept.
        flow("2023-01", "comtrade", "CHN", "RUS", "exporter", "1", "854231", "1000", "1"),
        flow("2023-01", "gacc", "CHN", "RUS", "exporter", "1", "854231", "1030", "1"),
        // A month only China customs reports: it is used.
        flow("2023-02", "gacc", "CHN", "RUS", "exporter", "1", "854231", "700", "1"),
        // Only the importer reports: 110 CIF / 1.10 (default factor) = 100.00 FOB.
        flow("2023-01", "declarations", "ARE", "RUS", "importer", "1", "854231", "110", "2")))
        .orderBy("period", "exporter_iso3").collectAsList();
    assertThat(out).extracting(r -> r.getAs("period") + " " + r.getAs("exporter_iso3") + " "
            + r.getAs("value_fob_usd") + " " + r.getAs("side") + " " + r.getAs("source_exporter"))
        .containsExactly("2023-01-01 ARE 100.00 importer null",
            "2023-01-01 CHN 1000.00 exporter comtrade",
            "2023-02-01 CHN 700.00 exporter gacc");
  }

  @Test
  void anImporterThatReportsFobIsTakenAsItIsNotDividedByTheFactor() {
    // Kazakhstan reports 110 FOB for China's goods and nothing CIF: 110.00, not 110 / 1.10.
    Row fob = flow("2023-01", "comtrade", "CHN", "KAZ", "importer", "1", "854231", "110", "1");
    Object[] v = new Object[FLOWS.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = fob.get(i);
    }
    v[FLOWS.fieldIndex("value_basis")] = "FOB";
    List<Row> out = fob(flows(RowFactory.create(v))).collectAsList();
    assertThat(out).extracting(r -> r.getAs("value_fob_usd") + " " + r.getAs("side") + " "
            + r.getAs("cif_importer_usd"))
        .containsExactly("110.00 importer null");
  }

  @Test
  void aPairsCifFobFactorIsItsMedianWhenItHasEnoughCells() {
    // Six cells both sides report, CIF/FOB 1.05 1.06 1.08 1.10 1.12 1.20: median (1.08 + 1.10)
    // / 2 = 1.09. The KAZ pair has one cell only: the default 1.10.
    String[] cif = {"105", "106", "108", "110", "112", "120"};
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < cif.length; i++) {
      String month = "2023-0" + (i + 1);
      rows.add(flow(month, "comtrade", "CHN", "ARM", "exporter", "1", "854231", "100", null));
      rows.add(flow(month, "comtrade", "CHN", "ARM", "importer", "1", "854231", cif[i], null));
    }
    rows.add(flow("2023-01", "comtrade", "CHN", "KAZ", "exporter", "1", "854231", "100", null));
    rows.add(flow("2023-01", "comtrade", "CHN", "KAZ", "importer", "1", "854231", "130", null));
    Dataset<Row> cells = FlowViews.cells(flows(rows.toArray(Row[]::new)), List.of("comtrade"));
    Map<String, String> factors = new LinkedHashMap<>();
    FlowViews.cifFobFactors(cells, SETTINGS).orderBy("importer_iso3").collectAsList()
        .forEach(r -> factors.put(r.getString(1), String.format("%.2f %s %d", r.getDouble(2),
            r.getString(4), r.getLong(3))));
    assertThat(factors).containsExactly(Map.entry("ARM", "1.09 estimated 6"),
        Map.entry("KAZ", "1.10 default 1"));
  }

  @Test
  void mirrorGapsPutCifOnAFobBasisAndReconcile() {
    List<Row> gaps = MirrorGaps.from(fob(flows(
        // Agreeing sides: 1210 CIF / 1.10 = 1100.00 FOB; gap 1000 - 1100 = -100; ratio 1.1;
        // reconciled 0.5 x 1000 + 0.5 x 1100 = 1050.00.
        flow("2023-01", "comtrade", "CHN", "KAZ", "exporter", "1", "854231", "1000", null),
        flow("2023-01", "comtrade", "CHN", "KAZ", "importer", "1", "854231", "1210", null),
        // Disagreeing sides: 5500 / 1.10 = 5000.00, five times the exporter's: the importer's.
        flow("2023-01", "comtrade", "CHN", "KAZ", "exporter", "1", "854232", "1000", null),
        flow("2023-01", "comtrade", "CHN", "KAZ", "importer", "1", "854232", "5500", null),
        // One side only: not a mirror pair.
        flow("2023-01", "comtrade", "CHN", "KAZ", "exporter", "1", "854233", "10", null))),
        SETTINGS).orderBy("hs6").collectAsList();
    assertThat(gaps).extracting(r -> r.getAs("hs6") + " " + r.getAs("fob_from_importer_usd")
            + " " + r.getAs("gap_usd") + " " + r.getAs("ratio") + " " + r.getAs("reconciled_usd")
            + " " + r.getAs("weight_exporter") + " " + r.getAs("reconciled_from"))
        .containsExactly("854231 1100.00 -100.00 1.1 1050.00 0.5 both",
            "854232 5000.00 -4000.00 5.0 5000.00 0.0 importer");
  }

  @Test
  void baselineIsTheWindowsMonthlyMeanAndIndexAndYearOnYearFollow() {
    Dataset<Row> fob = fob(flows(
        // Window 2021-03..2021-05, China reporting every month: 100 + 200 + nothing (a covered
        // month without trade is a zero) = 300 / 3 = 100.00 a month.
        flow("2021-03", "comtrade", "CHN", "RUS", "exporter", "1", "854231", "100", null),
        flow("2021-04", "comtrade", "CHN", "RUS", "exporter", "1", "854231", "200", null),
        // 2022-04: 250 = index 250; a year before 200: +25%.
        flow("2022-04", "comtrade", "CHN", "RUS", "exporter", "1", "854231", "250", null)));
    Dataset<Row> reports = coverage("comtrade CHN export M 2021-03..2022-04");
    Dataset<Row> corridorCoverage = CorridorMonthly.coverage(fob, REF.corridors(), reports);
    Dataset<Row> corridors = CorridorMonthly.from(fob, REF.corridors(), corridorCoverage);
    Row april = BaselineChange.from(corridors, corridorCoverage, SETTINGS)
        .where("corridor_id = 'chn_rus' AND period = DATE'2022-04-01'").first();
    assertThat(april.<BigDecimal>getAs("baseline_usd")).isEqualByComparingTo("100.00");
    assertThat(april.<String>getAs("baseline_status")).isEqualTo("ok");
    assertThat(april.<Long>getAs("baseline_months_covered")).isEqualTo(3);
    assertThat(april.<Long>getAs("baseline_months_reported")).isEqualTo(2);
    assertThat(april.<Double>getAs("index_vs_baseline")).isCloseTo(250.0, within(1e-9));
    assertThat(april.<BigDecimal>getAs("value_year_ago_usd")).isEqualByComparingTo("200.00");
    assertThat(april.<Double>getAs("yoy_change")).isCloseTo(0.25, within(1e-9));
    // greater_china_rus holds the same flow; hkg_rus has none.
    assertThat(corridors.where("period = DATE'2022-04-01'").select("corridor_id").collectAsList())
        .extracting(r -> r.getString(0)).containsExactlyInAnyOrder("chn_rus", "greater_china_rus");
  }

  @Test
  void supplierSharesComeFromTheBestSideAndAddUpToOne() {
    Dataset<Row> shares = SupplierShare.from(fob(flows(
        // Russia's 2023 imports: CHN 600 + 300 = 900, HKG 50, and ARE 55 CIF seen only by
        // Russia = 50.00 FOB. Total 1000: CHN 0.90, HKG 0.05, ARE 0.05; greater China 0.95.
        flow("2023-01", "comtrade", "CHN", "RUS", "exporter", "1", "854231", "600", null),
        flow("2023-02", "comtrade", "CHN", "RUS", "exporter", "2", "851762", "300", null),
        flow("2023-01", "comtrade", "HKG", "RUS", "exporter", "1", "854231", "50", null),
        flow("2023-03", "declarations", "ARE", "RUS", "importer", "1", "854231", "55", null))),
        Map.of("greater_china", Set.of("CHN", "HKG", "MAC")),
        coverage("comtrade CHN export M 2023-01..2023-12", "comtrade HKG export M 2023-01..2023-12",
            "declarations RUS import M 2023-01..2023-12"));
    Map<String, String> year = new LinkedHashMap<>();
    shares.where("period_type = 'year' AND tier = 'ALL'").orderBy("exporter_iso3")
        .collectAsList().forEach(r -> year.put(r.getString(r.fieldIndex("exporter_iso3")),
            r.getAs("share") + " " + r.getAs("supplier_group") + " "
                + r.getAs("value_from_importer_side_usd")));
    assertThat(year).containsExactly(Map.entry("ARE", "0.05 other 50.00"),
        Map.entry("CHN", "0.9 greater_china null"), Map.entry("HKG", "0.05 greater_china null"));
    // Tier 1 alone: CHN 600, HKG 50, ARE 50 of 700.
    Row chnTier1 = shares.where("period_type = 'year' AND tier = '1' AND exporter_iso3 = 'CHN'")
        .first();
    assertThat(chnTier1.<Double>getAs("share")).isCloseTo(600.0 / 700, within(1e-12));
    // Russia's declarations cover every supplier every month of 2023: the year is complete.
    assertThat(shares.where("period_type = 'year'").select("is_period_covered").distinct()
        .collectAsList()).extracting(r -> r.getBoolean(0)).containsExactly(true);
  }

  @Test
  void aReporterThatStopsIsMissingNotZeroAndTheSharesSaySo() {
    // China reports its exports January to June 2022 and then stops; Kazakhstan reports all
    // year; Russia reports nothing. July: only Kazakhstan's 100 is known.
    Dataset<Row> reports = coverage("comtrade CHN export M 2022-01..2022-06",
        "comtrade KAZ export M 2022-01..2022-12");
    Map<String, String> status = new LinkedHashMap<>();
    reports.where("reporter_iso3 = 'CHN' AND period IN (DATE'2022-06-01', DATE'2022-07-01')")
        .orderBy("period").collectAsList()
        .forEach(r -> status.put(r.getAs("period").toString(), r.getAs("status")));
    assertThat(status).containsExactly(Map.entry("2022-06-01", "monthly"),
        Map.entry("2022-07-01", "not_reported"));
    Dataset<Row> shares = SupplierShare.from(fob(flows(
        flow("2022-06", "comtrade", "CHN", "RUS", "exporter", "1", "854231", "900", null),
        flow("2022-06", "comtrade", "KAZ", "RUS", "exporter", "1", "854231", "100", null),
        flow("2022-07", "comtrade", "KAZ", "RUS", "exporter", "1", "854231", "100", null))),
        Map.of("greater_china", Set.of("CHN", "HKG", "MAC")), reports);
    // June: KAZ 100 of 1000 = 0.1, complete. July: KAZ alone, 100 of 100 = 1.0, but China is
    // missing, and the row says so; the year is incomplete for the same reason.
    List<Row> kaz = shares.where("exporter_iso3 = 'KAZ' AND tier = 'ALL'")
        .orderBy("period_type", "period").collectAsList();
    assertThat(kaz).extracting(r -> r.getAs("period_type") + " " + r.getAs("period") + " "
            + r.getAs("share") + " " + r.getAs("is_period_covered") + " "
            + r.getList(r.fieldIndex("missing_suppliers")))
        .containsExactly("month 2022-06-01 0.1 true []", "month 2022-07-01 1.0 false [CHN]",
            "year 2022-01-01 " + kaz.get(2).getAs("share") + " false [CHN]");
    // The year: KAZ 100 + 100 of CHN 900 + KAZ 200 = 200 / 1100.
    assertThat(kaz.get(2).<Double>getAs("share")).isCloseTo(200.0 / 1100, within(1e-12));
  }

  static final Map<String, Set<String>> ORIGINS = new LinkedHashMap<>(Map.of(
      "greater_china", Set.of("CHN", "HKG", "MAC")));

  /** transit_signals rows of KAZ and greater China, "period hs6 ..." in period order. */
  static List<Row> signals(Dataset<Row> fob, Dataset<Row> coverage, String where) {
    return TransitSignals.from(fob, Set.of("KAZ"), ORIGINS, "RUS", SETTINGS, coverage)
        .where(where).orderBy("hs6", "period").collectAsList();
  }

  @Test
  void aRiseThatLastsOneMonthIsNoSignalOneThatPersistsIs() {
    // China and Kazakhstan report their exports every month. Window 2021-03..2021-05: KAZ
    // imports 30,000 a month from China and exports 10,000 to Russia, in 854231 and 854232.
    List<Row> rows = new ArrayList<>();
    for (String hs6 : new String[] {"854231", "854232"}) {
      for (String m : new String[] {"2021-03", "2021-04", "2021-05"}) {
        rows.add(flow(m, "comtrade", "CHN", "KAZ", "exporter", "1", hs6, "30000", null));
        rows.add(flow(m, "comtrade", "KAZ", "RUS", "exporter", "1", hs6, "10000", null));
      }
    }
    // 854231 rises in June 2022 only (imports 90,000 = 3x, exports 25,000 = 2.5x), then is
    // back at its baseline: one risen month of the latest four, no signal.
    rows.add(flow("2022-06", "comtrade", "CHN", "KAZ", "exporter", "1", "854231", "90000", null));
    rows.add(flow("2022-06", "comtrade", "KAZ", "RUS", "exporter", "1", "854231", "25000", null));
    for (String m : new String[] {"2022-07", "2022-08"}) {
      rows.add(flow(m, "comtrade", "CHN", "KAZ", "exporter", "1", "854231", "30000", null));
      rows.add(flow(m, "comtrade", "KAZ", "RUS", "exporter", "1", "854231", "10000", null));
    }
    // 854232 rises June, July and August 2022: risen months 1, 2, then 3 of the latest four
    // covered months (May 2022, June, July, August): a signal in August only.
    for (String m : new String[] {"2022-06", "2022-07", "2022-08"}) {
      rows.add(flow(m, "comtrade", "CHN", "KAZ", "exporter", "1", "854232", "90000", null));
      rows.add(flow(m, "comtrade", "KAZ", "RUS", "exporter", "1", "854232", "25000", null));
    }
    // 854233: a route that did not exist in the window (baseline zero), 8,000 in and 9,000
    // out each month: under the 10,000 floor, never risen; more leaves than arrives.
    for (String m : new String[] {"2022-06", "2022-07", "2022-08"}) {
      rows.add(flow(m, "comtrade", "CHN", "KAZ", "exporter", "1", "854233", "8000", null));
      rows.add(flow(m, "comtrade", "KAZ", "RUS", "exporter", "1", "854233", "9000", null));
    }
    Dataset<Row> reports = coverage("comtrade CHN export M 2021-01..2022-08",
        "comtrade KAZ export M 2021-01..2022-08");
    List<Row> out = signals(fob(flows(rows.toArray(Row[]::new))), reports,
        "period >= DATE'2022-06-01'");
    assertThat(out).extracting(r -> r.getAs("hs6") + " " + r.getAs("period") + " "
            + r.getAs("imports_index") + " " + r.getAs("exports_index") + " "
            + r.getAs("risen_months") + " " + r.getAs("signal_status") + " "
            + r.getAs("exports_exceed_imports"))
        .containsExactly("854231 2022-06-01 3.0 2.5 1 not_persistent false",
            "854231 2022-07-01 1.0 1.0 1 not_risen false",
            "854231 2022-08-01 1.0 1.0 1 not_risen false",
            "854232 2022-06-01 3.0 2.5 1 not_persistent false",
            "854232 2022-07-01 3.0 2.5 2 not_persistent false",
            "854232 2022-08-01 3.0 2.5 3 signal false",
            "854233 2022-06-01 null null 0 not_risen true",
            "854233 2022-07-01 null null 0 not_risen true",
            "854233 2022-08-01 null null 0 not_risen true");
    assertThat(out.get(0).<Double>getAs("pass_through_ratio")).isCloseTo(25000.0 / 90000,
        within(1e-12));
    assertThat(out.get(0).<BigDecimal>getAs("imports_baseline_usd"))
        .isEqualByComparingTo("30000.00");
  }

  @Test
  void aHubReportingOnlyAnnuallyInTheWindowHasNoBaselineNoIndexAndNoSignal() {
    // Kyrgyzstan reports annual figures for 2021 and monthly from 2022; Russia reports nothing.
    // Its exports to Russia are covered in none of the window's months (2021-03..2021-05): the
    // baseline is null, not the mean of whatever months someone reported.
    Dataset<Row> reports = coverage("comtrade CHN export M 2021-01..2022-12",
        "comtrade KGZ export A 2021-01..2021-12", "comtrade KGZ export M 2022-01..2022-12");
    Dataset<Row> fob = fob(flows(
        flow("2021-03", "comtrade", "CHN", "KGZ", "exporter", "1", "854231", "30000", null),
        flow("2022-06", "comtrade", "CHN", "KGZ", "exporter", "1", "854231", "90000", null),
        flow("2022-06", "comtrade", "KGZ", "RUS", "exporter", "1", "854231", "500000", null)));
    assertThat(reports.where("reporter_iso3 = 'KGZ' AND period = DATE'2021-04-01'").first()
        .<String>getAs("status")).isEqualTo("annual_only");
    Row june = TransitSignals.from(fob, Set.of("KGZ"), ORIGINS, "RUS", SETTINGS, reports)
        .where("period = DATE'2022-06-01'").first();
    assertThat(june.<Long>getAs("exports_baseline_months")).isZero();
    assertThat(june.<BigDecimal>getAs("exports_baseline_usd")).isNull();
    assertThat(june.<Double>getAs("exports_index")).isNull();
    assertThat(june.<String>getAs("signal_status")).isEqualTo("no_baseline");
    assertThat(june.<Boolean>getAs("is_re_export_signal")).isFalse();
    Dataset<Row> corridorCoverage = CorridorMonthly.coverage(fob, REF.corridors(), reports);
    Row corridor = BaselineChange.from(CorridorMonthly.from(fob, REF.corridors(),
            corridorCoverage), corridorCoverage, SETTINGS)
        .where("corridor_id = 'hub_rus:KGZ' AND period = DATE'2022-06-01'").first();
    assertThat(corridor.<String>getAs("baseline_status")).isEqualTo("too_few_covered_months");
    assertThat(corridor.<BigDecimal>getAs("baseline_usd")).isNull();
    assertThat(corridor.<Double>getAs("index_vs_baseline")).isNull();
    assertThat(corridor.<Boolean>getAs("is_month_covered")).isTrue();
  }

  @Test
  void anOriginGroupNobodyReportsForIsNullNotZero() {
    // Germany's goods reach Kazakhstan, but neither Germany's exports nor Kazakhstan's imports
    // are in the warehouse: the coalition's imports series is not covered, so null.
    Map<String, Set<String>> origins = new LinkedHashMap<>(ORIGINS);
    origins.put("sanctioning_coalition", Set.of("DEU", "USA"));
    Dataset<Row> fob = fob(flows(
        flow("2022-06", "comext", "DEU", "KAZ", "importer", "1", "854231", "1100", null),
        flow("2022-06", "comtrade", "KAZ", "RUS", "exporter", "1", "854231", "500", null)));
    Dataset<Row> reports = coverage("comtrade KAZ export M 2022-01..2022-12",
        "comtrade CHN export M 2022-01..2022-12");
    Map<String, String> june = new LinkedHashMap<>();
    TransitSignals.from(fob, Set.of("KAZ"), origins, "RUS", SETTINGS, reports)
        .orderBy("origin_group").collectAsList()
        .forEach(r -> june.put(r.getAs("origin_group"), r.getAs("imports_from_origin_usd") + " "
            + r.getAs("is_imports_covered") + " " + r.getAs("exports_to_russia_usd")));
    // greater China: China reports its exports, none to KAZ: a known 0.00. The coalition:
    // DEU>KAZ trades but nobody reports it (USA neither trades nor reports: not expected).
    assertThat(june).containsExactly(Map.entry("greater_china", "0.00 true 500.00"),
        Map.entry("sanctioning_coalition", "null false 500.00"));
  }

  @Test
  void aCheapPerKilogramRecordIsALowOutlier() {
    // USD/kg 10, 10, 12, 8, 10 and 0.1 in one HS6-month. log10: 1, 1, 1.0792, 0.9031, 1, -1.
    // Median 1; absolute deviations 0, 0, 0.0792, 0.0969, 0, 2: MAD (0 + 0.0792) / 2 = 0.0396.
    // The 0.1 record: z = 0.6745 x (-1 - 1) / 0.0396 = -34.07: a low outlier. 12: z = 1.35.
    Map<String, Row> out = outliers(new String[][] {{"a", "100", "10"}, {"b", "200", "20"},
        {"c", "120", "10"}, {"d", "80", "10"}, {"e", "100", "10"}, {"f", "10", "100"}});
    assertThat(out.get("f").<Boolean>getAs("is_outlier")).isTrue();
    assertThat(out.get("f").<String>getAs("direction")).isEqualTo("low");
    assertThat(out.get("f").<Double>getAs("robust_z")).isCloseTo(-34.07, within(0.01));
    assertThat(out.get("c").<Double>getAs("robust_z")).isCloseTo(1.349, within(0.001));
    assertThat(out.get("c").<Boolean>getAs("is_outlier")).isFalse();
    assertThat(out.get("a").<Double>getAs("median_usd_per_kg")).isCloseTo(10.0, within(1e-9));
  }

  @Test
  void aGroupOfOnePriceIsScoredAgainstTheFloorNotAZeroDeviation() {
    // Five records at 10 USD/kg, one at 12, one at 20: median log10 1, MAD 0, floored at 0.02.
    // 12: z = 0.6745 x 0.0792 / 0.02 = 2.67, not flagged; 20: 0.6745 x 0.3010 / 0.02 = 10.15.
    // A 1 kg record at 5000 USD/kg is listed but neither scored nor part of the statistics.
    Map<String, Row> out = outliers(new String[][] {{"a", "100", "10"}, {"b", "100", "10"},
        {"c", "100", "10"}, {"d", "100", "10"}, {"e", "100", "10"}, {"f", "120", "10"},
        {"g", "200", "10"}, {"h", "5000", "1"}});
    assertThat(out.get("h").<Double>getAs("robust_z")).isNull();
    assertThat(out.get("h").<Boolean>getAs("is_outlier")).isFalse();
    assertThat(out.get("h").<Long>getAs("group_records")).isEqualTo(7L);
    assertThat(out.get("h").<Double>getAs("median_usd_per_kg")).isCloseTo(10.0, within(1e-9));
    assertThat(out.get("a").<Double>getAs("robust_z")).isEqualTo(0.0);
    assertThat(out.get("f").<Double>getAs("robust_z")).isCloseTo(2.670, within(0.001));
    assertThat(out.get("f").<Boolean>getAs("is_outlier")).isFalse();
    assertThat(out.get("g").<Double>getAs("robust_z")).isCloseTo(10.152, within(0.001));
    assertThat(out.get("g").<String>getAs("direction")).isEqualTo("high");
  }

  /** Records {id, value_usd, net_kg} of one HS6-month through unit_value_outliers, by id. */
  private static Map<String, Row> outliers(String[][] records) {
    StructType schema = TableSchema.load("dual_use_flows").schema();
    List<Row> rows = new ArrayList<>();
    for (String[] r : records) {
      Object[] v = new Object[schema.size()];
      v[schema.fieldIndex("record_id")] = r[0];
      v[schema.fieldIndex("source")] = "comtrade";
      v[schema.fieldIndex("source_file")] = "f.csv";
      v[schema.fieldIndex("source_line")] = 1L;
      v[schema.fieldIndex("freq")] = "M";
      v[schema.fieldIndex("exporter_iso3")] = "CHN";
      v[schema.fieldIndex("importer_iso3")] = "RUS";
      v[schema.fieldIndex("reported_by")] = "exporter";
      v[schema.fieldIndex("hs6")] = "854231";
      v[schema.fieldIndex("value_usd")] = new BigDecimal(r[1]).setScale(2);
      v[schema.fieldIndex("net_kg")] = new BigDecimal(r[2]).setScale(3);
      v[schema.fieldIndex("period")] = Date.valueOf("2023-01-01");
      rows.add(RowFactory.create(v));
    }
    Map<String, Row> out = new LinkedHashMap<>();
    UnitValueOutliers.from(SparkTestSession.get().createDataFrame(rows, schema), SETTINGS)
        .collectAsList().forEach(r -> out.put(r.getString(0), r));
    return out;
  }
}

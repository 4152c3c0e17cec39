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
import org.dualflow.TestRows;
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

  /** The flows_monthly row with one column set to another value. */
  static Row with(Row row, String column, Object value) {
    Object[] v = new Object[row.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = row.get(i);
    }
    v[FLOWS.fieldIndex(column)] = value;
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
        rows.add(TestRows.row(schema, "source", f[0], "reporter_iso3", f[1], "flow", f[2],
            "freq", f[3], "value_usd", new BigDecimal("1.00"), "is_countable", true, "period",
            Date.valueOf(m.atDay(1))));
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
        // Only the importer reports: 110 CIF / 1.10 = 100.00 FOB (the default factor: the pair
        // has no cell in the factor window).
        flow("2023-01", "declarations", "ARE", "RUS", "importer", "1", "854231", "110", "2")))
        .orderBy("period", "exporter_iso3").collectAsList();
    assertThat(out).extracting(r -> r.getAs("period") + " " + r.getAs("exporter_iso3") + " "
            + r.getAs("value_fob_usd") + " " + r.getAs("side") + " " + r.getAs("source_exporter"))
        .containsExactly("2023-01-01 ARE 100.00 importer null",
            "2023-01-01 CHN 1000.00 exporter comtrade",
            "2023-02-01 CHN 700.00 exporter gacc");
  }

  @Test
  void aSourceIsChosenWithinEachListVersion() {
    // Comtrade holds CHN>RUS 854231 under list version 2023-09 only, China customs under
    // 2024-02 only (a code one version lists deeper, say): each version keeps its cell.
    Row older = with(flow("2023-01", "comtrade", "CHN", "RUS", "exporter", "1", "854231", "100",
        null), "list_version", "2023-09");
    List<Row> out = fob(flows(older,
        flow("2023-01", "gacc", "CHN", "RUS", "exporter", "1", "854231", "90", null)))
        .orderBy("list_version").collectAsList();
    assertThat(out).extracting(r -> r.getAs("list_version") + " " + r.getAs("value_fob_usd") + " "
            + r.getAs("source_exporter"))
        .containsExactly("2023-09 100.00 comtrade", "2024-02 90.00 gacc");
  }

  @Test
  void anImporterThatReportsFobIsTakenAsItIsNotDividedByTheFactor() {
    // Kazakhstan reports 110 FOB for China's goods and nothing CIF: 110.00, not 110 / 1.10.
    Row fob = with(flow("2023-01", "comtrade", "CHN", "KAZ", "importer", "1", "854231", "110",
        "1"), "value_basis", "FOB");
    List<Row> out = fob(flows(fob)).collectAsList();
    assertThat(out).extracting(r -> r.getAs("value_fob_usd") + " " + r.getAs("side") + " "
            + r.getAs("cif_importer_usd"))
        .containsExactly("110.00 importer null");
  }

  @Test
  void eachCellTakesItsPreferredSourceSoACodeOnlyTheOtherSourceReportsIsKept() {
    // Comtrade reports China's 854231 to Russia in 2023-01; China customs 854231 and 854232.
    // 854231 is Comtrade's (first in the priority), 854232 China customs': Comtrade has no
    // 854232 that month. (Chosen per month and pair, Comtrade would have hidden 854232.)
    List<Row> out = fob(flows(
        flow("2023-01", "comtrade", "CHN", "RUS", "exporter", "1", "854231", "1000", "1"),
        flow("2023-01", "gacc", "CHN", "RUS", "exporter", "1", "854231", "1030", "1"),
        flow("2023-01", "gacc", "CHN", "RUS", "exporter", "1", "854232", "500", "1")))
        .orderBy("hs6").collectAsList();
    assertThat(out).extracting(r -> r.getAs("hs6") + " " + r.getAs("value_fob_usd") + " "
            + r.getAs("source_exporter"))
        .containsExactly("854231 1000.00 comtrade", "854232 500.00 gacc");
  }

  /** A cell both sides report to Comtrade: the exporter's FOB and the importer's CIF. */
  static List<Row> mirrored(String month, String exporter, String importer, String hs6,
      String fob, String cif) {
    return List.of(flow(month, "comtrade", exporter, importer, "exporter", "1", hs6, fob, null),
        flow(month, "comtrade", exporter, importer, "importer", "1", hs6, cif, null));
  }

  /** Six window cells (2021-03..2021-05) of chapter 85 at FOB 100 and the given CIF values. */
  static List<Row> sixWindowCells(String exporter, String importer, String... cif) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      rows.addAll(mirrored("2021-0" + (3 + i % 3), exporter, importer,
          i < 3 ? "854231" : "854232", "100", cif[i]));
    }
    return rows;
  }

  /** The factor columns of a fob flow or mirror gap row, the factor to four decimals. */
  static String factorOf(Row r) {
    return String.format(java.util.Locale.ROOT, "%.4f %s %s %s %s",
        r.<Double>getAs("cif_fob_factor"), r.getAs("factor_source"), r.getAs("factor_window"),
        r.getAs("factor_cells"), r.getAs("factor_capped"));
  }

  @Test
  void aFactorComesFromItsWindowSoAPostWarGapStaysAGap() {
    // Window (2021-03..2021-05) cells, CIF/FOB 1.05 1.06 1.08 and 1.10 1.12 1.20: median
    // (1.08 + 1.10) / 2 = 1.09, six cells, all of chapter 85: the pair-chapter's own factor.
    List<Row> rows = new ArrayList<>(sixWindowCells("CHN", "ARM",
        "105", "106", "108", "110", "112", "120"));
    // Six post-war months at CIF/FOB 1.40, outside the window: they do not move the factor.
    // (Taken over all twelve cells, as before, the median would be (1.20 + 1.40) / 2 = 1.30
    // and 1400 / 1.30 = 1076.92: most of the gap would have become freight.)
    for (int m = 3; m <= 8; m++) {
      rows.addAll(mirrored("2022-0" + m, "CHN", "ARM", "854231", "1000", "1400"));
    }
    List<Row> gaps = MirrorGaps.from(fob(flows(rows.toArray(Row[]::new))), SETTINGS,
            coverage("comtrade CHN export M 2021-03..2022-08",
                "comtrade ARM import M 2021-03..2022-08"))
        .where("period >= DATE'2022-01-01'").orderBy("period").collectAsList();
    // 1400 / 1.09 = 1284.4037 -> 1284.40 FOB; gap 1000 - 1284.40 = -284.40; ratio 1.2844:
    // the importer records 28% more than the exporter once the pair's pre-war 9% freight is
    // taken off the 40%. They agree within a factor of two: reconciled 0.5 x 1000 + 0.5 x
    // 1284.40 = 1142.20.
    assertThat(gaps).hasSize(6).allSatisfy(r -> {
      assertThat(factorOf(r)).isEqualTo("1.0900 pair_chapter 2021-03..2021-05 6 false");
      assertThat(r.getAs("fob_from_importer_usd") + " " + r.getAs("gap_usd") + " "
          + r.getAs("reconciled_usd")).isEqualTo("1284.40 -284.40 1142.20");
      assertThat(r.<Double>getAs("ratio")).isCloseTo(1.2844, within(1e-9));
      assertThat(r.<Double>getAs("abs_gap_share")).isCloseTo(0.2844, within(1e-9));
    });
  }

  @Test
  void aChapterWithEnoughCellsHasItsOwnFactorAndAnotherFallsBackToThePairs() {
    // Chapter 85, six window cells at 1.02 1.03 1.04 and 1.04 1.05 1.06: median (1.04 +
    // 1.04) / 2 = 1.04. Chapter 88, four window cells at 1.15 1.16 1.17 1.18: too few for
    // its own. The pair, ten cells: 1.02 1.03 1.04 1.04 1.05 | 1.06 1.15 1.16 1.17 1.18,
    // median (1.05 + 1.06) / 2 = 1.055.
    List<Row> rows = new ArrayList<>(sixWindowCells("CHN", "KAZ",
        "102", "103", "104", "104", "105", "106"));
    rows.addAll(mirrored("2021-03", "CHN", "KAZ", "880730", "100", "115"));
    rows.addAll(mirrored("2021-04", "CHN", "KAZ", "880730", "100", "116"));
    rows.addAll(mirrored("2021-05", "CHN", "KAZ", "880730", "100", "117"));
    rows.addAll(mirrored("2021-03", "CHN", "KAZ", "880240", "100", "118"));
    // June 2022, only Kazakhstan reports: 1040 / 1.04 = 1000.00 (chapter 85's factor),
    // 1055 / 1.055 = 1000.00 (chapter 88 and chapter 84, which has no window cell at all: the
    // pair's).
    rows.add(flow("2022-06", "comtrade", "CHN", "KAZ", "importer", "1", "854231", "1040", null));
    rows.add(flow("2022-06", "comtrade", "CHN", "KAZ", "importer", "1", "880730", "1055", null));
    rows.add(flow("2022-06", "comtrade", "CHN", "KAZ", "importer", "1", "847150", "1055", null));
    List<Row> june = fob(flows(rows.toArray(Row[]::new)))
        .where("period = DATE'2022-06-01'").orderBy("hs6").collectAsList();
    assertThat(june).extracting(r -> r.getAs("hs6") + " " + factorOf(r) + " "
            + r.getAs("value_fob_usd"))
        .containsExactly("847150 1.0550 pair 2021-03..2021-05 10 false 1000.00",
            "854231 1.0400 pair_chapter 2021-03..2021-05 6 false 1000.00",
            "880730 1.0550 pair 2021-03..2021-05 10 false 1000.00");
  }

  @Test
  void aWindowMedianAboveTheRangeIsCappedAndFlagged() {
    // Six window cells at 1.30 1.32 1.34 and 1.36 1.38 1.40: median (1.34 + 1.36) / 2 = 1.35,
    // above the 1.2 cap: 1.2, still the pair-chapter's own estimate, flagged. Only the
    // importer reports in June 2022: 1320 / 1.2 = 1100.00.
    List<Row> rows = new ArrayList<>(sixWindowCells("CHN", "TUR",
        "130", "132", "134", "136", "138", "140"));
    rows.add(flow("2022-06", "comtrade", "CHN", "TUR", "importer", "1", "854231", "1320", null));
    Row june = fob(flows(rows.toArray(Row[]::new))).where("period = DATE'2022-06-01'").first();
    assertThat(factorOf(june) + " " + june.getAs("value_fob_usd"))
        .isEqualTo("1.2000 pair_chapter 2021-03..2021-05 6 true 1100.00");
  }

  @Test
  void aPairWithTooFewWindowCellsGetsTheImfDefault() {
    // Five window cells (at 1.05) are one short of six; the three post-war cells both sides
    // report (at 1.30) do not count, though with them the pair has eight. Default 1.10:
    // 1300 / 1.10 = 1181.818 -> 1181.82.
    List<Row> rows = new ArrayList<>();
    for (String month : new String[] {"2021-03", "2021-04", "2021-05"}) {
      rows.addAll(mirrored(month, "CHN", "UZB", "854231", "100", "105"));
    }
    rows.addAll(mirrored("2021-03", "CHN", "UZB", "854232", "100", "105"));
    rows.addAll(mirrored("2021-04", "CHN", "UZB", "854232", "100", "105"));
    for (String month : new String[] {"2022-03", "2022-04", "2022-05"}) {
      rows.addAll(mirrored(month, "CHN", "UZB", "854231", "1000", "1300"));
    }
    Dataset<Row> cells = FlowViews.cells(flows(rows.toArray(Row[]::new)),
        SETTINGS.sourcePriority());
    assertThat(FlowViews.cifFobFactors(cells, SETTINGS).count()).isZero();
    Row march = FlowViews.fobFlows(cells, FlowViews.cifFobFactors(cells, SETTINGS), SETTINGS)
        .where("period = DATE'2022-03-01'").first();
    assertThat(factorOf(march) + " " + march.getAs("fob_from_importer_usd"))
        .isEqualTo("1.1000 default 2021-03..2021-05 null false 1181.82");
  }

  @Test
  void mirrorGapsPutCifOnAFobBasisAndReconcile() {
    List<Row> gaps = MirrorGaps.from(fob(flows(
        // No cell in the factor window (2021-03..2021-05): the default factor 1.10.
        // Agreeing sides: 1210 CIF / 1.10 = 1100.00 FOB; gap 1000 - 1100 = -100; ratio 1.1;
        // reconciled 0.5 x 1000 + 0.5 x 1100 = 1050.00.
        flow("2023-01", "comtrade", "CHN", "KAZ", "exporter", "1", "854231", "1000", null),
        flow("2023-01", "comtrade", "CHN", "KAZ", "importer", "1", "854231", "1210", null),
        // Disagreeing sides: 5500 / 1.10 = 5000.00, five times the exporter's: the importer's.
        flow("2023-01", "comtrade", "CHN", "KAZ", "exporter", "1", "854232", "1000", null),
        flow("2023-01", "comtrade", "CHN", "KAZ", "importer", "1", "854232", "5500", null),
        // One side only, in a month both China (exports) and Kazakhstan (imports) reported: a
        // phantom export of 10, against the importer's known zero: gap 10 - 0 = 10, ratio
        // 0 / 10 = 0, outside a factor of two: reconciled to the importer's 0.00.
        flow("2023-01", "comtrade", "CHN", "KAZ", "exporter", "1", "854233", "10", null))),
        SETTINGS, coverage("comtrade CHN export M 2023-01..2023-01",
            "comtrade KAZ import M 2023-01..2023-01")).orderBy("hs6").collectAsList();
    assertThat(gaps).extracting(r -> r.getAs("hs6") + " " + r.getAs("fob_from_importer_usd")
            + " " + r.getAs("gap_usd") + " " + r.getAs("ratio") + " " + r.getAs("reconciled_usd")
            + " " + r.getAs("weight_exporter") + " " + r.getAs("reconciled_from") + " "
            + r.getAs("mirror_status"))
        .containsExactly("854231 1100.00 -100.00 1.1 1050.00 0.5 both both",
            "854232 5000.00 -4000.00 5.0 5000.00 0.0 importer both",
            "854233 0.00 10.00 0.0 0.00 0.0 importer exporter_only");
  }

  /** A mirror gap row as "period hs6 status exporter importer cif gap ratio abs reconciled". */
  static String gapOf(Row r) {
    return r.getAs("period") + " " + r.getAs("hs6") + " " + r.getAs("mirror_status") + " "
        + r.getAs("fob_exporter_usd") + " " + r.getAs("fob_from_importer_usd") + " "
        + r.getAs("cif_importer_usd") + " " + r.getAs("gap_usd") + " " + r.getAs("ratio") + " "
        + r.getAs("abs_gap_share") + " " + r.getAs("reconciled_usd") + " "
        + r.getAs("reconciled_from") + " " + r.getAs("is_month_reported_by_both");
  }

  @Test
  void exportsTheImporterNeverRecordsInAMonthItReportedArePhantomElseUnknown() {
    // China reports its exports all of 2023-01..2023-02; Kazakhstan its imports in January
    // only. No cell in the factor window: the default factor 1.10.
    Dataset<Row> reports = coverage("comtrade CHN export M 2023-01..2023-02",
        "comtrade KAZ import M 2023-01..2023-01");
    List<Row> gaps = MirrorGaps.from(fob(flows(
        // January: China exports 1000 of 854231 to Kazakhstan, which records imports that month
        // (854232 below) but none of 854231 from China: a phantom export. Gap 1000 - 0 = 1000,
        // ratio 0 / 1000 = 0, |1000| / 1000 = 1; reconciled to the importer's 0.00.
        flow("2023-01", "comtrade", "CHN", "KAZ", "exporter", "1", "854231", "1000", null),
        // 854232, both sides: 550 CIF / 1.10 = 500.00 FOB, gap 500 - 500 = 0, ratio 1,
        // reconciled 0.5 x 500 + 0.5 x 500 = 500.00.
        flow("2023-01", "comtrade", "CHN", "KAZ", "exporter", "1", "854232", "500", null),
        flow("2023-01", "comtrade", "CHN", "KAZ", "importer", "1", "854232", "550", null),
        // 854233, only Kazakhstan records it, in a month China reported: a phantom import of
        // 220 / 1.10 = 200.00; gap 0 - 200 = -200; no ratio to the exporter's zero;
        // reconciled to the importer's 200.00.
        flow("2023-01", "comtrade", "CHN", "KAZ", "importer", "1", "854233", "220", null),
        // February: China exports 800 of 854231, but Kazakhstan reported no imports at all
        // that month: unknown, not phantom, no row.
        flow("2023-02", "comtrade", "CHN", "KAZ", "exporter", "1", "854231", "800", null))),
        SETTINGS, reports).orderBy("period", "hs6").collectAsList();
    assertThat(gaps).extracting(AnalyticsTest::gapOf).containsExactly(
        "2023-01-01 854231 exporter_only 1000.00 0.00 null 1000.00 0.0 1.0 0.00 importer true",
        "2023-01-01 854232 both 500.00 500.00 550.00 0.00 1.0 0.0 500.00 both true",
        "2023-01-01 854233 importer_only 0.00 200.00 220.00 -200.00 null null 200.00 importer "
            + "true");
  }

  @Test
  void anImporterThatReportsFobHasReportedTheCell() {
    // Kazakhstan reports 500 FOB (not CIF) for China's 854231 in a month both reported: the
    // cell is reported by both, taken as it is (no factor): gap 500 - 500 = 0, not a phantom
    // export of 500.
    Row fob = with(flow("2023-01", "comtrade", "CHN", "KAZ", "importer", "1", "854231", "500",
        null), "value_basis", "FOB");
    List<Row> gaps = MirrorGaps.from(fob(flows(fob,
        flow("2023-01", "comtrade", "CHN", "KAZ", "exporter", "1", "854231", "500", null))),
        SETTINGS, coverage("comtrade CHN export M 2023-01..2023-01",
            "comtrade KAZ import M 2023-01..2023-01")).collectAsList();
    assertThat(gaps).extracting(r -> r.getAs("mirror_status") + " " + r.getAs("fob_importer_usd")
            + " " + r.getAs("cif_importer_usd") + " " + r.getAs("gap_usd"))
        .containsExactly("both 500.00 null 0.00");
  }

  @Test
  void aPairYearSumsItsCellsAndItsPhantomTradeOverTheMonthsBothReported() {
    // China reports its exports all of 2023; Kazakhstan its imports January to March: both
    // reported 3 months. Default factor 1.10 (no cell in the factor window).
    Dataset<Row> reports = coverage("comtrade CHN export M 2023-01..2023-12",
        "comtrade KAZ import M 2023-01..2023-03");
    Dataset<Row> gaps = MirrorGaps.from(fob(flows(
        // Both: January 1000 and 1210 / 1.10 = 1100.00 (gap -100); February 2000 and
        // 1650 / 1.10 = 1500.00 (gap 500).
        flow("2023-01", "comtrade", "CHN", "KAZ", "exporter", "1", "854231", "1000", null),
        flow("2023-01", "comtrade", "CHN", "KAZ", "importer", "1", "854231", "1210", null),
        flow("2023-02", "comtrade", "CHN", "KAZ", "exporter", "1", "854232", "2000", null),
        flow("2023-02", "comtrade", "CHN", "KAZ", "importer", "1", "854232", "1650", null),
        // Phantom exports: February 500, March 300.
        flow("2023-02", "comtrade", "CHN", "KAZ", "exporter", "1", "854231", "500", null),
        flow("2023-03", "comtrade", "CHN", "KAZ", "exporter", "1", "854233", "300", null),
        // Phantom import: March 440 / 1.10 = 400.00.
        flow("2023-03", "comtrade", "CHN", "KAZ", "importer", "1", "854231", "440", null),
        // April: Kazakhstan did not report; China's 700 is unknown, counted nowhere.
        flow("2023-04", "comtrade", "CHN", "KAZ", "exporter", "1", "854231", "700", null),
        // May: both sides, the importer's from a shipment-level extract (which covers no
        // month): 1000 and 1100 / 1.10 = 1000.00 (gap 0), in a month not both reported.
        flow("2023-05", "comtrade", "CHN", "KAZ", "exporter", "1", "854231", "1000", null),
        flow("2023-05", "declarations", "CHN", "KAZ", "importer", "1", "854231", "1100", null))),
        SETTINGS, reports);
    Row year = MirrorGaps.yearly(gaps, reports).first();
    // Both: 3 cells, exporter 1000 + 2000 + 1000 = 4000, importer 1100 + 1500 + 1000 = 3600,
    // gap -100 + 500 + 0 = 400. Phantom exports 2 cells, 500 + 300 = 800; imports 1 cell, 400.
    // The shares' bases, January to March only (May was not both reported): exporter
    // 1000 + 2000 + 500 + 300 = 3800, importer 1100 + 1500 + 400 = 3000; shares 800 / 3800 and
    // 400 / 3000.
    assertThat(year.getAs("exporter_iso3") + " " + year.getAs("importer_iso3") + " "
        + year.getAs("list_id") + " " + year.getAs("list_version") + " " + year.getAs("period")
        + " " + year.getAs("both_reported_months") + " " + year.getAs("both_cells") + " "
        + year.getAs("both_exporter_usd") + " " + year.getAs("both_importer_usd") + " "
        + year.getAs("both_gap_usd") + " " + year.getAs("exporter_only_cells") + " "
        + year.getAs("exporter_only_usd") + " " + year.getAs("importer_only_cells") + " "
        + year.getAs("importer_only_usd") + " " + year.getAs("exporter_reported_usd") + " "
        + year.getAs("importer_reported_usd"))
        .isEqualTo("CHN KAZ chpl 2024-02 2023-01-01 3 3 4000.00 3600.00 400.00 2 800.00 1 "
            + "400.00 3800.00 3000.00");
    assertThat(year.<Double>getAs("phantom_export_share")).isCloseTo(800.0 / 3800,
        within(1e-12));
    assertThat(year.<Double>getAs("phantom_import_share")).isCloseTo(400.0 / 3000,
        within(1e-12));
    assertThat(MirrorGaps.yearly(gaps, reports).count()).isEqualTo(1);
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
    Dataset<Row> corridorCoverage = CorridorMonthly.coverage(PairCoverage.of(reports, fob),
        REF.corridors());
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
    Dataset<Row> fob = fob(flows(
        // Russia's 2023 imports: CHN 600 + 300 = 900, HKG 50, and ARE 55 CIF seen only by
        // Russia = 50.00 FOB. Total 1000: CHN 0.90, HKG 0.05, ARE 0.05; greater China 0.95.
        flow("2023-01", "comtrade", "CHN", "RUS", "exporter", "1", "854231", "600", null),
        flow("2023-02", "comtrade", "CHN", "RUS", "exporter", "2", "851762", "300", null),
        flow("2023-01", "comtrade", "HKG", "RUS", "exporter", "1", "854231", "50", null),
        flow("2023-03", "declarations", "ARE", "RUS", "importer", "1", "854231", "55", null)));
    Dataset<Row> shares = SupplierShare.from(fob,
        Map.of("greater_china", Set.of("CHN", "HKG", "MAC")), PairCoverage.of(
            coverage("comtrade CHN export M 2023-01..2023-12",
                "comtrade HKG export M 2023-01..2023-12", "comtrade RUS import M 2023-01..2023-12"),
            fob));
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
    // Russia reports its imports every month of 2023: every supplier covered, the year complete.
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
    Dataset<Row> fob = fob(flows(
        flow("2022-06", "comtrade", "CHN", "RUS", "exporter", "1", "854231", "900", null),
        flow("2022-06", "comtrade", "KAZ", "RUS", "exporter", "1", "854231", "100", null),
        flow("2022-07", "comtrade", "KAZ", "RUS", "exporter", "1", "854231", "100", null)));
    Dataset<Row> shares = SupplierShare.from(fob,
        Map.of("greater_china", Set.of("CHN", "HKG", "MAC")), PairCoverage.of(reports, fob));
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

  @Test
  void aTotalOfZeroHasNoShareAndStopsNothing() {
    // One zero-valued record is Russia's only supplier in the month: no share, not a failure.
    Dataset<Row> fob = fob(flows(
        flow("2022-06", "comtrade", "CHN", "RUS", "exporter", "1", "854231", "0", null)));
    Row row = SupplierShare.from(fob, Map.of("greater_china", Set.of("CHN", "HKG", "MAC")),
            PairCoverage.of(coverage("comtrade CHN export M 2022-06..2022-06"), fob))
        .where("period_type = 'month' AND tier = '1'").first();
    assertThat(row.<Double>getAs("share")).isNull();
  }

  static final Map<String, Set<String>> ORIGINS = new LinkedHashMap<>(Map.of(
      "greater_china", Set.of("CHN", "HKG", "MAC")));

  /** transit_signals rows of KAZ and greater China, "period hs6 ..." in period order. */
  static List<Row> signals(Dataset<Row> fob, Dataset<Row> coverage, String where) {
    return TransitSignals.from(fob, Set.of("KAZ"), ORIGINS, "RUS", SETTINGS,
            PairCoverage.of(coverage, fob))
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
    Row june = TransitSignals.from(fob, Set.of("KGZ"), ORIGINS, "RUS", SETTINGS,
            PairCoverage.of(reports, fob))
        .where("period = DATE'2022-06-01'").first();
    assertThat(june.<Long>getAs("exports_baseline_months")).isZero();
    assertThat(june.<BigDecimal>getAs("exports_baseline_usd")).isNull();
    assertThat(june.<Double>getAs("exports_index")).isNull();
    assertThat(june.<String>getAs("signal_status")).isEqualTo("no_baseline");
    assertThat(june.<Boolean>getAs("is_re_export_signal")).isFalse();
    Dataset<Row> corridorCoverage = CorridorMonthly.coverage(PairCoverage.of(reports, fob),
        REF.corridors());
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
    TransitSignals.from(fob, Set.of("KAZ"), origins, "RUS", SETTINGS,
            PairCoverage.of(reports, fob))
        .orderBy("origin_group").collectAsList()
        .forEach(r -> june.put(r.getAs("origin_group"), r.getAs("imports_from_origin_usd") + " "
            + r.getAs("is_imports_covered") + " " + r.getAs("exports_to_russia_usd")));
    // greater China: China reports its exports, none to KAZ: a known 0.00. The coalition:
    // DEU>KAZ trades but nobody reports it (USA neither trades nor reports: not expected).
    assertThat(june).containsExactly(Map.entry("greater_china", "0.00 true 500.00"),
        Map.entry("sanctioning_coalition", "null false 500.00"));
  }

  /** A countable monthly export record of trade_records, reported by the exporter. */
  static Row record(StructType schema, String id, String month, String exporter,
      String importer, String hs6, String usd) {
    return TestRows.row(schema, "record_id", id, "source", "comtrade", "freq", "M", "flow",
        "export", "reported_by", "exporter", "exporter_iso3", exporter, "importer_iso3",
        importer, "hs6", hs6, "value_usd", new BigDecimal(usd).setScale(2), "value_basis",
        "FOB", "is_countable", true, "period", Date.valueOf(month + "-01"));
  }

  /**
   * The dual_use_flows row of {@link #record}'s record {@code id} matching HS 854231 under a CHPL
   * 2024-02 tier: a match carries its record's columns.
   */
  static Row match(StructType schema, String id, String month, String exporter,
      String importer, String tier) {
    return TestRows.row(schema, "record_id", id, "freq", "M", "flow", "export", "exporter_iso3",
        exporter, "importer_iso3", importer, "period", Date.valueOf(month + "-01"), "list_id",
        "chpl", "list_version", "2024-02", "tier", tier, "hs6", "854231");
  }

  @Test
  void theRoundaboutComparesListedGoodsWithTheOtherGoodsOfTheirChapters() {
    // Germany exports to Kazakhstan, Kazakhstan to Russia; both report every month. Window
    // 2021-03..2021-05. Listed 854231 (CHPL tier 1): DEU>KAZ 100 a month, then 200 in June
    // 2022; KAZ>RUS 10 a month, then 40. Control, 850440 (chapter 85, not listed): DEU>KAZ
    // 1,000 and KAZ>RUS 50 every month, flat. Cars (870323, chapter 87: no listed good in it)
    // are no control: 5,000 in June 2022 must not show.
    // Only the columns the roundabout reads are filled: the others are nullable here.
    StructType tr = TestRows.nullable(TableSchema.load("trade_records").schema());
    StructType duf = TestRows.nullable(TableSchema.load("dual_use_flows").schema());
    List<Row> records = new ArrayList<>();
    List<Row> matches = new ArrayList<>();
    List<Row> listed = new ArrayList<>();
    String[][] months = {{"2021-03", "100", "10"}, {"2021-04", "100", "10"},
        {"2021-05", "100", "10"}, {"2022-06", "200", "40"}};
    for (String[] m : months) {
      for (String[] leg : new String[][] {{"DEU", "KAZ", m[1], "1000"}, {"KAZ", "RUS", m[2],
          "50"}}) {
        String id = "L" + m[0] + leg[0];
        records.add(record(tr, id, m[0], leg[0], leg[1], "854231", leg[2]));
        records.add(record(tr, "C" + m[0] + leg[0], m[0], leg[0], leg[1], "850440", leg[3]));
        matches.add(match(duf, id, m[0], leg[0], leg[1], "1"));
        listed.add(flow(m[0], "comtrade", leg[0], leg[1], "exporter", "1", "854231", leg[2],
            null));
      }
    }
    records.add(record(tr, "N", "2022-06", "DEU", "KAZ", "870323", "5000"));
    // June 2022 also brings 50 of 854231 under a tier-2 entry (a deeper code): another record,
    // so tier ALL adds it, 250 in all.
    records.add(record(tr, "T2", "2022-06", "DEU", "KAZ", "854231", "50"));
    matches.add(match(duf, "T2", "2022-06", "DEU", "KAZ", "2"));
    listed.add(flow("2022-06", "comtrade", "DEU", "KAZ", "exporter", "2", "854231", "50", null));
    var spark = SparkTestSession.get();
    Dataset<Row> matched = spark.createDataFrame(matches, duf);
    Dataset<Row> chapters = Roundabout.chapters(matched);
    Dataset<Row> control = Roundabout.controlFlows(spark.createDataFrame(records, tr), matched,
        chapters, Set.of("DEU", "USA", "KAZ", "RUS"));
    Dataset<Row> controlCells = FlowViews.cells(control, SETTINGS.sourcePriority());
    Dataset<Row> controlFob = Roundabout.byTier(FlowViews.fobFlows(controlCells,
        FlowViews.cifFobFactors(controlCells, SETTINGS), SETTINGS), chapters);
    Map<String, Set<String>> origins = Map.of("sanctioning_coalition", Set.of("DEU", "USA"));
    Dataset<Row> reports = coverage("comtrade DEU export M 2021-03..2022-06",
        "comtrade KAZ export M 2021-03..2022-06");
    Dataset<Row> listedFob = fob(flows(listed.toArray(Row[]::new)));
    List<Row> june = Roundabout.from(listedFob, controlFob, Set.of("KAZ"), origins, "RUS",
            SETTINGS, TransitSignals.seriesCoverage(PairCoverage.of(reports, listedFob),
                Set.of("KAZ"), origins, "RUS", SETTINGS.baseline()))
        .where("period = DATE'2022-06-01'").orderBy("tier").collectAsList();
    // June 2022, tier 1: listed to the hub 200 / 100 = index 200, control 1000 / 1000 = 100:
    // difference 100 points. To Russia: 40 / 10 = 400 against 50 / 50 = 100: 300 points.
    // Tier 2: 50 to the hub, nothing in the window (baseline 0: no index), nothing to Russia
    // (a covered month: 0.00); its control is chapter 85 too. ALL: 250 / 100 = 250, 150 points.
    assertThat(june).extracting(r -> r.getAs("tier") + " " + r.getAs("listed_to_hub_usd") + " "
            + r.getAs("control_to_hub_usd") + " " + r.getAs("listed_to_hub_index") + " "
            + r.getAs("control_to_hub_index") + " " + r.getAs("to_hub_index_difference") + " "
            + r.getAs("listed_to_russia_index") + " " + r.getAs("control_to_russia_index") + " "
            + r.getAs("to_russia_index_difference") + " "
            + r.getList(r.fieldIndex("control_chapters")))
        .containsExactly(
            "1 200.00 1000.00 200.0 100.0 100.0 400.0 100.0 300.0 [85]",
            "2 50.00 1000.00 null 100.0 null null 100.0 null [85]",
            "ALL 250.00 1000.00 250.0 100.0 150.0 400.0 100.0 300.0 [85]");
    assertThat(june.get(0).<BigDecimal>getAs("control_to_russia_baseline_usd"))
        .isEqualByComparingTo("50.00");
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

  @Test
  void reExportAndAnnualLinesAreNotUnitValues() {
    // The six records of the first outlier test, and beside them a Comtrade re-export line and
    // an annual line of the same HS6, both at 0.1 USD/kg (annual records are dated 1 January,
    // so this one falls in the group's month). Neither is a monthly export or import: neither
    // is listed, and the group stays as it was: 6 records, median 1, MAD 0.0396, f at -34.07.
    // Counted, the two would have made 8 log values -1 -1 -1 0.9031 1 1 1 1.0792: median
    // (0.9031 + 1) / 2 = 0.9516, 8 group records.
    List<Map<String, Object>> records = new ArrayList<>(records(new String[][] {
        {"a", "100", "10"}, {"b", "200", "20"}, {"c", "120", "10"}, {"d", "80", "10"},
        {"e", "100", "10"}, {"f", "10", "100"}}));
    records.add(with(record("rx", "10", "100"), "flow", "re-export"));
    records.add(with(record("an", "10", "100"), "freq", "A"));
    Map<String, Row> out = outliers(records);
    assertThat(out).containsOnlyKeys("a", "b", "c", "d", "e", "f");
    assertThat(out.get("a").<Long>getAs("group_records")).isEqualTo(6L);
    assertThat(out.get("a").<Double>getAs("median_usd_per_kg")).isCloseTo(10.0, within(1e-9));
    assertThat(out.get("f").<Double>getAs("robust_z")).isCloseTo(-34.07, within(0.01));
  }

  @Test
  void onlyTheSourceChosenForASideOfAFlowIsPriced() {
    // Comtrade reports China's exports to Russia (a-f as in the first outlier test); China
    // customs (gacc, second in the priority) reports five of them too, at 1000 USD / 10 kg =
    // 100 USD/kg: not the chosen source of that side, so not listed. China's exports to
    // Kazakhstan only gacc reports: k, 100 USD / 10 kg = 10 USD/kg, is listed.
    // The group (854231, January, exporter): a-f and k, log10 1 1 1.0792 0.9031 1 -1 1. Sorted
    // -1 0.9031 1 1 1 1 1.0792: median 1 (10 USD/kg); deviations 0 0 0.0792 0.0969 0 2 0, sorted
    // 0 0 0 0 0.0792 0.0969 2: MAD 0, floored at 0.02. f: 0.6745 x (-1 - 1) / 0.02 = -67.45.
    // With the five gacc records at log 2 the median of 12 would have been
    // (1 + 1.0792) / 2 = 1.0396, 10.96 USD/kg.
    List<Map<String, Object>> records = new ArrayList<>(records(new String[][] {
        {"a", "100", "10"}, {"b", "200", "20"}, {"c", "120", "10"}, {"d", "80", "10"},
        {"e", "100", "10"}, {"f", "10", "100"}}));
    for (int i = 1; i <= 5; i++) {
      records.add(with(record("g" + i, "1000", "10"), "source", "gacc"));
    }
    records.add(with(record("k", "100", "10"), "source", "gacc", "importer_iso3", "KAZ",
        "partner_iso3", "KAZ"));
    Map<String, Row> out = outliers(records);
    assertThat(out).containsOnlyKeys("a", "b", "c", "d", "e", "f", "k");
    assertThat(out.get("k").<String>getAs("source")).isEqualTo("gacc");
    assertThat(out.get("a").<Long>getAs("group_records")).isEqualTo(7L);
    assertThat(out.get("a").<Double>getAs("median_usd_per_kg")).isCloseTo(10.0, within(1e-9));
    assertThat(out.get("f").<Double>getAs("robust_z")).isCloseTo(-67.45, within(0.01));
  }

  @Test
  void aRecordMatchedBySeveralListVersionsIsListedAndCountedOnce() {
    // dual_use_flows holds a record once per list version it matched. Comtrade's a-f (as in
    // the first outlier test) matched chpl 2024-02 and a list "other" v1; gacc's g (100 USD /
    // 10 kg = 10 USD/kg) matched chpl 2024-02 and 2023-09. In chpl 2024-02 and in "other"
    // comtrade is the preferred source of China's exports to Russia; in chpl 2023-09 only gacc
    // reports them, so gacc is chosen for that side too. Each record is listed once: the
    // group (854231, January, exporter) is a-f and g, log10 1 1 1.0792 0.9031 1 -1 1, median 1
    // (10 USD/kg), 7 records; MAD 0, floored at 0.02: f 0.6745 x (-1 - 1) / 0.02 = -67.45.
    // Counted once per list version, the group would have had 14 records.
    List<Map<String, Object>> records = new ArrayList<>();
    for (Map<String, Object> r : records(new String[][] {{"a", "100", "10"},
        {"b", "200", "20"}, {"c", "120", "10"}, {"d", "80", "10"}, {"e", "100", "10"},
        {"f", "10", "100"}})) {
      records.add(r);
      records.add(with(new LinkedHashMap<>(r), "list_id", "other", "list_version", "v1"));
    }
    records.add(with(record("g", "100", "10"), "source", "gacc"));
    records.add(with(record("g", "100", "10"), "source", "gacc", "list_version", "2023-09"));
    List<Row> rows = outlierRows(records);
    assertThat(rows).extracting(r -> r.<String>getAs("record_id"))
        .containsExactlyInAnyOrder("a", "b", "c", "d", "e", "f", "g");
    Map<String, Row> out = outliers(records);
    assertThat(out.get("g").<String>getAs("source")).isEqualTo("gacc");
    assertThat(out.get("a").<Long>getAs("group_records")).isEqualTo(7L);
    assertThat(out.get("a").<Double>getAs("median_usd_per_kg")).isCloseTo(10.0, within(1e-9));
    assertThat(out.get("f").<Double>getAs("robust_z")).isCloseTo(-67.45, within(0.01));
  }

  @Test
  void integratedCircuitsArePricedPerPieceToo() {
    //        USD    kg   pieces  USD/kg  USD/piece
    // p1    1000    10      100     100         10
    // p2    2000    20      200     100         10
    // p3    1100    10      100     110         11
    // p4     900    10      100      90          9
    // p5    1000    10      100     100         10
    // p6    1000    10     1000     100          1   ten times the pieces for the price
    // p7    1100     -      100       -         11   no weight: priced per piece only
    // p9    1000    10    10 kg     100          -   a quantity in kg is the weight again
    // p8     500     -        -       -          -   nothing to price it by: not listed
    // Per kg (p1-p6, p9), log10 2 2 2.0414 1.9542 2 2 2: median 2, MAD 0, floored at 0.02.
    // p6: z 0, not an outlier; p3: 0.6745 x 0.0414 / 0.02 = 1.396.
    // Per piece (p1-p7), log10 1 1 1.0414 0.9542 1 0 1.0414. Sorted 0 0.9542 1 1 1 1.0414
    // 1.0414: median 1 (10 USD/piece); deviations 0 0 0.0414 0.0458 0 1 0.0414, sorted 0 0 0
    // 0.0414 0.0414 0.0458 1: MAD 0.0414 (log10 1.1). p6: 0.6745 x (0 - 1) / 0.0414 = -16.30,
    // a low outlier per piece; p7: 0.6745 x 0.0414 / 0.0414 = 0.6745.
    List<Map<String, Object>> records = new ArrayList<>();
    String[][] pieces = {{"p1", "1000", "10", "100"}, {"p2", "2000", "20", "200"},
        {"p3", "1100", "10", "100"}, {"p4", "900", "10", "100"}, {"p5", "1000", "10", "100"},
        {"p6", "1000", "10", "1000"}, {"p7", "1100", null, "100"}};
    for (String[] r : pieces) {
      records.add(with(record(r[0], r[1], r[2]), "qty", new BigDecimal(r[3]).setScale(3),
          "qty_unit", "u"));
    }
    records.add(with(record("p9", "1000", "10"), "qty", new BigDecimal("10.000"), "qty_unit",
        "kg"));
    records.add(record("p8", "500", null));
    Map<String, Row> out = outliers(records);
    assertThat(out).containsOnlyKeys("p1", "p2", "p3", "p4", "p5", "p6", "p7", "p9");
    Row p6 = out.get("p6");
    assertThat(p6.<Double>getAs("robust_z")).isCloseTo(0.0, within(1e-9));
    assertThat(p6.<Boolean>getAs("is_outlier")).isFalse();
    assertThat(p6.<Double>getAs("usd_per_unit")).isCloseTo(1.0, within(1e-9));
    assertThat(p6.<Double>getAs("median_usd_per_unit")).isCloseTo(10.0, within(1e-9));
    assertThat(p6.<Long>getAs("unit_group_records")).isEqualTo(7L);
    assertThat(p6.<Double>getAs("robust_z_unit")).isCloseTo(-16.30, within(0.01));
    assertThat(p6.<Boolean>getAs("is_outlier_unit")).isTrue();
    assertThat(p6.<String>getAs("direction_unit")).isEqualTo("low");
    assertThat(out.get("p3").<Double>getAs("robust_z")).isCloseTo(1.396, within(0.001));
    assertThat(out.get("p3").<Long>getAs("group_records")).isEqualTo(7L);
    Row p7 = out.get("p7");
    assertThat(p7.<Double>getAs("usd_per_kg")).isNull();
    assertThat(p7.<Double>getAs("robust_z")).isNull();
    assertThat(p7.<Long>getAs("group_records")).isNull();
    assertThat(p7.<Boolean>getAs("is_outlier")).isFalse();
    assertThat(p7.<Double>getAs("robust_z_unit")).isCloseTo(0.6745, within(1e-6));
    Row p9 = out.get("p9");
    assertThat(p9.<Double>getAs("usd_per_unit")).isNull();
    assertThat(p9.<Double>getAs("robust_z_unit")).isNull();
    assertThat(p9.<Boolean>getAs("is_outlier_unit")).isFalse();
  }

  @Test
  void exporterAndImporterPricesAreSeparateGroups() {
    // China reports e1-e5 at 100 USD / 10 kg = 10 USD/kg FOB and e6 at 130 / 10 = 13; Russia's
    // declarations report i1-i5 at 130 USD / 10 kg = 13 USD/kg CIF.
    // Exporter group, log10 1 1 1 1 1 1.1139: median 1, MAD 0, floored at 0.02. e6:
    // 0.6745 x 0.1139 / 0.02 = 3.843, a high outlier. Importer group: five at 1.1139, median
    // 13 USD/kg, every z 0.
    // Pooled, the median of 11 would have been 1.1139 (13 USD/kg), and e1-e5 low outliers at
    // -3.843 each.
    List<Map<String, Object>> records = new ArrayList<>();
    for (int i = 1; i <= 6; i++) {
      records.add(record("e" + i, i == 6 ? "130" : "100", "10"));
      if (i <= 5) {
        records.add(with(record("i" + i, "130", "10"), "source", "declarations", "flow",
            "import", "reported_by", "importer", "reporter_iso3", "RUS", "partner_iso3", "CHN",
            "value_basis", "CIF"));
      }
    }
    Map<String, Row> out = outliers(records);
    assertThat(out.get("e1").<Double>getAs("median_usd_per_kg")).isCloseTo(10.0, within(1e-9));
    assertThat(out.get("e1").<Long>getAs("group_records")).isEqualTo(6L);
    assertThat(out.get("e1").<Boolean>getAs("is_outlier")).isFalse();
    assertThat(out.get("e6").<Double>getAs("robust_z")).isCloseTo(3.843, within(0.001));
    assertThat(out.get("e6").<String>getAs("direction")).isEqualTo("high");
    assertThat(out.get("i1").<Double>getAs("median_usd_per_kg")).isCloseTo(13.0, within(1e-9));
    assertThat(out.get("i1").<Long>getAs("group_records")).isEqualTo(5L);
    assertThat(out.get("i1").<Double>getAs("robust_z")).isCloseTo(0.0, within(1e-9));
  }

  static final StructType DUAL_USE_FLOWS = TableSchema.load("dual_use_flows").schema();

  /**
   * A dual_use_flows row: China's export of HS 854231 to Russia in January 2023 as Comtrade
   * reports it (list chpl 2024-02, tier 1); {@code kg} may be null.
   */
  private static Map<String, Object> record(String id, String usd, String kg) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("record_id", id);
    m.put("source", "comtrade");
    m.put("source_file", "f.csv");
    m.put("source_line", 1L);
    m.put("freq", "M");
    m.put("flow", "export");
    m.put("reported_by", "exporter");
    m.put("reporter_iso3", "CHN");
    m.put("partner_iso3", "RUS");
    m.put("exporter_iso3", "CHN");
    m.put("importer_iso3", "RUS");
    m.put("hs_code", "854231");
    m.put("hs_edition", "H6");
    m.put("hs6_reported", "854231");
    m.put("hs6", "854231");
    m.put("is_hs_mapped", false);
    m.put("list_id", "chpl");
    m.put("list_version", "2024-02");
    m.put("list_code", "854231");
    m.put("tier", "1");
    m.put("value_usd", new BigDecimal(usd).setScale(2));
    m.put("value_basis", "FOB");
    m.put("net_kg", kg == null ? null : new BigDecimal(kg).setScale(3));
    m.put("run_id", "r");
    m.put("period", Date.valueOf("2023-01-01"));
    return m;
  }

  /** {@code record} with the columns named in {@code pairs} (name, value, ...) replaced. */
  private static Map<String, Object> with(Map<String, Object> record, Object... pairs) {
    for (int i = 0; i < pairs.length; i += 2) {
      record.put((String) pairs[i], pairs[i + 1]);
    }
    return record;
  }

  /** Records {id, value_usd, net_kg} of the default flow. */
  private static List<Map<String, Object>> records(String[][] records) {
    return Arrays.stream(records).map(r -> record(r[0], r[1], r[2])).toList();
  }

  /** Records {id, value_usd, net_kg} of one HS6-month through unit_value_outliers, by id. */
  private static Map<String, Row> outliers(String[][] records) {
    return outliers(records(records));
  }

  /**
   * Records through unit_value_outliers, by id, with the sources in the analytics job's order
   * of preference.
   */
  private static Map<String, Row> outliers(List<Map<String, Object>> records) {
    Map<String, Row> out = new LinkedHashMap<>();
    outlierRows(records).forEach(r -> out.put(r.getAs("record_id"), r));
    return out;
  }

  /** Records through unit_value_outliers, as the table's rows. */
  private static List<Row> outlierRows(List<Map<String, Object>> records) {
    List<Row> rows = new ArrayList<>();
    for (Map<String, Object> r : records) {
      Object[] v = new Object[DUAL_USE_FLOWS.size()];
      r.forEach((k, val) -> v[DUAL_USE_FLOWS.fieldIndex(k)] = val);
      rows.add(RowFactory.create(v));
    }
    Dataset<Row> flows = SparkTestSession.get().createDataFrame(rows, DUAL_USE_FLOWS);
    return UnitValueOutliers.from(flows, SETTINGS.sourcePriority(), SETTINGS).collectAsList();
  }
}

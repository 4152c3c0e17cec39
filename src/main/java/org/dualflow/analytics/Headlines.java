package org.dualflow.analytics;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.year;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Date;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.dualflow.Periods;

/**
 * The figures a run's summary leads with, computed from the published tables: CHPL goods to
 * Russia by year as exporters report them to Comtrade (China, Hong Kong, everyone, greater
 * China's share, China's integrated circuits); China's own statistics beside Comtrade's for the
 * months both cover; greater China's share of Russia's supply from {@code supplier_share}; the
 * transit hubs whose exports to Russia rose most above their baseline. Each figure uses the
 * newest version of the CHPL the tables hold. Greater China is the country group of that name.
 */
public final class Headlines {

  static final String LIST = "chpl";

  /** CHPL goods to Russia in one year, FOB as exporters report them to Comtrade, USD. */
  public record ExporterYear(int year, BigDecimal china, BigDecimal hongKong, BigDecimal all,
      BigDecimal greaterChina, BigDecimal chinaIntegratedCircuits) {

    /** Greater China's share of all exporters, in percent with one decimal; null for none. */
    public BigDecimal greaterChinaPercent() {
      return all.signum() == 0 ? null : greaterChina.multiply(BigDecimal.valueOf(100))
          .divide(all, 1, RoundingMode.HALF_UP);
    }
  }

  /** China's CHPL exports to Russia in the months China customs files cover, by year. */
  public record OwnStatisticsYear(int year, long months, BigDecimal chinaCustoms,
      BigDecimal comtrade) {
  }

  /**
   * An exporter of the figures that did not report a month of the year monthly to Comtrade:
   * the year's figures lack its trade in those months (annual figures never enter them).
   */
  public record ExporterGap(int year, String exporter, long monthsReported, long months) {
  }

  /**
   * Greater China's share of Russia's CHPL supply in one year (supplier_share); when not
   * {@code covered}, the suppliers {@code missing} in some month are not in the total.
   */
  public record ShareYear(int year, double share, boolean covered, List<String> missing) {
  }

  /**
   * A hub's exports to Russia above its baseline since the window, in the months its exports
   * are covered, and its re-export signals (HS6-months).
   */
  public record HubExcess(String hub, BigDecimal excessUsd, long flaggedCells,
      long coveredMonths) {
  }

  /**
   * @param listVersion the CHPL version of the exporter figures; null when there are none
   * @param shareVersion the CHPL version of the share figures; null when there are none
   */
  public record Figures(String listVersion, List<ExporterYear> exporters,
      List<ExporterGap> gaps, List<OwnStatisticsYear> ownStatistics, String shareVersion,
      List<ShareYear> shares, List<HubExcess> hubs, Periods baseline) {

    public static Figures none(Periods baseline) {
      return new Figures(null, List.of(), List.of(), List.of(), null, List.of(), List.of(),
          baseline);
    }
  }

  private Headlines() {
  }

  /**
   * @param flowsMonthly the published {@code flows_monthly}
   * @param supplierShare the published {@code supplier_share}; null without analytics
   * @param transitSignals the published {@code transit_signals}; null without analytics
   * @param coverage the published {@code coverage}; null without analytics
   * @param months the run's months (the exporter figures cover them)
   * @param originGroup the origin group of the hubs' figures
   */
  public static Figures of(Dataset<Row> flowsMonthly, Dataset<Row> supplierShare,
      Dataset<Row> transitSignals, Dataset<Row> coverage, Map<String, Set<String>> groups,
      List<YearMonth> months, Periods baseline, String originGroup) {
    if (months.isEmpty()) {
      return Figures.none(baseline);
    }
    Dataset<Row> toRussia = flowsMonthly.filter(col("list_id").equalTo(LIST)
        .and(col("importer_iso3").equalTo(AnalyticsJob.DESTINATION))
        .and(col("reported_by").equalTo("exporter"))
        .and(col("period").between(Date.valueOf(months.get(0).atDay(1)),
            Date.valueOf(months.get(months.size() - 1).atDay(1)))));
    Set<String> greaterChina = groups.get("greater_china");
    List<Row> rows = toRussia.filter(col("source").equalTo("comtrade"))
        .groupBy(col("list_version"), year(col("period")).as("year"), col("exporter_iso3"),
            col("hs6").startsWith("8542").as("is_ic"))
        .agg(sum("value_usd").as("usd"))
        .collectAsList();
    String version = newest(rows);
    Map<Integer, BigDecimal[]> byYear = new TreeMap<>();
    for (Row r : rows) {
      if (!r.getAs("list_version").equals(version)) {
        continue;
      }
      BigDecimal[] y = byYear.computeIfAbsent(r.<Integer>getAs("year"), k -> new BigDecimal[] {
          BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO});
      String exporter = r.getAs("exporter_iso3");
      BigDecimal usd = r.getAs("usd");
      y[2] = y[2].add(usd);
      if (exporter.equals("CHN")) {
        y[0] = y[0].add(usd);
        if (r.<Boolean>getAs("is_ic")) {
          y[4] = y[4].add(usd);
        }
      } else if (exporter.equals("HKG")) {
        y[1] = y[1].add(usd);
      }
      if (greaterChina.contains(exporter)) {
        y[3] = y[3].add(usd);
      }
    }
    List<ExporterYear> exporters = new ArrayList<>();
    byYear.forEach((year, y) -> exporters.add(new ExporterYear(year, y[0], y[1], y[2], y[3],
        y[4])));
    List<ExporterGap> gaps = coverage == null || version == null ? List.of()
        : gaps(coverage, rows.stream().filter(r -> r.getAs("list_version").equals(version))
            .map(r -> r.<String>getAs("exporter_iso3")).distinct().toList(), months);
    List<OwnStatisticsYear> own = version == null ? List.of() : ownStatistics(
        toRussia.filter(col("list_version").equalTo(version)
            .and(col("exporter_iso3").equalTo("CHN"))));
    String shareVersion = null;
    List<ShareYear> shares = List.of();
    List<HubExcess> hubs = List.of();
    if (supplierShare != null) {
      List<Row> shareRows = supplierShare.filter(col("importer_iso3")
              .equalTo(AnalyticsJob.DESTINATION).and(col("period_type").equalTo("year"))
              .and(col("tier").equalTo("ALL")).and(col("list_id").equalTo(LIST)))
          .groupBy(col("list_version"), year(col("period")).as("year"))
          .agg(sum(when(col("supplier_group").equalTo("greater_china"), col("share"))
              .otherwise(0.0)).as("share"),
              // The same on every row of an importer's year.
              min(col("is_period_covered")).as("covered"),
              min(col("missing_suppliers")).as("missing"))
          .collectAsList();
      shareVersion = newest(shareRows);
      String v = shareVersion;
      shares = shareRows.stream().filter(r -> r.getAs("list_version").equals(v))
          .map(r -> new ShareYear(r.<Integer>getAs("year"), r.<Double>getAs("share"),
              r.<Boolean>getAs("covered"), r.isNullAt(r.fieldIndex("missing")) ? List.of()
                  : r.<String>getList(r.fieldIndex("missing"))))
          .sorted(Comparator.comparingInt(ShareYear::year)).toList();
      hubs = shareVersion == null ? List.of()
          : hubs(transitSignals, coverage, shareVersion, baseline, originGroup);
    }
    return new Figures(version, exporters, gaps, own, shareVersion, shares, hubs, baseline);
  }

  /**
   * The exporters of the figures that did not report every month of the run in a year
   * monthly to Comtrade, by year.
   */
  private static List<ExporterGap> gaps(Dataset<Row> coverage, List<String> exporters,
      List<YearMonth> months) {
    Map<Integer, Long> monthsOfYear = new TreeMap<>();
    months.forEach(m -> monthsOfYear.merge(m.getYear(), 1L, Long::sum));
    Map<String, Long> reported = new TreeMap<>();
    coverage.filter(col("source").equalTo("comtrade").and(col("flow").equalTo("export"))
            .and(col("status").equalTo(Coverage.MONTHLY))
            .and(col("reporter_iso3").isin(exporters.toArray()))
            .and(col("period").between(Date.valueOf(months.get(0).atDay(1)),
                Date.valueOf(months.get(months.size() - 1).atDay(1)))))
        .groupBy(col("reporter_iso3"), year(col("period")).as("year"))
        .agg(countDistinct(col("period")).as("months"))
        .collectAsList()
        .forEach(r -> reported.put(r.getString(0) + " " + r.getInt(1), r.getLong(2)));
    List<ExporterGap> gaps = new ArrayList<>();
    monthsOfYear.forEach((year, n) -> exporters.stream().sorted().forEach(e -> {
      long got = reported.getOrDefault(e + " " + year, 0L);
      if (got < n) {
        gaps.add(new ExporterGap(year, e, got, n));
      }
    }));
    return gaps;
  }

  /** The newest list_version among the rows; null when there are none. */
  private static String newest(List<Row> rows) {
    return rows.stream().map(r -> r.<String>getAs("list_version"))
        .max(Comparator.naturalOrder()).orElse(null);
  }

  /** China customs (GACC) and Comtrade side by side, in the months GACC files cover. */
  private static List<OwnStatisticsYear> ownStatistics(Dataset<Row> china) {
    Dataset<Row> gaccMonths = china.filter(col("source").equalTo("gacc"))
        .select("period").distinct();
    List<Row> rows = china.filter(col("source").isin("gacc", "comtrade"))
        .join(gaccMonths, "period")
        .groupBy(year(col("period")).as("year"), col("source"))
        .agg(sum("value_usd").as("usd"), countDistinct(col("period")).as("months"))
        .collectAsList();
    Map<Integer, Object[]> byYear = new TreeMap<>();
    for (Row r : rows) {
      Object[] y = byYear.computeIfAbsent(r.<Integer>getAs("year"),
          k -> new Object[] {0L, null, null});
      y[r.getAs("source").equals("gacc") ? 1 : 2] = r.getAs("usd");
      y[0] = Math.max((Long) y[0], r.<Long>getAs("months"));
    }
    List<OwnStatisticsYear> out = new ArrayList<>();
    byYear.forEach((year, y) -> out.add(new OwnStatisticsYear(year, (Long) y[0],
        (BigDecimal) y[1], (BigDecimal) y[2])));
    return out;
  }

  /**
   * The three hubs whose CHPL exports to Russia rose most above their baseline after the
   * window: over the months after it in which the hub's exports are covered (the hub reported
   * its exports or Russia its imports), the exports minus the baselines of the hub's HS6 series
   * times those months. A covered month without a row is a month the products did not move
   * (each series' baseline counts against it); a hub without a baseline (too few covered months
   * in the window, or no trade in it) has no "excess" to speak of and is left out.
   */
  private static List<HubExcess> hubs(Dataset<Row> transitSignals, Dataset<Row> coverage,
      String version, Periods baseline, String originGroup) {
    Date end = Date.valueOf(baseline.to().atDay(1));
    Dataset<Row> series = transitSignals.filter(col("list_id").equalTo(LIST)
        .and(col("origin_group").equalTo(originGroup))
        .and(col("list_version").equalTo(version)).and(col("exports_baseline_usd").isNotNull()));
    Map<String, BigDecimal> baselines = new TreeMap<>();
    series.select("hub_iso3", "tier", "hs6", "exports_baseline_usd").distinct()
        .groupBy("hub_iso3").agg(sum("exports_baseline_usd")).collectAsList()
        .forEach(r -> baselines.put(r.getString(0), r.getDecimal(1)));
    Map<String, Row> after = new TreeMap<>();
    series.filter(col("period").gt(end))
        .groupBy("hub_iso3")
        .agg(coalesce(sum(when(col("is_exports_covered"), col("exports_to_russia_usd"))),
                lit(BigDecimal.ZERO)).as("exports"),
            sum(when(col("is_re_export_signal"), lit(1)).otherwise(lit(0))).as("signals"))
        .collectAsList().forEach(r -> after.put(r.getString(0), r));
    Map<String, Set<String>> coveredMonths = new TreeMap<>();
    coverage.filter(col("status").equalTo(Coverage.MONTHLY)
            .and(col("is_shipment_level").unary_$bang()).and(col("period").gt(end))
            .and(col("reporter_iso3").isin(baselines.keySet().toArray()).and(col("flow")
                .equalTo("export")).or(col("reporter_iso3").equalTo(AnalyticsJob.DESTINATION)
                .and(col("flow").equalTo("import")))))
        .select("reporter_iso3", "period").distinct().collectAsList()
        .forEach(r -> coveredMonths.computeIfAbsent(r.getString(0), k -> new java.util.TreeSet<>())
            .add(r.getDate(1).toString()));
    Set<String> russia = coveredMonths.getOrDefault(AnalyticsJob.DESTINATION, Set.of());
    List<HubExcess> out = new ArrayList<>();
    baselines.forEach((hub, base) -> {
      Set<String> months = new java.util.TreeSet<>(russia);
      months.addAll(coveredMonths.getOrDefault(hub, Set.of()));
      Row a = after.get(hub);
      if (base.signum() > 0 && a != null && !months.isEmpty()) {
        BigDecimal excess = a.<BigDecimal>getAs("exports")
            .subtract(base.multiply(BigDecimal.valueOf(months.size())));
        out.add(new HubExcess(hub, excess, a.<Long>getAs("signals"), months.size()));
      }
    });
    return out.stream().sorted(Comparator.comparing(HubExcess::excessUsd).reversed()
        .thenComparing(HubExcess::hub)).limit(3).toList();
  }

}

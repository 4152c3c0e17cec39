package org.dualflow.cli;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.year;

import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.dualflow.publish.RunManifest;

/** The short report printed at the end of a run: counts, tables, headline figures. */
final class RunSummary {

  private static final Set<String> GREATER_CHINA = Set.of("CHN", "HKG", "MAC");
  private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);

  private RunSummary() {
  }

  static void print(RunJob.Result result, JobConfig config, PrintStream out) {
    Path cwd = Path.of("").toAbsolutePath();
    out.printf("dualflow run %s succeeded in %.1f s%n", result.runId(), result.seconds());
    out.println("  job        " + shorten(config.jobFile().toString(), cwd));
    out.println("  warehouse  " + config.warehouse());
    List<String> p = result.periods();
    out.println("  periods    " + monthList(p) + " (" + p.size()
        + (p.size() == 1 ? " month" : " months") + " replaced)");
    out.println("  lists      " + config.lists());
    out.println();

    TextTable inputs = new TextTable(List.of("input", "source", "read", "accepted", "rejected",
        "of which duplicates", "outside periods", "reject %"));
    long[] total = new long[5];
    for (RunJob.FileStats f : result.files()) {
      inputs.add(List.of(shorten(f.input.uri(), cwd), f.input.source(), n(f.read),
          n(f.accepted), n(f.rejected), n(f.duplicates()), n(f.outside),
          String.format("%.1f%%", 100 * f.rejectRatio())));
      total[0] += f.read;
      total[1] += f.accepted;
      total[2] += f.rejected;
      total[3] += f.duplicates();
      total[4] += f.outside;
    }
    inputs.add(List.of("total (" + result.files().size() + " files)", "", n(total[0]),
        n(total[1]), n(total[2]), n(total[3]), n(total[4]), ""));
    inputs.print(out, "  ");
    if (!result.rejectedByReason().isEmpty()) {
      List<String> reasons = new ArrayList<>();
      result.rejectedByReason().forEach((k, v) -> reasons.add(k + " " + n(v)));
      out.println("  rejected by reason: " + String.join(", ", reasons)
          + "  (details: rejected_records)");
    }
    out.println("  classified: " + n(result.classifiedRecords()) + " records matched a list, "
        + n(result.hsMappedRecords()) + " of the matches through the HS 2017->2022 concordance");
    out.println();

    List<String> written = new ArrayList<>();
    for (RunManifest.Table t : result.manifest().tables()) {
      written.add(t.name() + " " + n(t.rowsWritten()));
    }
    out.println("Tables written: " + String.join(", ", written) + ", quality_report "
        + result.files().size() + ", run_manifest 1");
    out.println();
    headline(result.flowsMonthly(), result.periods(), out);
    if (config.settings().get(JobKey.ANALYTICS_ENABLED.key()).equals("true")) {
      analyticsHeadlines(result.flowsMonthly().sparkSession(), config, out);
    }
    out.println();
    out.println("Query it:  jobs/dualflow sql --warehouse " + shorten(config.warehouse(), cwd)
        + " \"SELECT year(period) AS year, exporter_iso3, sum(value_usd) AS usd FROM flows_monthly"
        + " WHERE source = 'comtrade' AND importer_iso3 = 'RUS' AND reported_by = 'exporter'"
        + " GROUP BY 1, 2 ORDER BY 1, 3 DESC\"");
  }

  /**
   * CHPL goods to Russia as exporters report them (FOB), by year: China, Hong Kong, everyone,
   * the greater-China share, and China's integrated circuits (HS 8542).
   */
  private static void headline(Dataset<Row> flowsMonthly, List<String> periods, PrintStream out) {
    Dataset<Row> chpl = flowsMonthly.filter(col("list_id").equalTo("chpl")
        .and(col("source").equalTo("comtrade"))
        .and(col("importer_iso3").equalTo("RUS"))
        .and(col("reported_by").equalTo("exporter"))
        .and(col("period").geq(java.sql.Date.valueOf(periods.isEmpty() ? "1900-01-01"
            : periods.get(0) + "-01")))
        .and(col("period").leq(java.sql.Date.valueOf(periods.isEmpty() ? "1900-01-01"
            : periods.get(periods.size() - 1) + "-01"))));
    List<Row> versions = chpl.select("list_version").distinct().orderBy(col("list_version").desc())
        .collectAsList();
    if (versions.isEmpty()) {
      out.println("Headline: no CHPL flows to Russia in this run's months.");
      return;
    }
    String version = versions.get(0).getString(0);
    List<Row> rows = chpl.filter(col("list_version").equalTo(version))
        .groupBy(year(col("period")).as("year"), col("exporter_iso3"),
            col("hs6").startsWith("8542").as("is_ic"))
        .agg(sum("value_usd").as("usd"))
        .collectAsList();
    Map<Integer, BigDecimal[]> byYear = new TreeMap<>();
    for (Row r : rows) {
      BigDecimal[] y = byYear.computeIfAbsent(r.getInt(0), k -> new BigDecimal[] {
          BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO});
      String exporter = r.getString(1);
      BigDecimal usd = r.getDecimal(3);
      y[2] = y[2].add(usd);
      if (exporter.equals("CHN")) {
        y[0] = y[0].add(usd);
        if (r.getBoolean(2)) {
          y[4] = y[4].add(usd);
        }
      } else if (exporter.equals("HKG")) {
        y[1] = y[1].add(usd);
      }
      if (GREATER_CHINA.contains(exporter)) {
        y[3] = y[3].add(usd);
      }
    }
    out.println("Headline: CHPL (" + version + ") goods to Russia as exporters report them to "
        + "UN Comtrade, FOB, USD million");
    TextTable t = new TextTable(List.of("year", "China", "Hong Kong", "all exporters",
        "greater China share", "China HS 8542"));
    byYear.forEach((year, y) -> t.add(List.of(String.valueOf(year), m(y[0]), m(y[1]), m(y[2]),
        y[2].signum() == 0 ? "" : y[3].multiply(BigDecimal.valueOf(100))
            .divide(y[2], 1, RoundingMode.HALF_UP) + "%", m(y[4]))));
    t.print(out, "  ");
    chinaByOwnStatistics(flowsMonthly, version, periods, out);
  }

  /**
   * China's CHPL exports to Russia as China customs (GACC) reports them, beside Comtrade for the
   * same months, when the run read GACC files.
   */
  private static void chinaByOwnStatistics(Dataset<Row> flowsMonthly, String version,
      List<String> periods, PrintStream out) {
    Dataset<Row> china = flowsMonthly.filter(col("list_id").equalTo("chpl")
        .and(col("list_version").equalTo(version)).and(col("exporter_iso3").equalTo("CHN"))
        .and(col("importer_iso3").equalTo("RUS")).and(col("reported_by").equalTo("exporter"))
        .and(col("period").geq(java.sql.Date.valueOf(periods.get(0) + "-01")))
        .and(col("period").leq(java.sql.Date.valueOf(periods.get(periods.size() - 1) + "-01"))));
    Dataset<Row> gaccMonths = china.filter(col("source").equalTo("gacc"))
        .select("period").distinct();
    List<Row> rows = china.filter(col("source").isin("gacc", "comtrade"))
        .join(gaccMonths, "period")
        .groupBy(year(col("period")).as("year"), col("source"))
        .agg(sum("value_usd"), org.apache.spark.sql.functions.countDistinct(col("period")))
        .orderBy("year", "source").collectAsList();
    if (rows.isEmpty()) {
      return;
    }
    Map<Integer, String[]> byYear = new TreeMap<>();
    for (Row r : rows) {
      String[] y = byYear.computeIfAbsent(r.getInt(0), k -> new String[] {"", "", ""});
      y[r.getString(1).equals("gacc") ? 1 : 2] = m(r.getDecimal(2));
      y[0] = String.valueOf(Math.max(r.getLong(3), y[0].isEmpty() ? 0 : Long.parseLong(y[0])));
    }
    out.println();
    out.println("China's CHPL exports to Russia in the months China customs files cover, "
        + "USD million");
    TextTable t = new TextTable(List.of("year", "months", "China customs (GACC)",
        "UN Comtrade"));
    byYear.forEach((year, y) -> t.add(List.of(String.valueOf(year), y[0], y[1], y[2])));
    t.print(out, "  ");
  }

  /**
   * From the analytics tables: greater China's share of Russia's CHPL supply by year (FOB basis,
   * best side of each flow, all sources), and the three transit hubs whose exports to Russia
   * rose most above their baseline.
   */
  private static void analyticsHeadlines(org.apache.spark.sql.SparkSession spark,
      JobConfig config, PrintStream out) {
    String root = config.warehouse();
    Dataset<Row> shares = spark.read().schema(
            org.dualflow.schema.TableSchema.load("supplier_share").schema())
        .parquet(root + "/supplier_share")
        .filter("importer_iso3 = 'RUS' AND period_type = 'year' AND tier = 'ALL' "
            + "AND list_id = 'chpl'");
    List<Row> versions = shares.select("list_version").distinct()
        .orderBy(col("list_version").desc()).collectAsList();
    if (versions.isEmpty()) {
      return;
    }
    String version = versions.get(0).getString(0);
    List<Row> byYear = shares.filter(col("list_version").equalTo(version))
        .groupBy(year(col("period")).as("year"))
        .agg(sum(org.apache.spark.sql.functions.when(col("supplier_group").equalTo(
            "greater_china"), col("share")).otherwise(0.0)))
        .orderBy("year").collectAsList();
    List<String> cells = new ArrayList<>();
    byYear.forEach(r -> cells.add(r.getInt(0) + " " + String.format("%.1f%%", 100 * r.getDouble(1))));
    out.println();
    out.println("Greater China's share of Russia's CHPL (" + version + ") supply, FOB basis, "
        + "best side of each flow, all sources: " + String.join(", ", cells));
    Dataset<Row> transit = spark.read().schema(
            org.dualflow.schema.TableSchema.load("transit_signals").schema())
        .parquet(root + "/transit_signals")
        .filter(col("list_id").equalTo("chpl").and(col("list_version").equalTo(version))
            .and(col("period").gt(java.sql.Date.valueOf(
                config.analytics().baseline().to().atDay(1))))
            // A hub without trade in the baseline window has no "excess" to speak of.
            .and(col("exports_baseline_usd").gt(0)));
    List<Row> hubs = transit.groupBy("hub_iso3")
        .agg(sum(col("exports_to_russia_usd").minus(col("exports_baseline_usd"))).as("excess"),
            sum(org.apache.spark.sql.functions.when(col("is_re_export_signal"), 1).otherwise(0))
                .as("signals"))
        .orderBy(col("excess").desc()).limit(3).collectAsList();
    List<String> top = new ArrayList<>();
    hubs.forEach(h -> top.add(h.getString(0) + " +" + m(h.getDecimal(1)) + "m ("
        + h.getLong(2) + " HS6-months flagged)"));
    if (top.isEmpty()) {
      return;
    }
    out.println("Transit hubs whose CHPL exports to Russia rose most above their "
        + config.analytics().baseline() + " baseline, since: " + String.join(", ", top));
  }

  /** Months (yyyy-MM, sorted) as runs of consecutive months: "2021-01..2021-12, 2022-03". */
  static String monthList(List<String> months) {
    if (months.isEmpty()) {
      return "none";
    }
    List<String> runs = new ArrayList<>();
    java.time.YearMonth start = java.time.YearMonth.parse(months.get(0));
    java.time.YearMonth prev = start;
    for (String m : months.subList(1, months.size())) {
      java.time.YearMonth ym = java.time.YearMonth.parse(m);
      if (!ym.equals(prev.plusMonths(1))) {
        runs.add(start.equals(prev) ? start.toString() : start + ".." + prev);
        start = ym;
      }
      prev = ym;
    }
    runs.add(start.equals(prev) ? start.toString() : start + ".." + prev);
    return String.join(", ", runs);
  }

  private static String m(BigDecimal usd) {
    return usd.divide(MILLION, 1, RoundingMode.HALF_UP).toPlainString();
  }

  private static String n(long v) {
    return String.format("%,d", v);
  }

  private static String shorten(String path, Path cwd) {
    String p = path.startsWith("file:") ? path.substring(5) : path;
    String base = cwd.toString() + "/";
    return p.startsWith(base) ? p.substring(base.length()) : p;
  }
}

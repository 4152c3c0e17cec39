package org.dualflow.analytics;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.math.BigDecimal;
import java.sql.Date;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.dualflow.Periods;

/**
 * {@code transit_signals}: per origin group (greater China, the sanctioning coalition), transit
 * hub, HS6 and month, the hub's imports from the origin group and its exports to Russia, each
 * against its baseline, the pass-through ratio, and a re-export signal.
 *
 * <p>Each series is taken only where it is covered (see {@link Coverage}): the imports when
 * the hub reported its imports, or every origin-group member expected to show
 * ({@link PairCoverage#expected}) reported its exports, that month; the exports when the hub
 * or Russia did. A series not covered is null, not zero. Its
 * baseline is the mean over the window's covered months, null below
 * {@link AnalyticsSettings#minCoveredMonths}.
 *
 * <p>A month has <em>risen</em> when both series are covered, both baselines known, and both
 * reached {@code threshold} times their baseline and the value floor (so a route that did not
 * exist before needs the floor, not merely a positive month). A <em>signal</em> is a risen
 * month after the window that persists: at least {@code persistMonths} of the latest
 * {@code persistOf} months in which both series are covered (this one included) have risen. A
 * covered month without trade in the HS6 has not risen.
 */
public final class TransitSignals {

  static final String[] KEY = {"origin_group", "hub_iso3", "list_id", "list_version", "tier",
      "hs6"};

  private TransitSignals() {
  }

  /**
   * @param origins origin group name to members, in the order the groups are wanted
   */
  public static Dataset<Row> from(Dataset<Row> fobFlows, Set<String> hubs,
      Map<String, Set<String>> origins, String destination, AnalyticsSettings settings,
      PairCoverage coverage) {
    return withSeries(fobFlows, hubs, origins, destination, settings,
        seriesCoverage(coverage, hubs, origins, destination, settings.baseline()));
  }

  /**
   * @param series {@link #seriesCoverage} of the same flows, hubs and origins (the roundabout
   *     needs it too)
   */
  public static Dataset<Row> withSeries(Dataset<Row> fobFlows, Set<String> hubs,
      Map<String, Set<String>> origins, String destination, AnalyticsSettings settings,
      Dataset<Row> series) {
    Periods window = settings.baseline();
    Column none = lit(null).cast(fobFlows.schema().apply("value_fob_usd").dataType());
    Column isExport = col("exporter_iso3").isin(hubs.toArray())
        .and(col("importer_iso3").equalTo(destination));
    // Each flow as a hub's import from an origin group, or as its export, once per group.
    List<Column> legs = new ArrayList<>();
    Column anyLeg = isExport;
    for (Map.Entry<String, Set<String>> g : origins.entrySet()) {
      Column isImport = col("importer_iso3").isin(hubs.toArray())
          .and(col("exporter_iso3").isin(g.getValue().toArray()));
      anyLeg = anyLeg.or(isImport);
      legs.add(when(isImport, struct(lit(g.getKey()).as("g"), col("importer_iso3").as("hub"),
          col("value_fob_usd").as("imp"), none.as("exp"))));
      legs.add(when(isExport, struct(lit(g.getKey()).as("g"), col("exporter_iso3").as("hub"),
          none.as("imp"), col("value_fob_usd").as("exp"))));
    }
    BigDecimal zero = BigDecimal.ZERO.setScale(2);
    int minMonths = settings.minCoveredMonths(window);
    WindowSpec product = Window.partitionBy(KEY[0], KEY[1], KEY[2], KEY[3], KEY[4], KEY[5]);
    Column imports = col("imports_from_origin_usd");
    Column exports = col("exports_to_russia_usd");
    Column importsBase = col("imports_baseline_usd");
    Column exportsBase = col("exports_baseline_usd");
    Column bothCovered = col("is_imports_covered").and(col("is_exports_covered"));
    Column floor = lit(settings.transitMinValueUsd());
    double threshold = settings.transitThreshold();
    Column risen = bothCovered.and(importsBase.isNotNull()).and(exportsBase.isNotNull())
        .and(imports.geq(greatest(importsBase.multiply(threshold), floor)))
        .and(exports.geq(greatest(exportsBase.multiply(threshold), floor)));
    Column afterWindow = col("period").gt(Date.valueOf(window.to().atDay(1)));
    Column enough = col("risen_months").geq(settings.persistMonths());
    return fobFlows.filter(anyLeg)
        .select(col("period"), col("list_id"), col("list_version"), col("tier"), col("hs6"),
            explode(array(legs.toArray(Column[]::new))).as("leg"))
        .filter(col("leg").isNotNull())
        .select(col("period"), col("leg.g").as("origin_group"), col("leg.hub").as("hub_iso3"),
            col("list_id"), col("list_version"), col("tier"), col("hs6"),
            col("leg.imp").as("imp"), col("leg.exp").as("exp"))
        // One shuffle, by product: the months' sums group inside it, the baselines and the
        // persistence are windows over it; the coverage joined in is small.
        .repartition(col(KEY[0]), col(KEY[1]), col(KEY[2]), col(KEY[3]), col(KEY[4]),
            col(KEY[5]))
        .groupBy("period", KEY)
        .agg(coalesce(sum("imp"), lit(zero)).as("imp"), coalesce(sum("exp"), lit(zero))
            .as("exp"))
        .join(broadcast(series), new String[] {"origin_group", "hub_iso3", "period"}, "left")
        .withColumn("is_imports_covered", coalesce(col("is_imports_covered"), lit(false)))
        .withColumn("is_exports_covered", coalesce(col("is_exports_covered"), lit(false)))
        .withColumn("imports_baseline_months", coalesce(col("imports_baseline_months"),
            lit(0L)))
        .withColumn("exports_baseline_months", coalesce(col("exports_baseline_months"),
            lit(0L)))
        .withColumn("imports_from_origin_usd", when(col("is_imports_covered"), col("imp")))
        .withColumn("exports_to_russia_usd", when(col("is_exports_covered"), col("exp")))
        .withColumn("imports_baseline_usd", baseline(imports, col("is_imports_covered"),
            col("imports_baseline_months"), minMonths, window, product))
        .withColumn("exports_baseline_usd", baseline(exports, col("is_exports_covered"),
            col("exports_baseline_months"), minMonths, window, product))
        .withColumn("imports_index", when(importsBase.gt(0), ratio(imports, importsBase)))
        .withColumn("exports_index", when(exportsBase.gt(0), ratio(exports, exportsBase)))
        .withColumn("pass_through_ratio", when(imports.gt(0), ratio(exports, imports)))
        .withColumn("exports_exceed_imports", when(bothCovered, exports.gt(imports)))
        .withColumn("is_risen", risen)
        .withColumn("risen_months", when(col("covered_month").isNotNull(),
            sum(when(col("is_risen"), lit(1)).otherwise(lit(0))).over(product
                .orderBy("covered_month").rangeBetween(1 - settings.persistOf(), 0))))
        .withColumn("is_re_export_signal", afterWindow.and(col("is_risen")).and(enough))
        .withColumn("signal_status", when(afterWindow.unary_$bang(), lit("in_or_before_window"))
            .when(bothCovered.unary_$bang(), lit("month_not_covered"))
            .when(importsBase.isNull().or(exportsBase.isNull()), lit("no_baseline"))
            .when(col("is_risen").unary_$bang(), lit("not_risen"))
            .when(enough.unary_$bang(), lit("not_persistent"))
            .otherwise(lit("signal")))
        .withColumn("threshold", lit(threshold))
        .withColumn("min_value_usd", lit(settings.transitMinValueUsd()).cast("decimal(18,2)"))
        .withColumn("persistence", lit(settings.persistMonths() + "/" + settings.persistOf()))
        .withColumn("baseline_window", lit(window.toString()))
        .drop("imp", "exp", "is_risen", "covered_month");
  }

  /**
   * A baseline: the mean of {@code value} over the window's covered months ({@code months} of
   * them), a covered month without a row counting zero; null below {@code minMonths}. The same
   * rule for corridors, hubs and the roundabout.
   *
   * @param product the series: the rows of one product, whatever their month
   */
  static Column baseline(Column value, Column covered, Column months, int minMonths,
      Periods window, WindowSpec product) {
    Column sum = coalesce(sum(when(inWindow(window).and(covered), value)).over(product),
        lit(BigDecimal.ZERO.setScale(2)));
    return when(months.geq(minMonths), sum.divide(months).cast("decimal(28,2)"));
  }

  /** The row's month is in the window. */
  static Column inWindow(Periods window) {
    return col("period").between(Date.valueOf(window.from().atDay(1)),
        Date.valueOf(window.to().atDay(1)));
  }

  /**
   * Per origin group, hub and month of the warehouse: whether the imports series (the origin
   * members expected to show, {@link PairCoverage#expected}, to the hub) and the exports series
   * (the hub to the destination) are covered, the imports' missing pairs, how many months of
   * the baseline window each series is covered ({@code imports_baseline_months},
   * {@code exports_baseline_months}), and the month's rank among the months both are
   * ({@code covered_month}, null when they are not). A series without expected pairs is never
   * covered: nothing could show it. A local relation.
   */
  public static Dataset<Row> seriesCoverage(PairCoverage coverage, Set<String> hubs,
      Map<String, Set<String>> origins, String destination, Periods window) {
    java.sql.Date first = java.sql.Date.valueOf(window.from().atDay(1));
    java.sql.Date last = java.sql.Date.valueOf(window.to().atDay(1));
    List<Row> rows = new ArrayList<>();
    for (String hub : new java.util.TreeSet<>(hubs)) {
      List<String[]> exports = List.<String[]>of(new String[] {hub, destination});
      for (Map.Entry<String, Set<String>> g : origins.entrySet()) {
        List<String[]> imports = new ArrayList<>();
        for (String origin : new java.util.TreeSet<>(g.getValue())) {
          if (coverage.expected(origin, hub)) {
            imports.add(new String[] {origin, hub});
          }
        }
        List<Object[]> months = new ArrayList<>();
        long rank = 0;
        long importsInWindow = 0;
        long exportsInWindow = 0;
        for (java.sql.Date month : coverage.months()) {
          List<String> missing = coverage.missing(imports, month);
          boolean importsCovered = !imports.isEmpty() && missing.isEmpty();
          boolean exportsCovered = coverage.missing(exports, month).isEmpty();
          if (!month.before(first) && !month.after(last)) {
            importsInWindow += importsCovered ? 1 : 0;
            exportsInWindow += exportsCovered ? 1 : 0;
          }
          Long coveredMonth = importsCovered && exportsCovered ? ++rank : null;
          months.add(new Object[] {g.getKey(), hub, month, importsCovered,
              missing.toArray(String[]::new), exportsCovered, coveredMonth});
        }
        for (Object[] m : months) {
          rows.add(RowFactory.create(m[0], m[1], m[2], m[3], m[4], m[5], m[6], importsInWindow,
              exportsInWindow));
        }
      }
    }
    return coverage.local(rows, new StructType()
        .add("origin_group", DataTypes.StringType, false)
        .add("hub_iso3", DataTypes.StringType, false)
        .add("period", DataTypes.DateType, false)
        .add("is_imports_covered", DataTypes.BooleanType, false)
        .add("imports_missing_pairs", DataTypes.createArrayType(DataTypes.StringType, false),
            false)
        .add("is_exports_covered", DataTypes.BooleanType, false)
        .add("covered_month", DataTypes.LongType, true)
        .add("imports_baseline_months", DataTypes.LongType, false)
        .add("exports_baseline_months", DataTypes.LongType, false));
  }

  /** As doubles: Spark's decimal division keeps six decimal places only. */
  static Column ratio(Column a, Column b) {
    return a.cast("double").divide(b.cast("double"));
  }
}

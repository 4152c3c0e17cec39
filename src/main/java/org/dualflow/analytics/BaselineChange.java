package org.dualflow.analytics;

import static org.apache.spark.sql.functions.add_months;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.month;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.year;

import java.math.BigDecimal;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.dualflow.Periods;

/**
 * {@code baseline_change}: each corridor month against the pre-war baseline and the same month
 * a year before, on covered months only.
 *
 * <p>A corridor month is covered when every pair of the corridor that has trade anywhere in the
 * warehouse is covered that month (its exporter reported exports or its importer imports,
 * monthly: see {@link Coverage}). The baseline is the mean over the window's covered months, a
 * covered month without trade counting as zero; it is null when fewer than
 * {@link AnalyticsSettings#minCoveredMonths} of the window's months are covered, because the
 * mean of a few reported months says nothing of a year (Kyrgyzstan, reporting only annual
 * figures before 2022, has two). The index and the change on a year are computed only between
 * covered months; a month not covered has a value that is a part of the corridor, not all of
 * it.
 */
public final class BaselineChange {

  static final String[] KEY = {"corridor_id", "list_id", "list_version", "tier", "hs6"};

  private BaselineChange() {
  }

  /**
   * @param corridorMonthly {@code corridor_monthly}, with its {@code is_covered} column
   * @param corridorCoverage {@link CorridorMonthly#coverage}: per corridor and month of the
   *     warehouse, {@code is_covered}
   */
  public static Dataset<Row> from(Dataset<Row> corridorMonthly, Dataset<Row> corridorCoverage,
      AnalyticsSettings settings) {
    Periods window = settings.baseline();
    Column inWindow = TransitSignals.inWindow(window);
    Dataset<Row> windowCoverage = corridorCoverage.filter(inWindow)
        .groupBy("corridor_id")
        .agg(count(when(col("is_covered"), lit(1))).as("baseline_months_covered"));
    Dataset<Row> yearAgo = corridorCoverage.select(col("corridor_id"),
        add_months(col("period"), 12).as("period"), col("is_covered").as("year_ago_covered"));
    // A corridor has one row per month and product (KEY): the baseline and the year before are
    // windows over KEY, one shuffle; the coverage joined in is small.
    WindowSpec series = Window.partitionBy(KEY[0], KEY[1], KEY[2], KEY[3], KEY[4]);
    Column monthIndex = year(col("period")).multiply(12).plus(month(col("period")));
    Column inBaseline = inWindow.and(col("is_covered"));
    Column covered = col("baseline_months_covered");
    Column baseline = col("baseline_usd");
    Column enough = covered.geq(settings.minCoveredMonths(window));
    BigDecimal zero = BigDecimal.ZERO.setScale(2);
    return corridorMonthly
        .select("period", "corridor_id", "corridor_family", "corridor_member", "list_id",
            "list_version", "tier", "hs6", "value_fob_usd", "is_covered", "missing_pairs")
        .join(broadcast(windowCoverage), new String[] {"corridor_id"}, "left")
        .join(broadcast(yearAgo), new String[] {"corridor_id", "period"}, "left")
        .withColumn("baseline_months_covered", coalesce(covered, lit(0L)))
        .withColumn("baseline_usd", TransitSignals.baseline(col("value_fob_usd"),
            col("is_covered"), covered, settings.minCoveredMonths(window), window, series))
        .withColumn("baseline_status", when(enough.unary_$bang(),
                lit("too_few_covered_months"))
            .when(baseline.equalTo(0), lit("no_trade_in_window")).otherwise(lit("ok")))
        .withColumn("baseline_months_reported", count(when(inBaseline, lit(1))).over(series))
        .withColumn("value_year_ago_usd", when(col("year_ago_covered"), coalesce(
            first(col("value_fob_usd")).over(series.orderBy(monthIndex).rangeBetween(-12, -12)),
            lit(zero))))
        .withColumn("index_vs_baseline", when(col("is_covered").and(baseline.gt(0)),
            TransitSignals.ratio(col("value_fob_usd"), baseline).multiply(100)))
        .withColumn("yoy_change", when(col("is_covered").and(col("value_year_ago_usd").gt(0)),
            TransitSignals.ratio(col("value_fob_usd"), col("value_year_ago_usd")).minus(1)))
        .withColumn("is_month_covered", col("is_covered"))
        .withColumn("baseline_window", lit(window.toString()))
        .drop("is_covered", "year_ago_covered");
  }
}

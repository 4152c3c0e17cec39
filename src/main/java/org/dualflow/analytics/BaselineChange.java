package org.dualflow.analytics;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.month;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.year;

import java.sql.Date;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.dualflow.Periods;

/**
 * {@code baseline_change}: each corridor month against the pre-war baseline and the same month
 * a year before.
 *
 * <p>The baseline is the monthly mean over the baseline window, months without trade counting
 * as zero (a corridor silent in half the window has half its active months' level). The index
 * is the month's value over the baseline, times 100; null when the baseline is zero.
 */
public final class BaselineChange {

  static final String[] KEY = {"corridor_id", "list_id", "list_version", "tier", "hs6"};

  private BaselineChange() {
  }

  public static Dataset<Row> from(Dataset<Row> corridorMonthly, Periods window) {
    int months = window.months().size();
    Column inWindow = col("period").between(Date.valueOf(window.from().atDay(1)),
        Date.valueOf(window.to().atDay(1)));
    // A corridor has one row per month and product (KEY): the baseline and the year before are
    // windows over KEY, one shuffle, no joins.
    WindowSpec series = Window.partitionBy(KEY[0], KEY[1], KEY[2], KEY[3], KEY[4]);
    Column monthIndex = year(col("period")).multiply(12).plus(month(col("period")));
    Column windowMonths = count(when(inWindow, lit(1))).over(series);
    return corridorMonthly
        .select("period", "corridor_id", "corridor_family", "corridor_member", "list_id",
            "list_version", "tier", "hs6", "value_fob_usd")
        .withColumn("baseline_usd", sum(when(inWindow, col("value_fob_usd"))).over(series)
            .divide(lit(months)).cast("decimal(28,2)"))
        .withColumn("baseline_months_reported", when(windowMonths.gt(0), windowMonths))
        .withColumn("value_year_ago_usd", first(col("value_fob_usd")).over(series
            .orderBy(monthIndex).rangeBetween(-12, -12)))
        .withColumn("index_vs_baseline", when(col("baseline_usd").gt(0),
            TransitSignals.ratio(col("value_fob_usd"), col("baseline_usd")).multiply(100)))
        .withColumn("yoy_change", when(col("value_year_ago_usd").gt(0),
            TransitSignals.ratio(col("value_fob_usd"), col("value_year_ago_usd")).minus(1)))
        .withColumn("baseline_window", lit(window.toString()));
  }
}

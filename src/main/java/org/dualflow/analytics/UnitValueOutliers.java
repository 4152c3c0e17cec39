package org.dualflow.analytics;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log10;
import static org.apache.spark.sql.functions.median;
import static org.apache.spark.sql.functions.pow;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * {@code unit_value_outliers}: every classified monthly record with a weight, its US dollars per
 * kilogram against the median of the same HS6 and month, and a robust score.
 *
 * <p>Unit values spread over orders of magnitude, so the score is taken on their logarithm:
 * z = 0.6745 (x - median) / MAD, x = log10(USD/kg), MAD the median absolute deviation
 * (Iglewicz and Hoaglin's modified z-score). Records under {@link #MIN_SCORED_KG} and groups
 * with fewer than {@link AnalyticsSettings#minOutlierGroup()} weighed records get no score. A low outlier (cheap per
 * kilogram) is how undervalued or misdeclared goods show.
 *
 * <p>The MAD is floored at {@link #MIN_MAD}: when most of a group shares one price (identical
 * or rounding-close unit values, common in aggregated statistics) the raw MAD is zero or
 * nearly so, and every cent of difference would score in the millions. With the floor such a
 * group flags only records more than about 27% off its median.
 */
public final class UnitValueOutliers {

  /** log10 units: 0.02 is a factor of 1.047, so a 3.5 score needs a factor of 1.27. */
  static final double MIN_MAD = 0.02;

  /**
   * Most sources give whole kilograms, so below 10 kg rounding alone moves a unit value by 5%
   * or more (a 600-dollar flow "weighing" 1 kg). Such records are listed but neither scored nor
   * counted in their group's median.
   */
  static final int MIN_SCORED_KG = 10;

  private UnitValueOutliers() {
  }

  public static Dataset<Row> from(Dataset<Row> dualUseFlows, AnalyticsSettings settings) {
    WindowSpec group = Window.partitionBy("hs6", "period");
    Dataset<Row> records = dualUseFlows
        .filter(col("freq").equalTo("M").and(col("net_kg").gt(0)).and(col("value_usd").gt(0)))
        .select("record_id", "source", "source_file", "source_line", "period", "exporter_iso3",
            "importer_iso3", "reported_by", "hs6", "value_usd", "net_kg")
        .distinct()                         // one row per record, whatever lists it matched
        .withColumn("usd_per_kg", TransitSignals.ratio(col("value_usd"), col("net_kg")))
        .withColumn("x", log10(col("usd_per_kg")))
        .withColumn("weighed", col("net_kg").geq(MIN_SCORED_KG))
        .withColumn("weighed_x", when(col("weighed"), col("x")))   // null: out of the statistics
        .withColumn("group_median_x", median(col("weighed_x")).over(group))
        .withColumn("group_records", count(col("weighed_x")).over(group))
        .withColumn("abs_dev", abs(col("weighed_x").minus(col("group_median_x"))))
        .withColumn("group_mad", median(col("abs_dev")).over(group));
    Column scored = col("weighed").and(col("group_records").geq(settings.minOutlierGroup()));
    Column z = lit(0.6745).multiply(col("x").minus(col("group_median_x")))
        .divide(greatest(col("group_mad"), lit(MIN_MAD)));
    return records
        .withColumn("median_usd_per_kg", pow(lit(10.0), col("group_median_x")))
        .withColumn("robust_z", when(scored, z))
        .withColumn("is_outlier", when(scored, abs(z).gt(settings.outlierScore()))
            .otherwise(lit(false)))
        .withColumn("direction", when(col("is_outlier").and(z.lt(0)), lit("low"))
            .when(col("is_outlier"), lit("high")))
        .drop("x", "weighed", "weighed_x", "group_median_x", "abs_dev", "group_mad");
  }
}

package org.dualflow.analytics;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.math.BigDecimal;
import java.sql.Date;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.dualflow.Periods;

/**
 * {@code transit_signals}: per transit hub, HS6 and month, the hub's imports from greater China
 * and its exports to Russia, each against its baseline, the pass-through ratio, and a flag when
 * both rose beyond the threshold after the baseline window: the re-export pattern.
 *
 * <p>A series "rose" when it reached {@code threshold} times its baseline, or, with a zero
 * baseline, when it is positive at all (a route that did not exist before).
 */
public final class TransitSignals {

  static final String[] KEY = {"hub_iso3", "list_id", "list_version", "tier", "hs6"};

  private TransitSignals() {
  }

  public static Dataset<Row> from(Dataset<Row> fobFlows, Set<String> hubs,
      Set<String> greaterChina, String destination, Periods window, double threshold) {
    Dataset<Row> imports = fobFlows.filter(col("importer_iso3").isin(hubs.toArray())
            .and(col("exporter_iso3").isin(greaterChina.toArray())))
        .groupBy(col("period"), col("importer_iso3").as("hub_iso3"), col("list_id"),
            col("list_version"), col("tier"), col("hs6"))
        .agg(sum("value_fob_usd").as("imports_from_greater_china_usd"));
    Dataset<Row> exports = fobFlows.filter(col("exporter_iso3").isin(hubs.toArray())
            .and(col("importer_iso3").equalTo(destination)))
        .groupBy(col("period"), col("exporter_iso3").as("hub_iso3"), col("list_id"),
            col("list_version"), col("tier"), col("hs6"))
        .agg(sum("value_fob_usd").as("exports_to_russia_usd"));
    String[] cell = {"period", "hub_iso3", "list_id", "list_version", "tier", "hs6"};
    BigDecimal zero = BigDecimal.ZERO.setScale(2);
    Dataset<Row> series = imports.join(exports, cell, "full_outer")
        .withColumn("imports_from_greater_china_usd",
            coalesce(col("imports_from_greater_china_usd"), lit(zero)))
        .withColumn("exports_to_russia_usd", coalesce(col("exports_to_russia_usd"), lit(zero)));
    int months = window.months().size();
    Column inWindow = col("period").between(Date.valueOf(window.from().atDay(1)),
        Date.valueOf(window.to().atDay(1)));
    Dataset<Row> baseline = series.filter(inWindow).groupBy(KEY[0], KEY[1], KEY[2], KEY[3], KEY[4])
        .agg(sum("imports_from_greater_china_usd").divide(lit(months)).cast("decimal(28,2)")
                .as("imports_baseline_usd"),
            sum("exports_to_russia_usd").divide(lit(months)).cast("decimal(28,2)")
                .as("exports_baseline_usd"));
    Column importsBase = coalesce(col("imports_baseline_usd"), lit(zero));
    Column exportsBase = coalesce(col("exports_baseline_usd"), lit(zero));
    Column imports2 = col("imports_from_greater_china_usd");
    Column exports2 = col("exports_to_russia_usd");
    Column afterWindow = col("period").gt(Date.valueOf(window.to().atDay(1)));
    return series.join(baseline, KEY, "left")
        .withColumn("imports_baseline_usd", importsBase)
        .withColumn("exports_baseline_usd", exportsBase)
        .withColumn("imports_index", when(importsBase.gt(0), ratio(imports2, importsBase)))
        .withColumn("exports_index", when(exportsBase.gt(0), ratio(exports2, exportsBase)))
        .withColumn("pass_through_ratio", when(imports2.gt(0), ratio(exports2, imports2)))
        .withColumn("is_re_export_signal", afterWindow
            .and(rose(imports2, importsBase, threshold))
            .and(rose(exports2, exportsBase, threshold)))
        .withColumn("threshold", lit(threshold))
        .withColumn("baseline_window", lit(window.toString()));
  }

  /** As doubles: Spark's decimal division keeps six decimal places only. */
  static Column ratio(Column a, Column b) {
    return a.cast("double").divide(b.cast("double"));
  }

  private static Column rose(Column value, Column baseline, double threshold) {
    return when(baseline.gt(0), value.geq(baseline.multiply(threshold)))
        .otherwise(value.gt(0));
  }
}

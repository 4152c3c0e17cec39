package org.dualflow.analytics;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.math.BigDecimal;
import java.sql.Date;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
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
    Column isImport = col("importer_iso3").isin(hubs.toArray())
        .and(col("exporter_iso3").isin(greaterChina.toArray()));
    Column isExport = col("exporter_iso3").isin(hubs.toArray())
        .and(col("importer_iso3").equalTo(destination));
    Column none = lit(null).cast(fobFlows.schema().apply("value_fob_usd").dataType());
    // Each flow as the hub's import, its export, or (should the groups overlap) both.
    Column legs = array(
        when(isImport, struct(col("importer_iso3").as("hub"), col("value_fob_usd").as("imp"),
            none.as("exp"))),
        when(isExport, struct(col("exporter_iso3").as("hub"), none.as("imp"),
            col("value_fob_usd").as("exp"))));
    BigDecimal zero = BigDecimal.ZERO.setScale(2);
    int months = window.months().size();
    Column inWindow = col("period").between(Date.valueOf(window.from().atDay(1)),
        Date.valueOf(window.to().atDay(1)));
    // One shuffle, by hub and product: the months' sums group inside it, and the baselines are
    // windows over it.
    WindowSpec series = Window.partitionBy(KEY[0], KEY[1], KEY[2], KEY[3], KEY[4]);
    Column imports2 = col("imports_from_greater_china_usd");
    Column exports2 = col("exports_to_russia_usd");
    Column importsBase = coalesce(sum(when(inWindow, imports2)).over(series).divide(lit(months))
        .cast("decimal(28,2)"), lit(zero));
    Column exportsBase = coalesce(sum(when(inWindow, exports2)).over(series).divide(lit(months))
        .cast("decimal(28,2)"), lit(zero));
    Column afterWindow = col("period").gt(Date.valueOf(window.to().atDay(1)));
    return fobFlows.filter(isImport.or(isExport))
        .select(col("period"), col("list_id"), col("list_version"), col("tier"), col("hs6"),
            explode(legs).as("leg"))
        .filter(col("leg").isNotNull())
        .select(col("period"), col("leg.hub").as("hub_iso3"), col("list_id"),
            col("list_version"), col("tier"), col("hs6"), col("leg.imp").as("imp"),
            col("leg.exp").as("exp"))
        .repartition(col(KEY[0]), col(KEY[1]), col(KEY[2]), col(KEY[3]), col(KEY[4]))
        .groupBy("period", KEY)
        .agg(coalesce(sum("imp"), lit(zero)).as("imports_from_greater_china_usd"),
            coalesce(sum("exp"), lit(zero)).as("exports_to_russia_usd"))
        .withColumn("imports_baseline_usd", importsBase)
        .withColumn("exports_baseline_usd", exportsBase)
        .withColumn("imports_index", when(col("imports_baseline_usd").gt(0),
            ratio(imports2, col("imports_baseline_usd"))))
        .withColumn("exports_index", when(col("exports_baseline_usd").gt(0),
            ratio(exports2, col("exports_baseline_usd"))))
        .withColumn("pass_through_ratio", when(imports2.gt(0), ratio(exports2, imports2)))
        .withColumn("is_re_export_signal", afterWindow
            .and(rose(imports2, col("imports_baseline_usd"), threshold))
            .and(rose(exports2, col("exports_baseline_usd"), threshold)))
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

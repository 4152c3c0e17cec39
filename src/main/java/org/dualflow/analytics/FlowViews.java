package org.dualflow.analytics;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.median;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * The views of {@code flows_monthly} the analytics tables share.
 *
 * <ol>
 *   <li>{@link #bestSources}: one source per side of a flow and month, so that China's exports
 *       are not counted from Comtrade and from China customs at once.</li>
 *   <li>{@link #cifFobFactors}: per exporter-importer pair, the median ratio of the importer's
 *       CIF value to the exporter's FOB value over the cells both report, or a default when the
 *       pair is too thin or the median implausible (below 1 or above 1.5).</li>
 *   <li>{@link #fobFlows}: one row per flow cell (month, exporter, importer, list, tier, HS6)
 *       with both sides side by side and a FOB-basis value from the best side: the exporter's
 *       FOB when it reported, else the importer's CIF divided by the pair's factor. FOB and CIF
 *       are never added.</li>
 * </ol>
 */
public final class FlowViews {

  static final List<String> CELL = List.of("period", "exporter_iso3", "importer_iso3",
      "list_id", "list_version", "tier", "hs6");

  private FlowViews() {
  }

  /** Keeps, for each month, exporter, importer and reporting side, the preferred source. */
  public static Dataset<Row> bestSources(Dataset<Row> flowsMonthly, List<String> priority) {
    Column rank = lit(priority.size());
    for (int i = priority.size() - 1; i >= 0; i--) {
      rank = when(col("source").equalTo(priority.get(i)), lit(i)).otherwise(rank);
    }
    return flowsMonthly
        .withColumn("best_source", min(struct(rank.as("r"), col("source").as("s")))
            .over(Window.partitionBy("period", "exporter_iso3", "importer_iso3", "reported_by"))
            .getField("s"))
        .filter(col("source").equalTo(col("best_source")))
        .drop("best_source");
  }

  /** Per exporter-importer pair: factor, the cells behind it and whether it was estimated. */
  public static Dataset<Row> cifFobFactors(Dataset<Row> best, AnalyticsSettings settings) {
    Dataset<Row> both = sides(best).filter(col("fob_exporter_usd").gt(0)
            .and(col("cif_importer_usd").gt(0)))
        .select(col("period"), col("exporter_iso3"), col("importer_iso3"), col("hs6"),
            TransitSignals.ratio(col("cif_importer_usd"), col("fob_exporter_usd")).as("ratio"))
        .distinct();      // the same cell under several list versions counts once
    Column median = col("median_ratio");
    Column plausible = col("cells").geq(settings.minCellsForFactor())
        .and(median.between(1.0, 1.5));
    return both.groupBy("exporter_iso3", "importer_iso3")
        .agg(median(col("ratio")).as("median_ratio"), count(lit(1)).as("cells"))
        .select(col("exporter_iso3"), col("importer_iso3"),
            when(plausible, median).otherwise(lit(settings.defaultCifFob().doubleValue()))
                .as("cif_fob_factor"),
            col("cells").as("factor_cells"),
            when(plausible, lit("estimated")).otherwise(lit("default")).as("factor_source"));
  }

  /** Both sides of every flow cell, with a FOB-basis value from the best side. */
  public static Dataset<Row> fobFlows(Dataset<Row> best, Dataset<Row> factors,
      AnalyticsSettings settings) {
    Column factor = coalesce(col("cif_fob_factor"),
        lit(settings.defaultCifFob().doubleValue()));
    Column importerFob = col("cif_importer_usd").divide(factor).cast("decimal(28,2)");
    return sides(best)
        .join(broadcast(factors), new String[] {"exporter_iso3", "importer_iso3"}, "left")
        .withColumn("cif_fob_factor", factor)
        .withColumn("factor_source", coalesce(col("factor_source"), lit("default")))
        .withColumn("fob_from_importer_usd", importerFob)
        .withColumn("value_fob_usd", coalesce(col("fob_exporter_usd"), importerFob))
        .withColumn("side", when(col("fob_exporter_usd").isNotNull(), lit("exporter"))
            .otherwise(lit("importer")))
        .withColumn("net_kg", coalesce(col("kg_exporter"), col("kg_importer")));
  }

  /** Exporter-reported and importer-reported values of each cell in one row. */
  static Dataset<Row> sides(Dataset<Row> best) {
    Dataset<Row> exporter = best.filter(col("reported_by").equalTo("exporter"))
        .groupBy(CELL.stream().map(org.apache.spark.sql.functions::col).toArray(Column[]::new))
        .agg(sum("value_usd").as("fob_exporter_usd"), sum("net_kg").as("kg_exporter"),
            first("source").as("source_exporter"));
    Dataset<Row> importer = best.filter(col("reported_by").equalTo("importer"))
        .groupBy(CELL.stream().map(org.apache.spark.sql.functions::col).toArray(Column[]::new))
        .agg(sum("value_usd").as("cif_importer_usd"), sum("net_kg").as("kg_importer"),
            first("source").as("source_importer"));
    return exporter.join(importer, CELL.toArray(String[]::new), "full_outer");
  }
}

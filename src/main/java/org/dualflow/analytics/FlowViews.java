package org.dualflow.analytics;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
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
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * The views of {@code flows_monthly} the analytics tables share.
 *
 * <ol>
 *   <li>{@link #cells}: one row per flow cell (month, exporter, importer, list, tier, HS6) with
 *       the exporter-reported and the importer-reported values side by side, each side from one
 *       source: for each month, exporter, importer and HS6, the preferred source that reported
 *       that side of that HS6, so that China's exports are not counted from Comtrade and from
 *       China customs at once, and a code only the second source reports is still counted.</li>
 *   <li>{@link #cifFobFactors}: per exporter-importer pair, the median ratio of the importer's
 *       CIF value to the exporter's FOB value over the cells both report, or a default when the
 *       pair is too thin or the median implausible (below 1 or above 1.5).</li>
 *   <li>{@link #fobFlows}: the cells with a FOB-basis value from the best side: the exporter's
 *       FOB when it reported, else the importer's CIF divided by the pair's factor. FOB and CIF
 *       are never added.</li>
 * </ol>
 *
 * <p>The cells take one shuffle: the choice of source is a window over (month, exporter,
 * importer, HS6), and the cells' aggregation groups within those same partitions.
 */
public final class FlowViews {

  static final List<String> CELL = List.of("period", "exporter_iso3", "importer_iso3",
      "list_id", "list_version", "tier", "hs6");

  private FlowViews() {
  }

  /**
   * Both sides of every flow cell, each from its preferred source: columns {@link #CELL},
   * {@code fob_exporter_usd}, {@code kg_exporter}, {@code source_exporter},
   * {@code cif_importer_usd}, {@code fob_importer_usd} (importers that report FOB),
   * {@code kg_importer}, {@code source_importer} (a side's columns
   * are null when no source reported it). The source is chosen per cell and side, among those
   * that reported that side of the cell's HS6 that month. A source missing from
   * {@code priority} ranks after every listed one; among such sources the first by name is
   * taken.
   */
  public static Dataset<Row> cells(Dataset<Row> flowsMonthly, List<String> priority) {
    Column rank = lit(priority.size());
    for (int i = priority.size() - 1; i >= 0; i--) {
      rank = when(col("source").equalTo(priority.get(i)), lit(i)).otherwise(rank);
    }
    Column exporterSide = col("reported_by").equalTo("exporter");
    Column importerSide = col("reported_by").equalTo("importer");
    Column choice = struct(rank.as("r"), col("source").as("s"));
    // Not per (month, exporter, importer): the preferred source's codes of a month would hide
    // every code the other source reports and it does not.
    WindowSpec cell = Window.partitionBy("period", "exporter_iso3", "importer_iso3", "hs6");
    Column[] keys = new Column[CELL.size() + 2];
    for (int i = 0; i < CELL.size(); i++) {
      keys[i] = col(CELL.get(i));
    }
    // Functions of (month, exporter, importer, HS6), so grouping by them splits no cell.
    keys[CELL.size()] = col("best_exporter");
    keys[CELL.size() + 1] = col("best_importer");
    return flowsMonthly
        .withColumn("best_exporter", min(when(exporterSide, choice)).over(cell).getField("s"))
        .withColumn("best_importer", min(when(importerSide, choice)).over(cell).getField("s"))
        .filter(col("source").equalTo(when(exporterSide, col("best_exporter"))
            .when(importerSide, col("best_importer"))))
        .groupBy(keys)
        .agg(sum(when(exporterSide, col("value_usd"))).as("fob_exporter_usd"),
            sum(when(exporterSide, col("net_kg"))).as("kg_exporter"),
            count(when(exporterSide, lit(1))).as("exporter_rows"),
            sum(when(importerSide.and(col("value_basis").equalTo("CIF")), col("value_usd")))
                .as("cif_importer_usd"),
            sum(when(importerSide.and(col("value_basis").equalTo("FOB")), col("value_usd")))
                .as("fob_importer_usd"),
            sum(when(importerSide, col("net_kg"))).as("kg_importer"),
            count(when(importerSide, lit(1))).as("importer_rows"))
        .select(col("period"), col("exporter_iso3"), col("importer_iso3"), col("list_id"),
            col("list_version"), col("tier"), col("hs6"), col("fob_exporter_usd"),
            col("kg_exporter"), when(col("exporter_rows").gt(0), col("best_exporter"))
                .as("source_exporter"),
            col("cif_importer_usd"), col("fob_importer_usd"), col("kg_importer"),
            when(col("importer_rows").gt(0), col("best_importer")).as("source_importer"));
  }

  /** Per exporter-importer pair: factor, the cells behind it and whether it was estimated. */
  public static Dataset<Row> cifFobFactors(Dataset<Row> cells, AnalyticsSettings settings) {
    Dataset<Row> both = cells.filter(col("fob_exporter_usd").gt(0)
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

  /** Every flow cell with a FOB-basis value from the best side. */
  public static Dataset<Row> fobFlows(Dataset<Row> cells, Dataset<Row> factors,
      AnalyticsSettings settings) {
    Column factor = coalesce(col("cif_fob_factor"),
        lit(settings.defaultCifFob().doubleValue()));
    // An importer that reports FOB (some do) is taken as it is; CIF is divided by the factor.
    Column cifAsFob = col("cif_importer_usd").divide(factor).cast("decimal(28,2)");
    Column importerFob = when(col("cif_importer_usd").isNull(), col("fob_importer_usd"))
        .when(col("fob_importer_usd").isNull(), cifAsFob)
        .otherwise(cifAsFob.plus(col("fob_importer_usd")).cast("decimal(28,2)"));
    return cells
        .join(broadcast(factors), new String[] {"exporter_iso3", "importer_iso3"}, "left")
        .withColumn("cif_fob_factor", factor)
        .withColumn("factor_source", coalesce(col("factor_source"), lit("default")))
        .withColumn("fob_from_importer_usd", importerFob)
        .withColumn("value_fob_usd", coalesce(col("fob_exporter_usd"), importerFob))
        .withColumn("side", when(col("fob_exporter_usd").isNotNull(), lit("exporter"))
            .otherwise(lit("importer")))
        .withColumn("net_kg", coalesce(col("kg_exporter"), col("kg_importer")));
  }
}

package org.dualflow.analytics;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.make_date;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.year;

import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * {@code supplier_share}: for each importer, month or year, list and tier (and all tiers
 * together, tier {@code ALL}), each supplier's share of the total, on a FOB basis from the best
 * available side of each flow. Greater China's share of Russia's CHPL supply is the headline.
 */
public final class SupplierShare {

  private SupplierShare() {
  }

  /**
   * @param supplierGroups group name to members, in the order a supplier is labelled by
   */
  public static Dataset<Row> from(Dataset<Row> fobFlows, Map<String, Set<String>> supplierGroups) {
    Dataset<Row> flows = fobFlows.select(col("period"), col("exporter_iso3"),
        col("importer_iso3"), col("list_id"), col("list_version"), col("tier"),
        col("value_fob_usd"), when(col("side").equalTo("importer"), col("value_fob_usd"))
            .as("from_importer"));
    Dataset<Row> withAll = flows.unionByName(flows.withColumn("tier", lit("ALL")));
    Dataset<Row> monthly = aggregate(withAll, "month");
    Dataset<Row> yearly = aggregate(withAll.withColumn("period",
        make_date(year(col("period")), lit(1), lit(1))), "year");
    Column group = lit("other");
    for (Map.Entry<String, Set<String>> g : supplierGroups.entrySet()) {
      group = when(col("exporter_iso3").isin(g.getValue().toArray()), lit(g.getKey()))
          .otherwise(group);
    }
    return monthly.unionByName(yearly)
        .withColumn("total_fob_usd", sum("value_fob_usd").over(Window.partitionBy(
            "period_type", "period", "importer_iso3", "list_id", "list_version", "tier")))
        .withColumn("share", col("value_fob_usd").cast("double")
            .divide(col("total_fob_usd").cast("double")))
        .withColumn("supplier_group", group);
  }

  private static Dataset<Row> aggregate(Dataset<Row> flows, String periodType) {
    return flows.groupBy("period", "importer_iso3", "exporter_iso3", "list_id", "list_version",
            "tier")
        .agg(sum("value_fob_usd").as("value_fob_usd"),
            sum("from_importer").as("value_from_importer_side_usd"))
        .withColumn("period_type", lit(periodType));
  }
}

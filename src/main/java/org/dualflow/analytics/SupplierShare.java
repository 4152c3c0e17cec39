package org.dualflow.analytics;

import static org.apache.spark.sql.functions.array_distinct;
import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.flatten;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.make_date;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.trunc;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.year;

import java.util.List;
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
 *
 * <p>The denominator is whoever reported: a supplier whose month is not covered yet (neither it
 * nor the importer reported) is missing from it, which raises everyone else's share. So every
 * row says whether the period is covered for all the importer's expected suppliers and names
 * those that are not ({@code missing_suppliers}): a share over an incomplete period is an upper
 * bound for the suppliers present, not a share.
 */
public final class SupplierShare {

  private SupplierShare() {
  }

  /**
   * @param supplierGroups group name to members, in the order a supplier is labelled by
   * @param coverage the {@link Coverage} table
   */
  public static Dataset<Row> from(Dataset<Row> fobFlows, Map<String, Set<String>> supplierGroups,
      Dataset<Row> coverage) {
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
        .withColumn("supplier_group", group)
        .join(broadcast(periodCoverage(fobFlows, coverage)),
            new String[] {"period_type", "period", "importer_iso3"}, "left")
        .withColumn("is_period_covered", coalesce(col("is_period_covered"), lit(false)));
  }

  /**
   * Per importer, month and year: whether every expected supplier (an exporter with a flow to
   * the importer anywhere in the warehouse) is covered in every month of the period, and which
   * are not. A year is covered only when all its twelve months are.
   */
  static Dataset<Row> periodCoverage(Dataset<Row> fobFlows, Dataset<Row> coverage) {
    Dataset<Row> months = Coverage.ofPairSets(fobFlows.select("exporter_iso3", "importer_iso3")
            .distinct(), List.of("importer_iso3"), coverage)
        .withColumn("missing_suppliers",
            expr("transform(missing_pairs, p -> substring_index(p, '>', 1))"));
    Dataset<Row> years = months
        .groupBy(col("importer_iso3"), trunc(col("period"), "year").as("period"))
        .agg(count(when(col("is_covered"), lit(1))).as("months_covered"),
            array_sort(array_distinct(flatten(collect_list(col("missing_suppliers")))))
                .as("missing_suppliers"))
        .select(lit("year").as("period_type"), col("period"), col("importer_iso3"),
            col("months_covered").equalTo(12).as("is_period_covered"),
            col("missing_suppliers"));
    return months.select(lit("month").as("period_type"), col("period"), col("importer_iso3"),
            col("is_covered").as("is_period_covered"), col("missing_suppliers"))
        .unionByName(years);
  }

  private static Dataset<Row> aggregate(Dataset<Row> flows, String periodType) {
    return flows.groupBy("period", "importer_iso3", "exporter_iso3", "list_id", "list_version",
            "tier")
        .agg(sum("value_fob_usd").as("value_fob_usd"),
            sum("from_importer").as("value_from_importer_side_usd"))
        .withColumn("period_type", lit(periodType));
  }
}

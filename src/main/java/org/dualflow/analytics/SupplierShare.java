package org.dualflow.analytics;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.make_date;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.year;

import java.sql.Date;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

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
   * @param coverage the coverage of the pairs of {@code fobFlows}
   */
  public static Dataset<Row> from(Dataset<Row> fobFlows, Map<String, Set<String>> supplierGroups,
      PairCoverage coverage) {
    // Each flow counts in its month and its year, under its tier and under ALL: four rows,
    // summed at once. Every step below groups by keys that include the year, so one shuffle of
    // the flows by year serves the sums, the totals and the files of the table (a task holds
    // whole years, so each month is written once). Before, the sums, the totals and the write
    // shuffled the shares three times.
    Column periods = explode(array(
        struct(lit("month").as("period_type"), col("period").as("period")),
        struct(lit("year").as("period_type"),
            make_date(year(col("period")), lit(1), lit(1)).as("period"))));
    Dataset<Row> flows = fobFlows
        .select(year(col("period")).as("year"), col("period"), col("exporter_iso3"),
            col("importer_iso3"), col("list_id"), col("list_version"), col("tier"),
            col("value_fob_usd"), when(col("side").equalTo("importer"), col("value_fob_usd"))
                .as("from_importer"))
        .repartition(col("year"))
        .select(col("year"), periods.as("p"), col("exporter_iso3"), col("importer_iso3"),
            col("list_id"), col("list_version"), explode(array(col("tier"), lit("ALL")))
                .as("tier"), col("value_fob_usd"), col("from_importer"));
    Column group = lit("other");
    for (Map.Entry<String, Set<String>> g : supplierGroups.entrySet()) {
      group = when(col("exporter_iso3").isin(g.getValue().toArray()), lit(g.getKey()))
          .otherwise(group);
    }
    // The month first, so that the rows sorted for the totals are sorted for the write too.
    WindowSpec total = Window.partitionBy("period", "period_type", "importer_iso3", "list_id",
        "list_version", "tier", "year");
    return flows
        .groupBy(col("p.period").as("period"), col("p.period_type").as("period_type"),
            col("importer_iso3"), col("exporter_iso3"), col("list_id"), col("list_version"),
            col("tier"), col("year"))
        .agg(sum("value_fob_usd").as("value_fob_usd"),
            sum("from_importer").as("value_from_importer_side_usd"))
        .withColumn("total_fob_usd", sum("value_fob_usd").over(total))
        // A total of zero (zero-valued records only) has no shares.
        .withColumn("share", when(col("total_fob_usd").gt(0), col("value_fob_usd")
            .cast("double").divide(col("total_fob_usd").cast("double"))))
        .withColumn("supplier_group", group)
        .join(broadcast(periodCoverage(coverage)),
            new String[] {"period_type", "period", "importer_iso3"}, "left")
        .withColumn("is_period_covered", coalesce(col("is_period_covered"), lit(false)))
        .drop("year");
  }

  /**
   * Per importer, month and year: whether every expected supplier (an exporter with a flow to
   * the importer anywhere in the warehouse) is covered in every month of the period, and which
   * are not. A year is covered only when all its twelve months are. A local relation.
   */
  public static Dataset<Row> periodCoverage(PairCoverage coverage) {
    List<Row> rows = new ArrayList<>();
    for (String importer : coverage.importers()) {
      List<String[]> pairs = new ArrayList<>();
      coverage.suppliersOf(importer).forEach(e -> pairs.add(new String[] {e, importer}));
      Map<Integer, Set<String>> missingInYear = new TreeMap<>();
      Map<Integer, Integer> coveredMonths = new TreeMap<>();
      for (Date month : coverage.months()) {
        Set<String> missing = new TreeSet<>();
        coverage.missing(pairs, month).forEach(p -> missing.add(p.substring(0, p.indexOf('>'))));
        rows.add(RowFactory.create("month", month, importer, missing.isEmpty(),
            missing.toArray(String[]::new)));
        int year = month.toLocalDate().getYear();
        missingInYear.computeIfAbsent(year, y -> new TreeSet<>()).addAll(missing);
        coveredMonths.merge(year, missing.isEmpty() ? 1 : 0, Integer::sum);
      }
      missingInYear.forEach((year, missing) -> rows.add(RowFactory.create("year",
          Date.valueOf(java.time.LocalDate.of(year, 1, 1)), importer,
          coveredMonths.get(year) == 12, missing.toArray(String[]::new))));
    }
    return coverage.local(rows, new StructType()
        .add("period_type", DataTypes.StringType, false)
        .add("period", DataTypes.DateType, false)
        .add("importer_iso3", DataTypes.StringType, false)
        .add("is_period_covered", DataTypes.BooleanType, false)
        .add("missing_suppliers", DataTypes.createArrayType(DataTypes.StringType, false), false));
  }
}

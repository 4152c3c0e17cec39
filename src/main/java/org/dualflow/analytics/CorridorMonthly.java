package org.dualflow.analytics;

import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.dualflow.reference.Corridors;

/**
 * {@code corridor_monthly}: per month, corridor, list, tier and HS6, the FOB-basis value and
 * weight of the flows along the corridor (corridors are data: {@code corridors.csv}), with the
 * exporter-reported and importer-reported parts kept apart beside it.
 */
public final class CorridorMonthly {

  static final StructType PAIRS = new StructType()
      .add("corridor_id", DataTypes.StringType, false)
      .add("corridor_family", DataTypes.StringType, false)
      .add("corridor_member", DataTypes.StringType, true)
      .add("exporter_iso3", DataTypes.StringType, false)
      .add("importer_iso3", DataTypes.StringType, false);

  private CorridorMonthly() {
  }

  /** Every (corridor, exporter, importer) pair; a flow inside one country is never a pair. */
  static Dataset<Row> pairs(SparkSession spark, Corridors corridors) {
    List<Row> rows = new ArrayList<>();
    for (Corridors.Corridor c : corridors.all()) {
      for (String e : c.exporters()) {
        for (String i : c.importers()) {
          if (!e.equals(i)) {
            rows.add(RowFactory.create(c.id(), c.family(), c.member(), e, i));
          }
        }
      }
    }
    return spark.createDataFrame(rows, PAIRS);
  }

  /**
   * Per corridor and month of the warehouse, whether it is covered: every expected pair of
   * the corridor ({@link PairCoverage#expected}: it trades anywhere in the warehouse, or its
   * exporter reports) is covered that month. A local relation.
   */
  public static Dataset<Row> coverage(PairCoverage pairs, Corridors corridors) {
    Map<String, List<String[]>> byCorridor = new LinkedHashMap<>();
    for (Corridors.Corridor c : corridors.all()) {
      List<String[]> expected = byCorridor.computeIfAbsent(c.id(), k -> new ArrayList<>());
      for (String e : c.exporters()) {
        for (String i : c.importers()) {
          if (pairs.expected(e, i)) {
            expected.add(new String[] {e, i});
          }
        }
      }
    }
    return pairs.ofPairSets("corridor_id", byCorridor);
  }

  /**
   * @param corridorCoverage {@link #coverage}
   */
  public static Dataset<Row> from(Dataset<Row> fobFlows, Corridors corridors,
      Dataset<Row> corridorCoverage) {
    return fobFlows.join(broadcast(pairs(fobFlows.sparkSession(), corridors)),
            new String[] {"exporter_iso3", "importer_iso3"})
        .groupBy("period", "corridor_id", "corridor_family", "corridor_member", "list_id",
            "list_version", "tier", "hs6")
        .agg(sum("value_fob_usd").as("value_fob_usd"),
            sum("net_kg").as("net_kg"),
            sum("fob_exporter_usd").as("exporter_reported_fob_usd"),
            sum("cif_importer_usd").as("importer_reported_cif_usd"),
            sum(when(col("side").equalTo("importer"), col("value_fob_usd")))
                .as("value_from_importer_side_usd"),
            count(lit(1)).as("flows"),
            array_sort(collect_set(col("exporter_iso3"))).as("exporters"))
        .join(broadcast(corridorCoverage.select("corridor_id", "period", "is_covered",
            "missing_pairs")), new String[] {"corridor_id", "period"}, "left")
        .withColumn("is_covered", coalesce(col("is_covered"), lit(false)));
  }
}

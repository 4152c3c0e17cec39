package org.dualflow.analytics;

import static org.apache.spark.sql.functions.col;

import java.sql.Date;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The {@link Coverage} of flow pairs, on the driver: which country reported which side in which
 * month, which pairs trade at all, and from these, month by month, whether the pairs a figure
 * adds up (a corridor's, a hub's series, an importer's suppliers) are all covered.
 *
 * <p>It is small (countries × 2 sides × months, and the pairs that trade) and every analytics
 * table asks it, so it is collected once and its answers go back to Spark as local relations:
 * joining them costs no Spark job, where computing them in Spark cost dozens of small ones.
 */
public final class PairCoverage {

  private final SparkSession spark;
  private final List<Date> months;
  private final Set<String> exporterMonths = new HashSet<>();
  private final Set<String> importerMonths = new HashSet<>();
  private final Set<String> exportReporters = new HashSet<>();
  private final Set<String> seenPairs = new HashSet<>();

  private PairCoverage(SparkSession spark, List<Date> months) {
    this.spark = spark;
    this.months = months;
  }

  /**
   * @param coverage the {@link Coverage} table
   * @param fobFlows the flows whose pairs count as trading ({@code exporter_iso3},
   *     {@code importer_iso3})
   */
  public static PairCoverage of(Dataset<Row> coverage, Dataset<Row> fobFlows) {
    List<Date> months = new ArrayList<>();
    coverage.select("period").distinct().orderBy("period").collectAsList()
        .forEach(r -> months.add(r.getDate(0)));
    PairCoverage pc = new PairCoverage(coverage.sparkSession(), months);
    for (Row r : Coverage.reportingSides(coverage).collectAsList()) {
      String key = r.getString(0) + "|" + r.getDate(2);
      (r.getString(1).equals("exporter") ? pc.exporterMonths : pc.importerMonths).add(key);
    }
    coverage.filter(col("flow").equalTo("export").and(col("is_shipment_level").unary_$bang()))
        .select("reporter_iso3").distinct().collectAsList()
        .forEach(r -> pc.exportReporters.add(r.getString(0)));
    fobFlows.select("exporter_iso3", "importer_iso3").distinct().collectAsList()
        .forEach(r -> pc.seenPairs.add(r.getString(0) + ">" + r.getString(1)));
    return pc;
  }

  List<Date> months() {
    return months;
  }

  /** The exporter reported its exports, or the importer its imports, monthly that month. */
  boolean covered(String exporter, String importer, Date month) {
    return exporterMonths.contains(exporter + "|" + month)
        || importerMonths.contains(importer + "|" + month);
  }

  /**
   * Whether a figure over the pair must cover it: the pair trades anywhere in the warehouse,
   * or its exporter reports its exports at all (so that its silence towards the importer is a
   * known zero, or a gap when it stops reporting). A pair nobody reports that never trades in
   * the data (Macao to Kazakhstan, say) is no part of any figure and makes none incomplete.
   */
  boolean expected(String exporter, String importer) {
    return !exporter.equals(importer) && (seenPairs.contains(exporter + ">" + importer)
        || exportReporters.contains(exporter));
  }

  /** The exporters with a flow to {@code importer} anywhere in the warehouse. */
  Set<String> suppliersOf(String importer) {
    Set<String> out = new TreeSet<>();
    for (String p : seenPairs) {
      if (p.endsWith(">" + importer)) {
        out.add(p.substring(0, p.indexOf('>')));
      }
    }
    return out;
  }

  /** The importers with a flow anywhere in the warehouse. */
  Set<String> importers() {
    Set<String> out = new TreeSet<>();
    seenPairs.forEach(p -> out.add(p.substring(p.indexOf('>') + 1)));
    return out;
  }

  /** The pairs of {@code pairs} not covered in {@code month}, as EXP>IMP, sorted. */
  List<String> missing(Collection<String[]> pairs, Date month) {
    List<String> out = new ArrayList<>();
    for (String[] p : pairs) {
      if (!covered(p[0], p[1], month)) {
        out.add(p[0] + ">" + p[1]);
      }
    }
    out.sort(null);
    return out;
  }

  /**
   * Per key and month: how many pairs the key's figure adds up, how many are covered, which are
   * not ({@code missing_pairs}, EXP>IMP sorted) and whether all are ({@code is_covered}). A key
   * without pairs has no rows (nothing could show its figure: never covered).
   *
   * @param keyName the key column's name
   * @param pairsByKey each key's pairs {exporter, importer}
   */
  Dataset<Row> ofPairSets(String keyName, Map<String, ? extends Collection<String[]>> pairsByKey) {
    List<Row> rows = new ArrayList<>();
    pairsByKey.forEach((key, pairs) -> {
      if (pairs.isEmpty()) {
        return;
      }
      for (Date m : months) {
        List<String> missing = missing(pairs, m);
        rows.add(RowFactory.create(key, m, (long) pairs.size(),
            (long) (pairs.size() - missing.size()), missing.toArray(String[]::new),
            missing.isEmpty()));
      }
    });
    StructType schema = new StructType().add(keyName, DataTypes.StringType, false)
        .add("period", DataTypes.DateType, false)
        .add("pairs", DataTypes.LongType, false)
        .add("pairs_covered", DataTypes.LongType, false)
        .add("missing_pairs", DataTypes.createArrayType(DataTypes.StringType, false), false)
        .add("is_covered", DataTypes.BooleanType, false);
    return local(rows, schema);
  }

  /** Rows made on the driver, as a local relation. */
  Dataset<Row> local(List<Row> rows, StructType schema) {
    return spark.createDataFrame(rows, schema);
  }
}

package org.dualflow.classify;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.when;

import java.util.List;
import java.util.TreeSet;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Classification: countable trade records joined with the match table, one output row per
 * (record, list) match, the longest prefix winning within each list.
 *
 * <p>Because the match table is prefix-free per list and edition ({@link MatchTable}), a record
 * meets at most one row of each list, so a broadcast hash join on (edition, code prefix) is
 * enough: no shuffle and no per-record grouping. When the lists hold prefixes of several
 * lengths, each record is tried at each of those lengths (an explode over a handful of values).
 */
public final class Classifier {

  static final StructType MATCH_SCHEMA = new StructType()
      .add("m_hs_edition", DataTypes.StringType, false)
      .add("m_prefix", DataTypes.StringType, false)
      .add("list_id", DataTypes.StringType, false)
      .add("list_version", DataTypes.StringType, false)
      .add("list_code", DataTypes.StringType, false)
      .add("tier", DataTypes.StringType, false)
      .add("is_hs_mapped", DataTypes.BooleanType, false)
      .add("m_exact", DataTypes.BooleanType, false);

  private Classifier() {
  }

  /**
   * @param records trade records; only rows with {@code is_countable} are classified
   * @return the matching records with {@code hs6_reported}, {@code hs6} (in the list's edition),
   *     {@code is_hs_mapped}, {@code list_id}, {@code list_version}, {@code list_code} and
   *     {@code tier}; all other columns of {@code records} except {@code hs6} are kept
   */
  public static Dataset<Row> classify(Dataset<Row> records, List<MatchRow> matchTable) {
    List<Row> rows = matchTable.stream()
        .map(m -> RowFactory.create(m.hsEdition(), m.prefix(), m.listId(), m.listVersion(),
            m.listCode(), m.tier(), m.hsMapped(), m.exactLength()))
        .toList();
    Dataset<Row> matches = records.sparkSession().createDataFrame(rows, MATCH_SCHEMA);

    TreeSet<Integer> lengths = new TreeSet<>();
    matchTable.forEach(m -> lengths.add(m.prefix().length()));

    Dataset<Row> countable = records.filter(col("is_countable"))
        .withColumnRenamed("hs6", "hs6_reported");
    Dataset<Row> keyed;
    if (lengths.size() <= 1) {
      int only = lengths.isEmpty() ? 6 : lengths.first();
      keyed = countable.withColumn("m_key", prefixOfLength(only));
    } else {
      Column[] candidates = lengths.stream().map(Classifier::prefixOfLength)
          .toArray(Column[]::new);
      keyed = countable.withColumn("m_key",
          explode(org.apache.spark.sql.functions.array(candidates)));
    }
    Dataset<Row> joined = keyed.join(broadcast(matches),
        col("m_key").equalTo(col("m_prefix")).and(col("hs_edition").equalTo(col("m_hs_edition")))
            .and(not(col("m_exact")).or(length(col("hs_code")).equalTo(length(col("m_prefix"))))));
    return joined
        .withColumn("hs6", when(length(col("list_code")).geq(6), substring(col("list_code"), 1, 6))
            .otherwise(col("hs6_reported")))
        .drop("m_key", "m_prefix", "m_hs_edition", "m_exact");
  }

  /** The first {@code n} digits of hs_code, or null when the code is shorter. */
  private static Column prefixOfLength(int n) {
    return when(length(col("hs_code")).geq(n), substring(col("hs_code"), 1, n))
        .otherwise(lit(null).cast(DataTypes.StringType));
  }
}

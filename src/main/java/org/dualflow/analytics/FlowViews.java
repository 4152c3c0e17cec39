package org.dualflow.analytics;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.median;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.sql.Date;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.dualflow.Periods;

/**
 * The views of {@code flows_monthly} the analytics tables share.
 *
 * <ol>
 *   <li>{@link #cells}: one row per flow cell (month, exporter, importer, list, tier, HS6) with
 *       the exporter-reported and the importer-reported values side by side, each side from one
 *       source: for each month, exporter, importer and HS6, the preferred source that reported
 *       that side of that HS6, so that China's exports are not counted from Comtrade and from
 *       China customs at once, and a code only the second source reports is still counted.</li>
 *   <li>{@link #cifFobFactors}: CIF/FOB factors estimated over the factor window only (the
 *       pre-war baseline by default): per exporter-importer pair and HS chapter, and per pair,
 *       the median ratio of the importer's CIF value to the exporter's FOB value over the cells
 *       both report there, kept within the factor range.</li>
 *   <li>{@link #fobFlows}: the cells with a FOB-basis value from the best side: the exporter's
 *       FOB when it reported, else the importer's CIF divided by a factor: the pair and
 *       chapter's, else the pair's, else the default. FOB and CIF are never added.</li>
 * </ol>
 *
 * <p>The factors come from a window of their own because {@code mirror_gaps} judges the gap
 * between the two sides: a factor taken from the very months it judges would turn a systematic
 * post-war gap (diversion, under-declaration) into freight and report it as no gap at all.
 *
 * <p>The cells take one shuffle, by month: the choice of source is a window over (month,
 * exporter, importer, list version, HS6), and the cells' aggregation groups within those same
 * partitions.
 */
public final class FlowViews {

  static final List<String> CELL = List.of("period", "exporter_iso3", "importer_iso3",
      "list_id", "list_version", "tier", "hs6");

  /** The columns that say which CIF/FOB factor a cell was given, and why. */
  static final List<String> FACTOR = List.of("cif_fob_factor", "factor_source",
      "factor_window", "factor_cells", "factor_capped");

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
    Column exporterSide = col("reported_by").equalTo("exporter");
    Column importerSide = col("reported_by").equalTo("importer");
    Column choice = sourceChoice(priority);
    // Not per (month, exporter, importer): the preferred source's codes of a month would hide
    // every code the other source reports and it does not; and per list version, for the same
    // reason between versions that match a code through different sources.
    WindowSpec cell = Window.partitionBy("period", "exporter_iso3", "importer_iso3", "list_id",
        "list_version", "hs6");
    Column[] keys = new Column[CELL.size() + 2];
    for (int i = 0; i < CELL.size(); i++) {
      keys[i] = col(CELL.get(i));
    }
    // Functions of (month, exporter, importer, list version, HS6): grouping by them splits no
    // cell.
    keys[CELL.size()] = col("best_exporter");
    keys[CELL.size() + 1] = col("best_importer");
    // Shuffled by month alone, which the window and the grouping below both accept: the cells,
    // and every table derived from them row by row or by groups that include the month, then
    // stay one partition per month, and are written one file per month without a shuffle.
    return flowsMonthly.repartition(col("period"))
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

  /**
   * The row's source as a value whose minimum is the preferred source: its place in
   * {@code priority} (field {@code r}; a source missing from it ranks after every listed one)
   * and its name (field {@code s}, which also orders unlisted sources by name).
   */
  static Column sourceChoice(List<String> priority) {
    Column rank = lit(priority.size());
    for (int i = priority.size() - 1; i >= 0; i--) {
      rank = when(col("source").equalTo(priority.get(i)), lit(i)).otherwise(rank);
    }
    return struct(rank.as("r"), col("source").as("s"));
  }

  /**
   * The CIF/FOB factors the factor window supports: a row per exporter-importer pair and HS
   * chapter ({@code hs_chapter}, the first two digits of HS6; {@code factor_source}
   * {@code pair_chapter}) and a row per pair ({@code hs_chapter} null; {@code pair}) that has at
   * least {@link AnalyticsSettings#minCellsForFactor()} cells both sides report in the window,
   * with the columns {@link #FACTOR}. Thinner ones have no row: {@link #fobFlows} falls back.
   *
   * <p>The estimate is the median CIF/FOB ratio of those cells, clamped to
   * [{@link AnalyticsSettings#factorMin()}, {@link AnalyticsSettings#factorMax()}]. A clamped
   * median is still the pair's own estimate (its cells say freight is at least or at most the
   * bound; the rest of the ratio is not freight), so it keeps its source and is flagged
   * {@code factor_capped} instead of falling back to a factor the cells contradict more.
   */
  public static Dataset<Row> cifFobFactors(Dataset<Row> cells, AnalyticsSettings settings) {
    Periods window = settings.factorWindow();
    Column inWindow = col("period").between(Date.valueOf(window.from().atDay(1)),
        Date.valueOf(window.to().atDay(1)));
    Dataset<Row> both = cells.filter(inWindow.and(col("fob_exporter_usd").gt(0))
            .and(col("cif_importer_usd").gt(0)))
        .select(col("period"), col("exporter_iso3"), col("importer_iso3"), col("hs6"),
            TransitSignals.ratio(col("cif_importer_usd"), col("fob_exporter_usd")).as("ratio"))
        .distinct();      // the same cell under several list versions counts once
    return estimates(both.withColumn("hs_chapter", substring(col("hs6"), 1, 2)),
            "pair_chapter", settings)
        .unionByName(estimates(both.withColumn("hs_chapter", lit(null).cast("string")),
            "pair", settings));
  }

  /** The median ratio per (exporter, importer, hs_chapter) with enough cells, clamped. */
  private static Dataset<Row> estimates(Dataset<Row> ratios, String source,
      AnalyticsSettings settings) {
    Column median = col("median_ratio");
    Column low = lit(settings.factorMin());
    Column high = lit(settings.factorMax());
    return ratios.groupBy("exporter_iso3", "importer_iso3", "hs_chapter")
        .agg(median(col("ratio")).as("median_ratio"), count(lit(1)).as("factor_cells"))
        .filter(col("factor_cells").geq(settings.minCellsForFactor()))
        .select(col("exporter_iso3"), col("importer_iso3"), col("hs_chapter"),
            least(greatest(median, low), high).as("cif_fob_factor"),
            lit(source).as("factor_source"),
            lit(settings.factorWindow().toString()).as("factor_window"),
            col("factor_cells"),
            median.lt(low).or(median.gt(high)).as("factor_capped"));
  }

  /**
   * Every flow cell with a FOB-basis value from the best side, and the columns {@link #FACTOR}
   * of the factor its importer's CIF value is divided by: the pair and chapter's estimate, else
   * the pair's, else {@link AnalyticsSettings#defaultCifFob()}, 1.10, the IMF's conventional
   * CIF/FOB factor (used in its Direction of Trade Statistics to derive one side of a flow from
   * the other).
   */
  public static Dataset<Row> fobFlows(Dataset<Row> cells, Dataset<Row> factors,
      AnalyticsSettings settings) {
    // Split by factor_source, a constant of each half of cifFobFactors' union: the optimizer
    // then drops the other half instead of computing both for each join.
    Column estimate = factorStruct(FACTOR.stream().map(c -> col(c)).toArray(Column[]::new));
    Dataset<Row> byChapter = factors.filter(col("factor_source").equalTo("pair_chapter"))
        .select(col("exporter_iso3"), col("importer_iso3"), col("hs_chapter"),
            estimate.as("chapter_factor"));
    Dataset<Row> byPair = factors.filter(col("factor_source").equalTo("pair"))
        .select(col("exporter_iso3"), col("importer_iso3"), estimate.as("pair_factor"));
    Column byDefault = factorStruct(lit(settings.defaultCifFob().doubleValue()), lit("default"),
        lit(settings.factorWindow().toString()), lit(null).cast("bigint"), lit(false));
    Column factor = col("cif_fob_factor");
    // An importer that reports FOB (some do) is taken as it is; CIF is divided by the factor.
    Column cifAsFob = col("cif_importer_usd").divide(factor).cast("decimal(28,2)");
    Column importerFob = when(col("cif_importer_usd").isNull(), col("fob_importer_usd"))
        .when(col("fob_importer_usd").isNull(), cifAsFob)
        .otherwise(cifAsFob.plus(col("fob_importer_usd")).cast("decimal(28,2)"));
    Dataset<Row> withFactor = cells
        .withColumn("hs_chapter", substring(col("hs6"), 1, 2))
        .join(broadcast(byChapter), new String[] {"exporter_iso3", "importer_iso3",
            "hs_chapter"}, "left")
        .join(broadcast(byPair), new String[] {"exporter_iso3", "importer_iso3"}, "left")
        .withColumn("factor", coalesce(col("chapter_factor"), col("pair_factor"), byDefault));
    for (String c : FACTOR) {
      withFactor = withFactor.withColumn(c, col("factor." + c));
    }
    return withFactor.drop("factor", "chapter_factor", "pair_factor", "hs_chapter")
        .withColumn("fob_from_importer_usd", importerFob)
        .withColumn("value_fob_usd", coalesce(col("fob_exporter_usd"), importerFob))
        .withColumn("side", when(col("fob_exporter_usd").isNotNull(), lit("exporter"))
            .otherwise(lit("importer")))
        .withColumn("net_kg", coalesce(col("kg_exporter"), col("kg_importer")));
  }

  /** The factor columns {@link #FACTOR} as one value, so that a fallback takes them all. */
  private static Column factorStruct(Column... values) {
    Column[] named = new Column[FACTOR.size()];
    for (int i = 0; i < named.length; i++) {
      named[i] = values[i].as(FACTOR.get(i));
    }
    return struct(named);
  }
}

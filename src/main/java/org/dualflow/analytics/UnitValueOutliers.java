package org.dualflow.analytics;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lag;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log10;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.pow;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * {@code unit_value_outliers}: every monthly export or import record the flow tables count, its
 * US dollars per kilogram and per supplementary unit (pieces, litres, ...) against the medians of
 * its group, and a robust score for each.
 *
 * <p>Which records: only those the other analytics count. Monthly export and import lines only
 * (annual records cover months, and Comtrade's re-export and re-import lines are "of which"
 * parts of its exports and imports: they would be their own records twice). And only the
 * source chosen for that side of the flow ({@link FlowViews#cells}): China's exports reported
 * by Comtrade and by China customs are the same shipments, and counting both would put each
 * price twice into its median.
 *
 * <p>Groups: HS6, month and reporting side, and for units also the unit. An exporter reports
 * a FOB price and an importer a CIF price (freight and insurance included): two statistics, so
 * a CIF price is never scored against FOB prices. Pieces are compared with pieces only.
 *
 * <p>Unit values spread over orders of magnitude, so the score is taken on their logarithm:
 * z = 0.6745 (x - median) / MAD, x = log10(USD per kg or per unit), MAD the median absolute
 * deviation (Iglewicz and Hoaglin's modified z-score). Records under {@link #MIN_SCORED_KG} are
 * not scored per kilogram, and groups with fewer than {@link AnalyticsSettings#minOutlierGroup()}
 * counted records get no score. A low outlier (cheap per kilogram or per piece) is how
 * undervalued or misdeclared goods show; per piece it shows goods declared at their real
 * weight but a fraction of their number's worth, which the price per kilogram cannot see.
 *
 * <p>A record is listed when it has a weight or a supplementary quantity: one with a quantity
 * but no weight is scored per unit only (its per-kilogram columns are null), one with neither
 * is left out, as there is nothing to price it by.
 *
 * <p>The MAD is floored at {@link #MIN_MAD}: when most of a group shares one price (identical
 * or rounding-close unit values, common in aggregated statistics) the raw MAD is zero or
 * nearly so, and every cent of difference would score in the millions. With the floor such a
 * group flags only records more than about 27% off its median.
 */
public final class UnitValueOutliers {

  /** log10 units: 0.02 is a factor of 1.047, so a 3.5 score needs a factor of 1.27. */
  static final double MIN_MAD = 0.02;

  /**
   * Most sources give whole kilograms, so below 10 kg rounding alone moves a unit value by 5%
   * or more (a 600-dollar flow "weighing" 1 kg). Such records are listed but neither scored nor
   * counted in their group's median per kilogram.
   */
  static final int MIN_SCORED_KG = 10;

  /**
   * Quantity units that are kilograms as the sources spell them (Comtrade's abbreviation and
   * its unit code 8, China customs' 千克, Russian кг). Comtrade gives a quantity in kilograms
   * for goods without a supplementary unit: it is the weight again, already scored per
   * kilogram, so it is not scored a second time as a "unit".
   */
  static final String[] KILOGRAM_UNITS = {"kg", "8", "千克", "кг"};

  /** One source's side of a flow, whatever list versions its records matched. */
  private static final String[] SIDE = {"period", "exporter_iso3", "importer_iso3", "hs6",
      "reported_by", "source"};

  /** One side of a flow cell of {@link FlowViews#cells}: its source is chosen per such key. */
  private static final String[] CELL_SIDE = {"period", "exporter_iso3", "importer_iso3",
      "list_id", "list_version", "hs6", "reported_by"};

  /** The output columns of one way of pricing a record. */
  private record Measure(String price, String median, String groupRecords, String z,
      String isOutlier, String direction) {
  }

  private static final Measure PER_KG = new Measure("usd_per_kg", "median_usd_per_kg",
      "group_records", "robust_z", "is_outlier", "direction");
  private static final Measure PER_UNIT = new Measure("usd_per_unit", "median_usd_per_unit",
      "unit_group_records", "robust_z_unit", "is_outlier_unit", "direction_unit");

  private UnitValueOutliers() {
  }

  /**
   * @param dualUseFlows {@code dual_use_flows}
   * @param priority the sources in order of preference, as {@link FlowViews#cells} takes them
   */
  public static Dataset<Row> from(Dataset<Row> dualUseFlows, List<String> priority,
      AnalyticsSettings settings) {
    Column hasWeight = col("net_kg").gt(0);
    Column hasUnits = col("qty").gt(0).and(col("qty_unit").isNotNull())
        .and(not(lower(trim(col("qty_unit"))).isin((Object[]) KILOGRAM_UNITS)));
    // Every window below and the table's files group by keys that include the
    // month: one shuffle by month serves them all (each then sorts within its partitions), and
    // the write finds the rows already one partition per month. Before, the sources were chosen
    // by a join with the cells, and each step shuffled the wide records again: five shuffles.
    Dataset<Row> monthly = dualUseFlows
        .filter(col("freq").equalTo("M").and(col("flow").isin("export", "import")))
        .repartition(col("period"));
    Dataset<Row> records = chosen(monthly, priority)
        .filter(col("value_usd").gt(0).and(hasWeight.or(hasUnits)))
        .select("record_id", "source", "source_file", "source_line", "period", "exporter_iso3",
            "importer_iso3", "reported_by", "hs6", "value_usd", "net_kg", "qty", "qty_unit");
    // Per unit first: its groups are the per-kilogram groups split by unit, so the records
    // sorted for it are already sorted for the per-kilogram groups, and, the month first, for
    // the write of the month's file: one sort for all three.
    Dataset<Row> perUnit = score(records, PER_UNIT, hasUnits, col("qty"), lit(true), settings,
        col("period"), col("hs6"), col("reported_by"), col("qty_unit"));
    return score(perUnit, PER_KG, hasWeight, col("net_kg"), col("net_kg").geq(MIN_SCORED_KG),
        settings, col("period"), col("hs6"), col("reported_by"));
  }

  /**
   * The monthly records from a source {@link FlowViews#cells} chooses for their side of the
   * flow, once each: the preferred source among those that reported that side of the cell
   * (month, exporter, importer, list version, HS6), in at least one list version the source
   * has records of there. A record outside every cell (a key null) is not chosen.
   *
   * <p>A record has a row per list version it matched, all in one partition of the window
   * over its source's side, so that window also keeps the first row of each record (ordered
   * by record, its rows are adjacent). Before, a {@code distinct} over the thirteen columns
   * kept one, in two hash aggregations of the wide rows.
   */
  static Dataset<Row> chosen(Dataset<Row> monthly, List<String> priority) {
    WindowSpec cellSide = Window.partitionBy(columns(CELL_SIDE));
    WindowSpec sourceSide = Window.partitionBy(columns(SIDE))
        .orderBy("record_id", "list_id", "list_version");
    Column inACell = col("reported_by").isin("exporter", "importer");
    for (String key : SIDE) {
      inACell = inACell.and(col(key).isNotNull());
    }
    return monthly.filter(inACell)
        .withColumn("best_source", min(FlowViews.sourceChoice(priority)).over(cellSide)
            .getField("s"))
        .withColumn("is_chosen", max(col("source").equalTo(col("best_source")))
            .over(sourceSide.rowsBetween(Window.unboundedPreceding(),
                Window.unboundedFollowing())))
        .withColumn("previous_record", lag(col("record_id"), 1).over(sourceSide))
        .filter(col("is_chosen").and(not(col("record_id").eqNullSafe(col("previous_record")))))
        .drop("best_source", "is_chosen", "previous_record");
  }

  private static Column[] columns(String[] names) {
    return java.util.Arrays.stream(names).map(c -> col(c)).toArray(Column[]::new);
  }

  /**
   * Adds {@code m}'s columns: the price of each record {@code priced} (value / {@code amount}),
   * its group's median and counted records, and a score for the records {@code inStatistics}
   * when the group has enough of them. Records not priced get nulls and no flag.
   */
  private static Dataset<Row> score(Dataset<Row> records, Measure m, Column priced,
      Column amount, Column inStatistics, AnalyticsSettings settings, Column... groupBy) {
    WindowSpec group = Window.partitionBy(groupBy);
    Dataset<Row> withStats = records
        .withColumn(m.price(), when(priced, TransitSignals.ratio(col("value_usd"), amount)))
        .withColumn("x", log10(col(m.price())))
        .withColumn("counted_x", when(inStatistics, col("x")))  // null: out of the statistics
        .withColumn("stats", MedianAbsoluteDeviation.of(col("counted_x")).over(group))
        .withColumn("median_x", col("stats.median"))
        .withColumn("counted", col("stats.count"))
        .withColumn("mad", col("stats.mad"));
    Column scored = col("counted_x").isNotNull()
        .and(col("counted").geq(settings.minOutlierGroup()));
    Column z = lit(0.6745).multiply(col("x").minus(col("median_x")))
        .divide(greatest(col("mad"), lit(MIN_MAD)));
    Column flagged = col(m.isOutlier());
    return withStats
        .withColumn(m.median(), when(priced, pow(lit(10.0), col("median_x"))))
        .withColumn(m.groupRecords(), when(priced, col("counted")))
        .withColumn(m.z(), when(scored, z))
        .withColumn(m.isOutlier(), when(scored, abs(z).gt(settings.outlierScore()))
            .otherwise(lit(false)))
        .withColumn(m.direction(), when(flagged.and(z.lt(0)), lit("low"))
            .when(flagged, lit("high")))
        .drop("x", "counted_x", "stats", "median_x", "counted", "mad");
  }
}

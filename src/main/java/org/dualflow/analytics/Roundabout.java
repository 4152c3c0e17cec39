package org.dualflow.analytics;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.dualflow.Periods;

/**
 * {@code roundabout}: the "Eurasian roundabout" of Chupilkin, Javorcik and Plekhanov (EBRD
 * Working Paper 281, 2023). Per origin group, transit hub, list, tier and month: the group's
 * exports to the hub and the hub's exports to Russia of the listed goods, and the same of the
 * <em>control</em> goods (the other goods of the same HS chapters), each indexed to its
 * pre-war baseline; the difference of the indices is what the list, not the hub's trade in
 * general, did.
 *
 * <p>Both legs are taken where covered only, as in {@link TransitSignals}, and on a FOB basis
 * from the best side of each flow; the control goods go through the same source choice and
 * CIF/FOB factors as the listed ones. Tier {@code ALL} is every tier together, its control the
 * unlisted goods of every chapter the list touches.
 */
public final class Roundabout {

  static final String[] KEY = {"origin_group", "hub_iso3", "list_id", "list_version", "tier"};

  /** The four series: listed and control goods, on each leg. */
  static final List<String> SERIES = List.of("listed_to_hub", "listed_to_russia",
      "control_to_hub", "control_to_russia");

  private Roundabout() {
  }

  /**
   * The control goods as {@code flows_monthly} rows: the countable monthly export and import
   * records between {@code countries} that the list version did not match, in the chapters its
   * matches fall in, summed per chapter. {@code hs6} holds the chapter and four zeros
   * ({@code 850000}), so that the cells and factors of {@link FlowViews} apply unchanged (they
   * read the chapter off its first two digits). {@code tier} is null: the same control serves
   * every tier whose chapters hold it, and {@link #byTier} attaches them once the cells and
   * their FOB values are found (before, each row went through the cells once per tier).
   */
  public static Dataset<Row> controlFlows(Dataset<Row> tradeRecords, Dataset<Row> dualUseFlows,
      Dataset<Row> chapters, Set<String> countries) {
    Column followed = col("freq").equalTo("M").and(col("flow").isin("export", "import"))
        .and(col("exporter_iso3").isin(countries.toArray()))
        .and(col("importer_iso3").isin(countries.toArray()));
    // A match row carries its record's columns: only the matches of the records followed can
    // take a record out, and only they are shuffled into the anti-join. A record matches one
    // entry per list version, so these keys are unique without a distinct.
    Dataset<Row> matched = dualUseFlows.filter(followed)
        .select("record_id", "list_id", "list_version");
    // The records are matched against each list version once and summed per chapter: joining
    // the tiers first would shuffle every record once per tier (seven times for the CHPL).
    Dataset<Row> versionChapters = chapters.select("list_id", "list_version", "chapter")
        .distinct();
    return tradeRecords
        .filter(col("is_countable").and(col("hs6").isNotNull()).and(followed))
        .select(col("record_id"), col("period"), col("source"), col("exporter_iso3"),
            col("importer_iso3"), col("reported_by"), col("value_basis"), col("value_usd"),
            col("net_kg"), substring(col("hs6"), 1, 2).as("chapter"))
        .join(broadcast(versionChapters), "chapter")
        .join(matched, new String[] {"record_id", "list_id", "list_version"}, "left_anti")
        .groupBy(col("period"), col("source"), col("exporter_iso3"), col("importer_iso3"),
            col("reported_by"), col("value_basis"), col("list_id"), col("list_version"),
            col("chapter"))
        .agg(sum("value_usd").as("value_usd"), sum("net_kg").as("net_kg"),
            count(lit(1)).as("records"))
        .select(col("period"), col("source"), col("exporter_iso3"), col("importer_iso3"),
            col("reported_by"), col("value_basis"), col("list_id"), col("list_version"),
            lit(null).cast("string").as("tier"), concat(col("chapter"), lit("0000")).as("hs6"),
            col("value_usd"), col("net_kg"), col("records"), lit(0L).as("hs_mapped_records"));
  }

  /**
   * The FOB flows of {@link #controlFlows} once per tier whose chapters hold them, and once as
   * tier {@code ALL}.
   */
  public static Dataset<Row> byTier(Dataset<Row> controlFob, Dataset<Row> chapters) {
    return controlFob.drop("tier")
        .withColumn("chapter", substring(col("hs6"), 1, 2))
        .join(broadcast(chapters), new String[] {"list_id", "list_version",
            "chapter"})
        .drop("chapter");
  }

  /**
   * The chapters each tier of each list version matched records in, and all tiers' as ALL: a
   * few hundred rows, brought to the driver once for {@link #controlFlows} and {@link #byTier}.
   */
  public static Dataset<Row> chapters(Dataset<Row> dualUseFlows) {
    Dataset<Row> listChapters = dualUseFlows
        .select(col("list_id"), col("list_version"), col("tier"),
            substring(col("hs6"), 1, 2).as("chapter"))
        .distinct();
    return Coverage.local(listChapters.unionByName(listChapters.withColumn("tier", lit("ALL")))
        .distinct());
  }

  /**
   * @param listedFob the FOB flows of the listed goods ({@link FlowViews#fobFlows})
   * @param controlFob the same of {@link #controlFlows}, {@link #byTier}
   * @param origins origin group name to members
   * @param series {@link TransitSignals#seriesCoverage} of the listed flows, hubs and origins
   */
  public static Dataset<Row> from(Dataset<Row> listedFob, Dataset<Row> controlFob,
      Set<String> hubs, Map<String, Set<String>> origins, String destination,
      AnalyticsSettings settings, Dataset<Row> series) {
    Periods window = settings.baseline();
    // The listed goods per tier and all tiers together. A record matches one entry of a list
    // version, so the tiers of one HS6 (entries deeper than six digits) are different records:
    // summed, as supplier_share sums them.
    Dataset<Row> listed = listedFob.select("period", "exporter_iso3", "importer_iso3",
        "list_id", "list_version", "tier", "hs6", "value_fob_usd");
    listed = listed.unionByName(listed.withColumn("tier", lit("ALL")));
    Dataset<Row> legs = legs(listed, "listed", hubs, origins, destination)
        .unionByName(legs(controlFob.select("period", "exporter_iso3", "importer_iso3",
            "list_id", "list_version", "tier", "value_fob_usd"), "control", hubs, origins,
            destination));
    List<Column> sums = new ArrayList<>();
    for (String s : SERIES) {
      sums.add(sum(when(col("series").equalTo(s), col("value_fob_usd"))).as(s));
    }
    Dataset<Row> controlChapters = controlFob.groupBy("list_id", "list_version", "tier")
        .agg(array_sort(collect_set(substring(col("hs6"), 1, 2))).as("control_chapters"));
    WindowSpec product = Window.partitionBy(KEY[0], KEY[1], KEY[2], KEY[3], KEY[4]);
    int minMonths = settings.minCoveredMonths(window);
    BigDecimal zero = BigDecimal.ZERO.setScale(2);
    Dataset<Row> out = legs.groupBy("period", KEY).agg(sums.get(0), sums.get(1), sums.get(2),
            sums.get(3))
        .join(broadcast(series.select(col("origin_group"), col("hub_iso3"), col("period"),
            col("is_imports_covered"), col("is_exports_covered"),
            col("imports_baseline_months").as("to_hub_baseline_months"),
            col("exports_baseline_months").as("to_russia_baseline_months"))),
            new String[] {"origin_group", "hub_iso3", "period"}, "left")
        .join(broadcast(controlChapters), new String[] {"list_id", "list_version", "tier"},
            "left")
        .withColumn("is_to_hub_covered", coalesce(col("is_imports_covered"), lit(false)))
        .withColumn("is_to_russia_covered", coalesce(col("is_exports_covered"), lit(false)))
        .withColumn("to_hub_baseline_months", coalesce(col("to_hub_baseline_months"), lit(0L)))
        .withColumn("to_russia_baseline_months", coalesce(col("to_russia_baseline_months"),
            lit(0L)));
    for (String s : SERIES) {
      String leg = s.endsWith("hub") ? "to_hub" : "to_russia";
      Column covered = col("is_" + leg + "_covered");
      Column months = col(leg + "_baseline_months");
      // Covered months without a row of the series are zeros: a month of the series is its
      // value when covered (0 when nothing moved), null when not.
      out = out.withColumn(s + "_usd", when(covered, coalesce(col(s), lit(zero))))
          .withColumn(s + "_baseline_usd", TransitSignals.baseline(col(s), covered, months,
              minMonths, window, product))
          .withColumn(s + "_index", when(col(s + "_baseline_usd").gt(0),
              TransitSignals.ratio(col(s + "_usd"), col(s + "_baseline_usd")).multiply(100)));
    }
    return out
        .withColumn("to_hub_index_difference",
            col("listed_to_hub_index").minus(col("control_to_hub_index")))
        .withColumn("to_russia_index_difference",
            col("listed_to_russia_index").minus(col("control_to_russia_index")))
        .withColumn("baseline_window", lit(window.toString()))
        .drop("listed_to_hub", "listed_to_russia", "control_to_hub", "control_to_russia",
            "is_imports_covered", "is_exports_covered");
  }

  /**
   * Each flow as an origin group's export to a hub (series {@code <kind>_to_hub}) or a hub's
   * export to Russia ({@code <kind>_to_russia}, once per origin group): one pass over the flows.
   */
  private static Dataset<Row> legs(Dataset<Row> flows, String kind, Set<String> hubs,
      Map<String, Set<String>> origins, String destination) {
    Column toRussia = col("exporter_iso3").isin(hubs.toArray())
        .and(col("importer_iso3").equalTo(destination));
    List<Column> legs = new ArrayList<>();
    for (Map.Entry<String, Set<String>> g : origins.entrySet()) {
      Column toHub = col("importer_iso3").isin(hubs.toArray())
          .and(col("exporter_iso3").isin(g.getValue().toArray()));
      legs.add(when(toHub, struct(lit(g.getKey()).as("g"), col("importer_iso3").as("hub"),
          lit(kind + "_to_hub").as("series"))));
      legs.add(when(toRussia, struct(lit(g.getKey()).as("g"), col("exporter_iso3").as("hub"),
          lit(kind + "_to_russia").as("series"))));
    }
    return flows.select(col("period"), col("list_id"), col("list_version"), col("tier"),
            col("value_fob_usd"), explode(array(legs.toArray(Column[]::new))).as("leg"))
        .filter(col("leg").isNotNull())
        .select(col("leg.g").as("origin_group"), col("leg.hub").as("hub_iso3"),
            col("leg.series").as("series"), col("period"), col("list_id"), col("list_version"),
            col("tier"), col("value_fob_usd"));
  }
}

package org.dualflow.analytics;

import static org.apache.spark.sql.functions.col;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The analytics tables, all pure transformations of {@code flows_monthly},
 * {@code dual_use_flows} and {@code trade_records} (for what was reported: the coverage) and
 * the reference data. They are computed over the whole warehouse, not the run's months alone: a baseline needs
 * its window and a share its whole year, whatever months a run replaced.
 */
public final class AnalyticsJob {

  public static final String DESTINATION = "RUS";

  private AnalyticsJob() {
  }

  /**
   * The tables by name, in the order they should be written. The views several tables share
   * are cached while they are written; closing releases them.
   *
   * @param inMonthPartitions the tables whose rows are already laid out so that all rows of a
   *     month are in one partition: written as they are, one file per month, without another
   *     shuffle
   */
  public record Tables(Map<String, Dataset<Row>> byName, List<Dataset<Row>> cached,
      Set<String> inMonthPartitions) implements AutoCloseable {

    @Override
    public void close() {
      cached.forEach(Dataset::unpersist);
    }
  }

  /**
   * @param tradeRecords {@code trade_records} of the whole warehouse: what was reported, for
   *     the coverage
   * @return the tables; close them once written
   */
  public static Tables tables(Dataset<Row> flowsMonthly, Dataset<Row> dualUseFlows,
      Dataset<Row> tradeRecords, org.dualflow.reference.ReferenceData reference,
      AnalyticsSettings settings) {
    Dataset<Row> coverage = Coverage.from(tradeRecords).cache();
    // The cells feed the factors and the FOB flows: one shuffle of flows_monthly, kept.
    Dataset<Row> cells = FlowViews.cells(flowsMonthly, settings.sourcePriority()).cache();
    // Small, and used by the listed and the roundabout's control flows alike: kept.
    Dataset<Row> factors = Coverage.local(FlowViews.cifFobFactors(cells, settings));
    Dataset<Row> fob = FlowViews.fobFlows(cells, factors, settings).cache();
    PairCoverage pairCoverage = PairCoverage.of(coverage, fob);
    Dataset<Row> corridorCoverage = CorridorMonthly.coverage(pairCoverage, reference.corridors());
    Dataset<Row> corridors = CorridorMonthly.from(fob, reference.corridors(), corridorCoverage)
        .cache();
    Map<String, Set<String>> supplierGroups = new LinkedHashMap<>();
    for (String g : new String[] {"eu27", "transit_hubs", "greater_china"}) {
      supplierGroups.put(g, reference.groups().members(g));
    }
    Map<String, Set<String>> origins = new LinkedHashMap<>();
    settings.originGroups().forEach(g -> origins.put(g, reference.groups().members(g)));
    Map<String, Dataset<Row>> out = new LinkedHashMap<>();
    out.put("coverage", coverage);
    out.put("corridor_monthly", corridors);
    // Mirror gaps feed their yearly summary too.
    Dataset<Row> mirrorGaps = MirrorGaps.from(fob, settings, coverage).cache();
    out.put("mirror_gaps", mirrorGaps);
    out.put("mirror_gaps_yearly", MirrorGaps.yearly(mirrorGaps, coverage));
    out.put("baseline_change", BaselineChange.from(corridors, corridorCoverage, settings));
    out.put("supplier_share", SupplierShare.from(fob, supplierGroups, pairCoverage));
    Set<String> hubs = reference.groups().members("transit_hubs");
    // Whether each hub's two series are covered, month by month: transit and roundabout.
    Dataset<Row> hubSeries = TransitSignals.seriesCoverage(pairCoverage, hubs, origins,
        DESTINATION, settings.baseline());
    out.put("transit_signals", TransitSignals.withSeries(fob, hubs, origins, DESTINATION,
        settings, hubSeries));
    // The roundabout's control goods: the unlisted records between the countries it follows.
    Set<String> roundaboutCountries = new java.util.TreeSet<>(hubs);
    origins.values().forEach(roundaboutCountries::addAll);
    roundaboutCountries.add(DESTINATION);
    Dataset<Row> chapters = Roundabout.chapters(dualUseFlows);
    Dataset<Row> controlFob = FlowViews.fobFlows(FlowViews.cells(Roundabout.controlFlows(
            tradeRecords, dualUseFlows, chapters, roundaboutCountries),
        settings.sourcePriority()), factors, settings).cache();   // the control values
    out.put("roundabout", Roundabout.from(fob, Roundabout.byTier(controlFob, chapters),
        hubs, origins, DESTINATION, settings, hubSeries));
    out.put("unit_value_outliers", UnitValueOutliers.from(dualUseFlows,
        settings.sourcePriority(), settings));
    // Both entity tables aggregate the firms of shipment-level records several ways: found once.
    Dataset<Row> roles = EntitySummary.roles(dualUseFlows.filter(col("shipper").isNotNull()
        .or(col("consignee").isNotNull()).or(col("manufacturer").isNotNull()))).cache();
    out.put("entity_summary", EntitySummary.summaryOfRoles(roles));
    out.put("entity_concentration", EntitySummary.concentrationOfRoles(roles));
    return new Tables(out, List.of(coverage, cells, fob, corridors, mirrorGaps, controlFob,
        roles), Set.of("supplier_share", "unit_value_outliers"));
  }
}

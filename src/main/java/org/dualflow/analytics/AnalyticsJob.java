package org.dualflow.analytics;

import static org.apache.spark.sql.functions.col;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The analytics tables, all pure transformations of {@code flows_monthly} and
 * {@code dual_use_flows} (themselves pure transformations of the records) and the reference
 * data. They are computed over the whole warehouse, not the run's months alone: a baseline needs
 * its window and a share its whole year, whatever months a run replaced.
 */
public final class AnalyticsJob {

  public static final String DESTINATION = "RUS";

  private AnalyticsJob() {
  }

  /**
   * The tables by name, in the order they should be written. The views several tables share
   * are cached while they are written; closing releases them.
   */
  public record Tables(Map<String, Dataset<Row>> byName, List<Dataset<Row>> cached)
      implements AutoCloseable {

    @Override
    public void close() {
      cached.forEach(Dataset::unpersist);
    }
  }

  /**
   * @return the tables; close them once written
   */
  public static Tables tables(Dataset<Row> flowsMonthly,
      Dataset<Row> dualUseFlows, org.dualflow.reference.ReferenceData reference,
      AnalyticsSettings settings) {
    Dataset<Row> cells = FlowViews.cells(flowsMonthly, settings.sourcePriority());
    Dataset<Row> fob = FlowViews.fobFlows(cells, FlowViews.cifFobFactors(cells, settings),
        settings).cache();
    Dataset<Row> corridors = CorridorMonthly.from(fob, reference.corridors()).cache();
    Map<String, Set<String>> supplierGroups = new LinkedHashMap<>();
    for (String g : new String[] {"eu27", "transit_hubs", "greater_china"}) {
      supplierGroups.put(g, reference.groups().members(g));
    }
    Map<String, Dataset<Row>> out = new LinkedHashMap<>();
    out.put("corridor_monthly", corridors);
    out.put("mirror_gaps", MirrorGaps.from(fob, settings));
    out.put("baseline_change", BaselineChange.from(corridors, settings.baseline()));
    out.put("supplier_share", SupplierShare.from(fob, supplierGroups));
    out.put("transit_signals", TransitSignals.from(fob,
        reference.groups().members("transit_hubs"), reference.groups().members("greater_china"),
        DESTINATION, settings.baseline(), settings.transitThreshold()));
    out.put("unit_value_outliers", UnitValueOutliers.from(dualUseFlows, cells, settings));
    // Both entity tables aggregate the firms of shipment-level records several ways: found once.
    Dataset<Row> roles = EntitySummary.roles(dualUseFlows.filter(col("shipper").isNotNull()
        .or(col("consignee").isNotNull()).or(col("manufacturer").isNotNull()))).cache();
    out.put("entity_summary", EntitySummary.summaryOfRoles(roles));
    out.put("entity_concentration", EntitySummary.concentrationOfRoles(roles));
    return new Tables(out, List.of(fob, corridors, roles));
  }
}

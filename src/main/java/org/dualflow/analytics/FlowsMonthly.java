package org.dualflow.analytics;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * {@code flows_monthly}: dual-use flows summed by month, exporter, importer, reporting side,
 * list, tier and HS 2022 code.
 *
 * <p>Only monthly export and import records count. Annual records would double the months they
 * cover; Comtrade's re-exports and re-imports are "of which" lines inside exports and imports.
 * Exporter-reported (FOB) and importer-reported (CIF) values stay in separate rows, and so do
 * sources: China's exports appear once from Comtrade and once from China customs (GACC).
 */
public final class FlowsMonthly {

  private FlowsMonthly() {
  }

  public static Dataset<Row> from(Dataset<Row> dualUseFlows) {
    return dualUseFlows
        .filter(col("freq").equalTo("M").and(col("flow").isin("export", "import")))
        .groupBy(col("period"), col("source"), col("exporter_iso3"), col("importer_iso3"),
            col("reported_by"),
            col("value_basis"), col("list_id"), col("list_version"), col("tier"), col("hs6"))
        .agg(sum("value_usd").as("value_usd"),
            sum("net_kg").as("net_kg"),
            count(lit(1)).as("records"),
            count(when(col("is_hs_mapped"), lit(1))).as("hs_mapped_records"));
  }
}

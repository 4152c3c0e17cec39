package org.dualflow.analytics;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * {@code mirror_gaps}: flow cells both sides report. The importer's CIF value is put on a FOB
 * basis with the CIF/FOB factor {@link FlowViews#fobFlows} gave the cell (estimated over the
 * factor window, so that the gap is not absorbed into it; its columns say where it came from);
 * the gap and the ratio compare like with like.
 *
 * <p>The reconciled value: when the two FOB values agree within a factor of two, their weighted
 * mean ({@link AnalyticsSettings#mirrorWeight()} on the exporter side, 0.5 by default); when
 * they do not, the importer's, because imports are the better-recorded side (customs collect
 * duties and VAT on them), which is also what BACI's reporter-reliability weights find on
 * average.
 */
public final class MirrorGaps {

  private MirrorGaps() {
  }

  public static Dataset<Row> from(Dataset<Row> fobFlows, AnalyticsSettings settings) {
    Column exporter = col("fob_exporter_usd");
    Column importer = col("fob_from_importer_usd");
    Column ratio = TransitSignals.ratio(importer, exporter);
    Column agree = col("ratio").between(0.5, 2.0);
    double w = settings.mirrorWeight();
    return fobFlows.filter(exporter.gt(0).and(col("cif_importer_usd").gt(0)))
        .withColumn("gap_usd", exporter.minus(importer))
        .withColumn("ratio", ratio)
        .withColumn("weight_exporter", when(agree, lit(w)).otherwise(lit(0.0)))
        .withColumn("reconciled_usd", when(agree,
            exporter.multiply(lit(w)).plus(importer.multiply(lit(1 - w))))
            .otherwise(importer).cast("decimal(28,2)"))
        .withColumn("reconciled_from", when(agree, lit("both")).otherwise(lit("importer")))
        .withColumn("abs_gap_share", TransitSignals.ratio(abs(col("gap_usd")), exporter));
  }
}

package org.dualflow.analytics;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.trunc;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * {@code mirror_gaps}: flow cells both sides report, and <em>phantom trade</em>: cells only one
 * side reports in a month both countries reported (exports recorded to a hub that the hub never
 * records as imports, or the reverse). The importer's CIF value is put on a FOB basis with the
 * CIF/FOB factor {@link FlowViews#fobFlows} gave the cell (estimated over the factor window, so
 * that the gap is not absorbed into it; its columns say where it came from); the gap and the
 * ratio compare like with like.
 *
 * <p>A one-sided cell is phantom only when the exporter reported its exports and the importer
 * its imports monthly that month, in a statistical source ({@link Coverage#reportingSides}):
 * such a country published its month whole, so its silence about the cell is a known zero, and
 * the silent side's value is written as 0.00, the gap and ratio computed with it. When either
 * country did not report the month, the other side's record says nothing about a gap (the
 * cell is unknown) and is left out. A cell both sides report is kept whatever the coverage.
 *
 * <p>The reconciled value: when the two FOB values agree within a factor of two, their weighted
 * mean ({@link AnalyticsSettings#mirrorWeight()} on the exporter side, 0.5 by default); when
 * they do not, the importer's, because imports are the better-recorded side (customs collect
 * duties and VAT on them), which is also what BACI's reporter-reliability weights find on
 * average. A one-sided cell never agrees, so it is the importer's: 0.00 for a phantom export
 * (the importer's books say it did not arrive), the importer's value for a phantom import.
 */
public final class MirrorGaps {

  public static final String BOTH = "both";
  public static final String EXPORTER_ONLY = "exporter_only";
  public static final String IMPORTER_ONLY = "importer_only";

  private MirrorGaps() {
  }

  /**
   * @param fobFlows {@link FlowViews#fobFlows}
   * @param coverage the {@link Coverage} table: which months each country reported
   */
  public static Dataset<Row> from(Dataset<Row> fobFlows, AnalyticsSettings settings,
      Dataset<Row> coverage) {
    Dataset<Row> sides = Coverage.reportingSides(coverage);
    Column exporter = col("fob_exporter_usd");
    // fob_from_importer_usd holds the importer's CIF on a FOB basis plus any FOB it reported:
    // an importer that reports FOB (some do) has reported the cell too.
    Column importer = col("fob_from_importer_usd");
    Column exporterReported = exporter.gt(0);
    Column importerReported = importer.gt(0);
    Column bothReportedMonth = col("exporter_month").isNotNull()
        .and(col("importer_month").isNotNull());
    Column ratio = TransitSignals.ratio(importer, exporter);
    Column agree = col("ratio").between(0.5, 2.0);
    double w = settings.mirrorWeight();
    return fobFlows
        .join(broadcast(Coverage.monthsReportedBy(sides, "exporter", "exporter_month")),
            new String[] {"exporter_iso3", "period"}, "left")
        .join(broadcast(Coverage.monthsReportedBy(sides, "importer", "importer_month")),
            new String[] {"importer_iso3", "period"}, "left")
        .withColumn("is_month_reported_by_both", bothReportedMonth)
        .withColumn("mirror_status", when(exporterReported.and(importerReported), lit(BOTH))
            .when(bothReportedMonth.and(exporterReported), lit(EXPORTER_ONLY))
            .when(bothReportedMonth.and(importerReported), lit(IMPORTER_ONLY)))
        .filter(col("mirror_status").isNotNull())
        .drop("exporter_month", "importer_month")
        // The silent side of a one-sided cell reported its month and nothing of the cell.
        .withColumn("fob_exporter_usd", when(exporterReported, exporter).otherwise(lit(0)))
        .withColumn("fob_from_importer_usd", when(importerReported, importer).otherwise(lit(0)))
        .withColumn("gap_usd", exporter.minus(importer))
        // No ratio against an exporter's zero (a phantom import): it would be infinite.
        .withColumn("ratio", when(exporter.gt(0), ratio))
        .withColumn("weight_exporter", when(agree, lit(w)).otherwise(lit(0.0)))
        .withColumn("reconciled_usd", when(agree,
            exporter.multiply(lit(w)).plus(importer.multiply(lit(1 - w))))
            .otherwise(importer).cast("decimal(28,2)"))
        .withColumn("reconciled_from", when(agree, lit("both")).otherwise(lit("importer")))
        .withColumn("abs_gap_share",
            when(exporter.gt(0), TransitSignals.ratio(abs(col("gap_usd")), exporter)));
  }

  /**
   * {@code mirror_gaps_yearly}: per exporter, importer, list version and year (period 1
   * January), the cells both sides report and the phantom trade of the months both countries
   * reported, summed from {@code mirror_gaps}; {@code coverage} only counts those months.
   */
  public static Dataset<Row> yearly(Dataset<Row> mirrorGaps, Dataset<Row> coverage) {
    Column both = col("mirror_status").equalTo(BOTH);
    Column exporterOnly = col("mirror_status").equalTo(EXPORTER_ONLY);
    Column importerOnly = col("mirror_status").equalTo(IMPORTER_ONLY);
    // The shares' bases: only in the months both reported could a cell have shown as phantom.
    Column seen = col("is_month_reported_by_both");
    Dataset<Row> sums = mirrorGaps.withColumn("year", trunc(col("period"), "year"))
        .groupBy("exporter_iso3", "importer_iso3", "list_id", "list_version", "year")
        .agg(count(when(both, lit(1))).as("both_cells"),
            sumWhere(both, "fob_exporter_usd").as("both_exporter_usd"),
            sumWhere(both, "fob_from_importer_usd").as("both_importer_usd"),
            sumWhere(both, "gap_usd").as("both_gap_usd"),
            count(when(exporterOnly, lit(1))).as("exporter_only_cells"),
            sumWhere(exporterOnly, "fob_exporter_usd").as("exporter_only_usd"),
            count(when(importerOnly, lit(1))).as("importer_only_cells"),
            sumWhere(importerOnly, "fob_from_importer_usd").as("importer_only_usd"),
            sumWhere(seen, "fob_exporter_usd").as("exporter_reported_usd"),
            sumWhere(seen, "fob_from_importer_usd").as("importer_reported_usd"));
    String[] pairYear = {"exporter_iso3", "importer_iso3", "year"};
    Dataset<Row> sides = Coverage.reportingSides(coverage);
    Dataset<Row> months = sums.select("exporter_iso3", "importer_iso3", "year").distinct()
        .join(broadcast(Coverage.monthsReportedBy(sides, "exporter", "exporter_month")
            .withColumn("year", trunc(col("period"), "year"))),
            new String[] {"exporter_iso3", "year"})
        .join(broadcast(Coverage.monthsReportedBy(sides, "importer", "importer_month")),
            new String[] {"importer_iso3", "period"})
        .groupBy("exporter_iso3", "importer_iso3", "year")
        .agg(count(lit(1)).as("both_reported_months"));
    return sums.join(months, pairYear, "left")
        .withColumn("both_reported_months", coalesce(col("both_reported_months"), lit(0L)))
        .withColumn("phantom_export_share",
            share(col("exporter_only_usd"), col("exporter_reported_usd")))
        .withColumn("phantom_import_share",
            share(col("importer_only_usd"), col("importer_reported_usd")))
        .withColumnRenamed("year", "period");
  }

  /** The sum of {@code column} over the rows where {@code condition} holds; 0 over none. */
  private static Column sumWhere(Column condition, String column) {
    return sum(when(condition, col(column)).otherwise(lit(0)));
  }

  /** part / whole, null when the whole is zero (nothing the part could be a share of). */
  private static Column share(Column part, Column whole) {
    return when(whole.gt(0), TransitSignals.ratio(part, whole));
  }
}

package org.dualflow.analytics;

import static org.apache.spark.sql.functions.add_months;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.trunc;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * {@code coverage}: which reporter reported which flow, in which source, for which month:
 * monthly, only within an annual figure, or not at all. Every analytics rule that averages,
 * compares or shares over time asks it first, because a month nobody reported is missing, not
 * a month without trade.
 *
 * <p>A reporter covers a month when it has any accepted record of the month (any commodity,
 * aggregates included) in a statistical source: the public sources publish a reporter's month
 * whole, so a reporter with a record in a month is taken to have reported every partner and
 * product that month. Shipment-level sources (records with a customs document id: declaration
 * extracts) hold what the extract holds, rarely a country's whole month; their months are
 * listed but cover nothing. A flow
 * cell exporter X → importer M is <em>covered</em> in a month when X reported its exports or M
 * its imports monthly, in any source: then a cell without records is a known zero.
 *
 * <p>The months are those from the warehouse's first to its last month (an annual record spans
 * its year), for every source, reporter and flow seen at all: a reporter that stops shows
 * {@code not_reported} months, not an end of trade.
 */
public final class Coverage {

  public static final String MONTHLY = "monthly";
  public static final String ANNUAL_ONLY = "annual_only";
  public static final String NOT_REPORTED = "not_reported";

  private Coverage() {
  }

  /** The coverage table from {@code trade_records} (all of the warehouse, any commodity). */
  public static Dataset<Row> from(Dataset<Row> tradeRecords) {
    // One pass over the records; everything below is derived from this small aggregate (a row
    // per source, reporter, flow and month), brought to the driver: left in the plan, Spark's
    // optimizer folds each branch's aggregate into it and reads every record four times.
    Dataset<Row> reports = local(tradeRecords
        .groupBy("source", "reporter_iso3", "flow", "freq", "period")
        .agg(count(lit(1)).as("records"),
            sum(when(col("is_countable"), col("value_usd"))).as("value_usd"),
            max(col("document_id").isNotNull()).as("has_document_id")));
    Dataset<Row> monthly = reports.filter(col("freq").equalTo("M"))
        .select("source", "reporter_iso3", "flow", "period", "records", "value_usd");
    Dataset<Row> annual = reports.filter(col("freq").equalTo("A"))
        .select(col("source"), col("reporter_iso3"), col("flow"), col("period").as("year"),
            col("records").as("annual_records"), col("value_usd").as("annual_value_usd"));
    Dataset<Row> shipmentLevel = reports.groupBy("source")
        .agg(max(col("has_document_id")).as("is_shipment_level"));
    // From the first month to the last (an annual record's period is its January).
    Dataset<Row> months = reports
        .agg(min("period").as("first"), max(when(col("freq").equalTo("A"),
            add_months(col("period"), 11)).otherwise(col("period"))).as("last"))
        .select(explode(sequence(col("first"), col("last"), expr("INTERVAL 1 MONTH")))
            .as("period"));
    Dataset<Row> series = reports.select("source", "reporter_iso3", "flow").distinct();
    return series.join(broadcast(shipmentLevel), "source").crossJoin(months)
        .join(monthly, new String[] {"source", "reporter_iso3", "flow", "period"}, "left")
        .withColumn("year", trunc(col("period"), "year"))
        .join(annual, new String[] {"source", "reporter_iso3", "flow", "year"}, "left")
        .withColumn("status", when(col("records").isNotNull(), lit(MONTHLY))
            .when(col("annual_records").isNotNull(), lit(ANNUAL_ONLY))
            .otherwise(lit(NOT_REPORTED)))
        .select("source", "reporter_iso3", "flow", "status", "is_shipment_level", "records",
            "value_usd", "annual_records", "annual_value_usd", "period");
  }

  /**
   * The monthly reports that make a cell covered: (iso3, side, period), side {@code exporter}
   * for a reporter's exports and {@code importer} for its imports, whatever the source.
   */
  static Dataset<Row> reportingSides(Dataset<Row> coverage) {
    return coverage.filter(col("status").equalTo(MONTHLY).and(col("flow").isin("export",
            "import")).and(col("is_shipment_level").unary_$bang()))
        .select(col("reporter_iso3").as("iso3"),
            when(col("flow").equalTo("export"), lit("exporter")).otherwise(lit("importer"))
                .as("side"),
            col("period"))
        .distinct();
  }

  /**
   * A small dataset (thousands of rows: factors per pair and chapter, say) brought to the
   * driver and back as a local relation: every join with it is then a broadcast built on the
   * driver, with no Spark job to recompute or read it.
   */
  static Dataset<Row> local(Dataset<Row> small) {
    return small.sparkSession().createDataFrame(small.collectAsList(), small.schema());
  }

  /**
   * The months one side reported, from {@link #reportingSides}: columns {@code exporter_iso3}
   * (or {@code importer_iso3}), {@code period} and {@code flag} (true), to left-join on flow
   * cells by their exporter (or importer) and month.
   *
   * @param side {@code exporter} or {@code importer}
   */
  static Dataset<Row> monthsReportedBy(Dataset<Row> sides, String side, String flag) {
    return sides.filter(col("side").equalTo(side))
        .select(col("iso3").as(side + "_iso3"), col("period"), lit(true).as(flag));
  }
}

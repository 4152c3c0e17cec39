package org.dualflow.cli;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;

import java.time.Instant;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.dualflow.analytics.FlowsMonthly;
import org.dualflow.classify.Classifier;
import org.dualflow.classify.MatchRow;
import org.dualflow.ingest.ComtradeFormat;
import org.dualflow.ingest.Ingest;
import org.dualflow.ingest.Ingested;
import org.dualflow.ingest.SourceFormat;
import org.dualflow.publish.RunManifest;
import org.dualflow.publish.Warehouse;
import org.dualflow.schema.TableSchema;

/**
 * One run of the pipeline: ingest, classify, aggregate, publish, record. Reading and writing
 * happen here; the transformations it calls are pure.
 */
final class RunJob {

  private static final Logger LOG = LogManager.getLogger(RunJob.class);

  /** The natural key of a record of each source: what makes two lines the same record. */
  static final Map<String, List<String>> NATURAL_KEYS = Map.of(ComtradeFormat.NAME,
      List.of("freq", "period", "flow", "reporter_iso3", "partner_iso3", "partner2_iso3",
          "hs_edition", "hs_code", "customs_code", "transport_mode", "supply_mode"));

  static final List<String> TABLES = List.of("trade_records", "rejected_records",
      "dual_use_flows", "flows_monthly");

  /** What a run produced, for the summary. */
  record Result(String runId, RunManifest manifest, Map<String, Long> rejectedByReason,
      List<String> periods, long classifiedRecords, long hsMappedRecords,
      Dataset<Row> flowsMonthly, double seconds) {
  }

  private RunJob() {
  }

  static Result run(SparkSession spark, JobConfig config, PreparedRun prepared, String runId) {
    Instant started = Instant.now();
    RunManifest manifest = new RunManifest(runId, config.jobFile().toString(), config.settings(),
        started);
    Warehouse warehouse = new Warehouse(spark, config.warehouse(), runId);
    Map<String, TableSchema> schemas = new LinkedHashMap<>();
    for (String t : TABLES) {
      schemas.put(t, TableSchema.load(t));
    }
    TableSchema manifestSchema = TableSchema.load("run_manifest");
    Dataset<Row> ingested = null;
    try {
      Map<String, SourceFormat> formats = prepared.formats();
      Map<String, String> hadoopConf = new HashMap<>();
      spark.sparkContext().hadoopConfiguration().forEach(e ->
          hadoopConf.put(e.getKey(), e.getValue()));

      Stopwatch watch = new Stopwatch();
      spark.sparkContext().setJobDescription("ingest: read, check and de-duplicate input");
      ingested = Ingest.markDuplicates(Ingest.withPeriodScope(
          Ingest.withRecordIds(Ingest.read(spark, prepared.inputs(), formats, hadoopConf),
              NATURAL_KEYS), config.periods()))
          .persist(StorageLevel.MEMORY_AND_DISK());

      // Per-file counts, conservation, and the months present, in one pass over the input.
      List<Row> counts = ingested
          .groupBy(col("source_file"), col("row_status"), col("reason_code"), col("period_key"))
          .agg(count(lit(1)).as("n"), max("file_sha256").as("sha256"),
              max("file_records").as("records"))
          .collectAsList();
      Map<String, long[]> perFile = new TreeMap<>();
      Map<String, String> sha = new HashMap<>();
      Map<String, Long> rejectedByReason = new TreeMap<>();
      java.util.TreeSet<YearMonth> present = new java.util.TreeSet<>();
      for (Row r : counts) {
        String file = r.getString(0);
        String status = r.getString(1);
        long[] c = perFile.computeIfAbsent(file, f -> new long[4]);
        long n = r.getLong(4);
        switch (status) {
          case Ingested.FILE -> {
            c[0] = r.getLong(6);
            sha.put(file, r.getString(5));
          }
          case Ingested.ACCEPTED -> c[1] += n;
          case Ingested.REJECTED -> {
            c[2] += n;
            rejectedByReason.merge(r.getString(2), n, Long::sum);
          }
          case Ingest.OUTSIDE_PERIODS -> c[3] += n;
          default -> throw new IllegalStateException("unknown row status " + status);
        }
        if (!status.equals(Ingested.FILE) && !status.equals(Ingest.OUTSIDE_PERIODS)
            && !"unknown".equals(r.getString(3))) {
          present.add(YearMonth.parse(r.getString(3)));
        }
      }
      long[] total = new long[4];
      for (Ingest.InputRef in : prepared.inputs()) {
        long[] c = perFile.getOrDefault(in.uri(), new long[4]);
        if (c[0] != c[1] + c[2] + c[3]) {
          throw new IllegalStateException("Conservation broken for " + in.uri() + ": read " + c[0]
              + " but accepted " + c[1] + " + rejected " + c[2] + " + outside " + c[3]);
        }
        for (int i = 0; i < 4; i++) {
          total[i] += c[i];
        }
        manifest.input(new RunManifest.Input(in.source(), in.uri(), in.sizeBytes(),
            sha.get(in.uri()), c[0], c[1], c[2], c[3]));
      }
      LOG.info("Stage ingest: {} files, {} records read, {} accepted, {} rejected, {} outside "
          + "the periods ({})", perFile.size(), total[0], total[1], total[2], total[3],
          watch.lap());

      // The months this run answers for.
      List<YearMonth> months = config.periods().isAll() ? List.copyOf(present)
          : config.periods().months();
      List<String> monthKeys = months.stream().map(YearMonth::toString).toList();
      manifest.periods(monthKeys);
      List<String> dateKeys = months.stream().map(m -> m.atDay(1).toString()).toList();
      List<String> rejectKeys = new ArrayList<>(monthKeys);
      rejectKeys.add("unknown");

      Dataset<Row> accepted = ingested.filter(col("row_status").equalTo(Ingested.ACCEPTED))
          .withColumn("run_id", lit(runId));
      spark.sparkContext().setJobDescription("write trade_records");
      warehouse.stage(schemas.get("trade_records"), accepted);
      long tradeRows = total[1];
      LOG.info("Stage trade_records: {} rows ({})", tradeRows, watch.lap());

      spark.sparkContext().setJobDescription("write rejected_records");
      warehouse.stage(schemas.get("rejected_records"),
          ingested.filter(col("row_status").equalTo(Ingested.REJECTED))
              .withColumn("run_id", lit(runId)));
      long rejectedRows = total[2];
      LOG.info("Stage rejected_records: {} rows ({})", rejectedRows, watch.lap());

      spark.sparkContext().setJobDescription("classify into dual_use_flows");
      List<MatchRow> matchTable = prepared.matchTable();
      warehouse.stage(schemas.get("dual_use_flows"), Classifier.classify(accepted, matchTable));
      Dataset<Row> flows = warehouse.readStaged(schemas.get("dual_use_flows"));
      Row classified = flows.agg(
              org.apache.spark.sql.functions.countDistinct(col("record_id")),
              count(org.apache.spark.sql.functions.when(col("is_hs_mapped"), lit(1))),
              count(lit(1)))
          .first();
      long flowRows = classified.getLong(2);
      LOG.info("Stage dual_use_flows: {} matches of {} records ({})", flowRows,
          classified.getLong(0), watch.lap());

      spark.sparkContext().setJobDescription("aggregate flows_monthly");
      warehouse.stage(schemas.get("flows_monthly"),
          FlowsMonthly.from(flows).repartition(col("period")).withColumn("run_id", lit(runId)));
      long monthlyRows = warehouse.readStaged(schemas.get("flows_monthly")).count();
      LOG.info("Stage flows_monthly: {} rows ({})", monthlyRows, watch.lap());

      Map<String, Long> written = Map.of("trade_records", tradeRows, "rejected_records",
          rejectedRows, "dual_use_flows", flowRows, "flows_monthly", monthlyRows);
      for (String t : TABLES) {
        List<String> scope = t.equals("rejected_records") ? rejectKeys : dateKeys;
        List<String> replaced = warehouse.publish(schemas.get(t), scope);
        manifest.table(new RunManifest.Table(t, written.get(t), replaced));
      }
      LOG.info("Stage publish: {} tables, {} months ({})", TABLES.size(), months.size(),
          watch.lap());
      writeManifest(spark, warehouse, manifestSchema, manifest, "succeeded", null);
      Dataset<Row> published = spark.read().schema(schemas.get("flows_monthly").schema())
          .parquet(warehouse.tablePath("flows_monthly").toString());
      double seconds = (Instant.now().toEpochMilli() - started.toEpochMilli()) / 1000.0;
      return new Result(runId, manifest, rejectedByReason, monthKeys, classified.getLong(0),
          classified.getLong(1), published, seconds);
    } catch (Exception e) {
      // Exception, not RuntimeException: a failed Spark job arrives as a checked SparkException.
      try {
        writeManifest(spark, warehouse, manifestSchema, manifest, "failed",
            Main.oneLine(e));
      } catch (RuntimeException again) {
        LOG.warn("Cannot record the failed run in run_manifest: {}", again.getMessage());
      }
      throw e;
    } finally {
      if (ingested != null) {
        ingested.unpersist();
      }
      warehouse.cleanUp();
    }
  }

  private static void writeManifest(SparkSession spark, Warehouse warehouse, TableSchema schema,
      RunManifest manifest, String status, String reason) {
    String version = RunJob.class.getPackage().getImplementationVersion();
    Row row = manifest.toRow(status, reason, Instant.now(), version == null ? "dev" : version,
        spark.version());
    warehouse.stage(schema, spark.createDataFrame(List.of(row), schema.schema()).coalesce(1));
    warehouse.publish(schema, List.of());
  }

  /** Wall-clock laps for the stage log lines. */
  static final class Stopwatch {
    private long last = System.nanoTime();

    String lap() {
      long now = System.nanoTime();
      String s = String.format("%.1f s", (now - last) / 1e9);
      last = now;
      return s;
    }
  }

  /** Everything checked on the driver before Spark starts. */
  record PreparedRun(org.dualflow.reference.ReferenceData reference,
      List<Ingest.InputRef> inputs, Map<String, SourceFormat> formats,
      List<MatchRow> matchTable) {
  }
}

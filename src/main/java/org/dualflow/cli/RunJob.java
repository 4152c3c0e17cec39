package org.dualflow.cli;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.dualflow.analytics.FlowsMonthly;
import org.dualflow.classify.Classifier;
import org.dualflow.classify.MatchRow;
import org.dualflow.ingest.Ingest;
import org.dualflow.ingest.Ingested;
import org.dualflow.ingest.ReadPass;
import org.dualflow.ingest.Survey;
import org.dualflow.ingest.Rejection;
import org.dualflow.ingest.SourceFormat;
import org.dualflow.publish.Catalog;
import org.dualflow.publish.RunManifest;
import org.dualflow.publish.Warehouse;
import org.dualflow.reference.ReferenceData;
import org.dualflow.schema.TableSchema;
import scala.jdk.javaapi.CollectionConverters;

/**
 * One run of the pipeline: ingest, check quality, classify, aggregate, publish, record. Reading
 * and writing happen here; the transformations it calls are pure.
 */
final class RunJob {

  private static final Logger LOG = LogManager.getLogger(RunJob.class);

  static final List<String> TABLES = List.of("trade_records", "rejected_records",
      "dual_use_flows", "flows_monthly");

  /** Everything checked on the driver before Spark starts. */
  record PreparedRun(ReferenceData reference, List<Ingest.InputRef> inputs,
      Map<String, SourceFormat> formats, List<MatchRow> matchTable) {
  }

  /** What a run produced, for the summary. */
  record Result(String runId, RunManifest manifest, List<FileStats> files,
      Map<String, Long> rejectedByReason, List<String> periods, long classifiedRecords,
      long hsMappedRecords, Dataset<Row> flowsMonthly, double seconds) {
  }

  /** One input file's numbers, for the manifest, the quality report and the gate. */
  static final class FileStats {
    final Ingest.InputRef input;
    String sha256;
    long read;
    long accepted;
    long rejected;
    long outside;
    long undatedRejects;
    long countable;
    long classified;
    final Map<String, Long> byReason = new TreeMap<>();
    BigDecimal valueAccepted = BigDecimal.ZERO;
    BigDecimal valueCountable = BigDecimal.ZERO;
    BigDecimal valueClassified = BigDecimal.ZERO;

    FileStats(Ingest.InputRef input) {
      this.input = input;
    }

    long duplicates() {
      return byReason.getOrDefault(Rejection.DUPLICATE, 0L)
          + byReason.getOrDefault(Rejection.CONFLICTING_DUPLICATE, 0L);
    }

    /**
     * Rejected records other than duplicates, over records in the run's months. Lines whose
     * month cannot be read count wherever the run is; but a file with nothing dated in the run's
     * months is not the run's to judge (a monthly run would otherwise fail forever on an old
     * file's one unreadable line).
     */
    double rejectRatio() {
      long inScope = read - outside;
      if (inScope - undatedRejects <= 0) {
        return 0;
      }
      return (double) (rejected - duplicates()) / inScope;
    }
  }

  /** The run stopped because a file's reject share is above quality.max-reject-ratio. */
  static final class QualityGateException extends RuntimeException {
    QualityGateException(String message) {
      super(message);
    }
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
    Dataset<Row> survey = null;
    Dataset<Row> duplicates = null;
    Map<String, FileStats> stats = new LinkedHashMap<>();
    try {
      for (String other : warehouse.recover()) {
        LOG.warn("Cleaned up after run {}, which stopped before it finished (see run_manifest)",
            other);
      }
      Map<String, String> hadoopConf = new HashMap<>();
      spark.sparkContext().hadoopConfiguration().forEach(e ->
          hadoopConf.put(e.getKey(), e.getValue()));

      Stopwatch watch = new Stopwatch();
      spark.sparkContext().setJobDescription("ingest: read, check and de-duplicate input");
      // The survey: per-file tallies and fixed-width keys for the duplicate check, kept; each
      // table then reads the files again, in full (parsing is cheap, caching wide rows is not;
      // see Survey and ReadPass).
      List<String> files = prepared.inputs().stream().map(Ingest.InputRef::uri).sorted()
          .toList();
      survey = Ingest.read(spark, prepared.inputs(), prepared.formats(), hadoopConf,
          ReadPass.survey(files)).persist(StorageLevel.MEMORY_AND_DISK());
      List<Row> tallies = Survey.tallies(survey);
      // The months this run answers for; null: every month present (last:N needs the input's).
      List<YearMonth> runMonths = null;
      if (config.periods().isLatest()) {
        runMonths = config.periods().resolve(Survey.presentMonths(tallies));
      } else if (!config.periods().isAll()) {
        runMonths = config.periods().months();
      }
      duplicates = Survey.duplicates(survey, runMonths, files);
      TreeSet<YearMonth> present = countFiles(Survey.Files.of(tallies),
          Survey.duplicateTallies(survey, runMonths, duplicates), files, runMonths,
          prepared.inputs(), stats);
      for (FileStats f : stats.values()) {
        manifest.input(new RunManifest.Input(f.input.source(), f.input.uri(),
            f.input.sizeBytes(), f.sha256, f.read, f.accepted, f.rejected, f.outside));
      }
      long[] total = new long[4];
      stats.values().forEach(f -> {
        total[0] += f.read;
        total[1] += f.accepted;
        total[2] += f.rejected;
        total[3] += f.outside;
      });
      LOG.info("Stage ingest: {} files, {} records read, {} accepted, {} rejected, {} outside "
          + "the periods ({})", stats.size(), total[0], total[1], total[2], total[3],
          watch.lap());

      // Should the process die from here on, the next run publishes this row for it.
      warehouse.stageAbandonedManifest(manifest.toRow("failed", "abandoned: the run stopped "
          + "(killed or crashed) before it published; nothing of it was published", null,
          appVersion(), spark.version()));
      checkQualityGate(config, stats, spark, warehouse, runId);

      List<YearMonth> months = runMonths == null ? List.copyOf(present) : runMonths;
      List<String> monthKeys = months.stream().map(YearMonth::toString).toList();
      manifest.periods(monthKeys);
      List<String> dateKeys = months.stream().map(m -> m.atDay(1).toString()).toList();
      List<String> rejectKeys = new ArrayList<>(monthKeys);
      rejectKeys.add("unknown");

      Map<String, Long> rejectedByFile = new HashMap<>();
      stats.values().forEach(f -> rejectedByFile.put(f.input.uri(), f.rejected));
      Broadcast<ReadPass.Lines> rejectedLines = JavaSparkContext
          .fromSparkContext(spark.sparkContext())
          .broadcast(Survey.rejectedLines(survey, runMonths, duplicates, files, rejectedByFile));
      // The survey has given all it has (the duplicates are cached apart): its memory goes to
      // the writes.
      survey.unpersist();

      // Each table reads the files again, with the survey's duplicates and periods; the
      // digests must match the survey's, and the rows written the survey's counts.
      Map<String, String> digests = new HashMap<>();
      stats.values().forEach(f -> digests.put(f.input.uri(), f.sha256));
      spark.sparkContext().setJobDescription("write trade_records");
      Dataset<Row> accepted = readAgain(spark, prepared, hadoopConf,
              ReadPass.accepted(digests), runMonths, duplicates)
          .filter(col("row_status").equalTo(Ingested.ACCEPTED))
          .withColumn("run_id", lit(runId));
      warehouse.stage(schemas.get("trade_records"), accepted);
      checkWritten(warehouse, schemas.get("trade_records"), total[1]);
      LOG.info("Stage trade_records: {} rows ({})", total[1], watch.lap());

      spark.sparkContext().setJobDescription("write rejected_records");
      warehouse.stage(schemas.get("rejected_records"),
          readAgain(spark, prepared, hadoopConf, ReadPass.rejected(digests, rejectedLines),
                  runMonths, duplicates)
              .filter(col("row_status").equalTo(Ingested.REJECTED))
              .withColumn("run_id", lit(runId)));
      checkWritten(warehouse, schemas.get("rejected_records"), total[2]);
      LOG.info("Stage rejected_records: {} rows ({})", total[2], watch.lap());

      // Classified from trade_records as written: only the columns classification needs are
      // read back.
      spark.sparkContext().setJobDescription("classify into dual_use_flows");
      warehouse.stage(schemas.get("dual_use_flows"), Classifier.classify(
          warehouse.readStaged(schemas.get("trade_records")), prepared.matchTable()));
      Dataset<Row> flows = warehouse.readStaged(schemas.get("dual_use_flows"));
      long[] classified = countClassified(flows, stats);
      LOG.info("Stage dual_use_flows: {} matches of {} records ({})", classified[0],
          classified[1], watch.lap());

      spark.sparkContext().setJobDescription("aggregate flows_monthly");
      warehouse.stage(schemas.get("flows_monthly"),
          FlowsMonthly.from(flows).repartition(col("period")).withColumn("run_id", lit(runId)));
      long monthlyRows = warehouse.readStaged(schemas.get("flows_monthly")).count();
      LOG.info("Stage flows_monthly: {} rows ({})", monthlyRows, watch.lap());

      // Analytics over the warehouse as it will be: other runs' months plus this run's.
      spark.sparkContext().setJobDescription("analytics tables");
      Map<String, Long> analyticsRows = new LinkedHashMap<>();
      if (config.settings().get(JobKey.ANALYTICS_ENABLED.key()).equals("true")) {
        Map<String, Dataset<Row>> analytics = org.dualflow.analytics.AnalyticsJob.tables(
            warehouse.futureView(schemas.get("flows_monthly"), dateKeys),
            warehouse.futureView(schemas.get("dual_use_flows"), dateKeys),
            prepared.reference(), config.analytics());
        for (Map.Entry<String, Dataset<Row>> a : analytics.entrySet()) {
          TableSchema schema = TableSchema.load(a.getKey());
          warehouse.stage(schema, a.getValue());
          analyticsRows.put(a.getKey(), warehouse.readStaged(schema).count());
        }
        LOG.info("Stage analytics: {} ({})", analyticsRows, watch.lap());
      } else {
        LOG.info("Stage analytics: skipped (analytics.enabled=false)");
      }

      Map<String, Long> written = Map.of("trade_records", total[1], "rejected_records",
          total[2], "dual_use_flows", classified[0], "flows_monthly", monthlyRows);
      for (String t : TABLES) {
        List<String> scope = t.equals("rejected_records") ? rejectKeys : dateKeys;
        List<String> replaced = warehouse.planPublish(schemas.get(t), scope);
        manifest.table(new RunManifest.Table(t, written.get(t), replaced));
      }
      for (Map.Entry<String, Long> a : analyticsRows.entrySet()) {
        warehouse.planReplace(TableSchema.load(a.getKey()));
        manifest.table(new RunManifest.Table(a.getKey(), a.getValue(), List.of("all")));
      }
      stageQualityReport(spark, warehouse, runId, stats, null);
      stageManifest(spark, warehouse, manifest, "succeeded", null);
      // The commit point: from here on the run is published, now or by the next run.
      warehouse.commit();
      LOG.info("Stage publish: {} tables, {} months ({})", TABLES.size() + analyticsRows.size(),
          months.size(), watch.lap());
      registerInCatalog(spark, config, warehouse);
      Dataset<Row> published = spark.read().schema(schemas.get("flows_monthly").schema())
          .parquet(warehouse.tablePath("flows_monthly").toString());
      Map<String, Long> byReason = new TreeMap<>();
      stats.values().forEach(f -> f.byReason.forEach((k, v) -> byReason.merge(k, v, Long::sum)));
      double seconds = (Instant.now().toEpochMilli() - started.toEpochMilli()) / 1000.0;
      return new Result(runId, manifest, List.copyOf(stats.values()), byReason, monthKeys,
          classified[1], classified[2], published, seconds);
    } catch (Exception e) {
      // Exception, not RuntimeException: a failed Spark job arrives as a checked SparkException.
      if (!warehouse.isCommitted()) {
        try {
          // Nothing of the data: only the report of what was read and the manifest row.
          warehouse.discardPlan();
          if (!stats.isEmpty()) {
            stageQualityReport(spark, warehouse, runId, stats, config.maxRejectRatio());
          }
          stageManifest(spark, warehouse, manifest, "failed", Main.oneLine(e));
          warehouse.commit();
        } catch (RuntimeException again) {
          LOG.warn("Cannot record the failed run in run_manifest: {}", again.getMessage());
        }
      }
      throw e;
    } finally {
      if (survey != null) {
        survey.unpersist();
      }
      if (duplicates != null) {
        duplicates.unpersist();
      }
      warehouse.cleanUp();
    }
  }

  /** The input read again with {@code pass}, marked as the survey marked it. */
  private static Dataset<Row> readAgain(SparkSession spark, PreparedRun prepared,
      Map<String, String> hadoopConf, ReadPass pass, List<YearMonth> runMonths,
      Dataset<Row> duplicates) {
    Dataset<Row> read = Ingest.read(spark, prepared.inputs(), prepared.formats(), hadoopConf,
        pass);
    return Ingest.markDuplicates(Ingest.withPeriodScope(read, runMonths), duplicates);
  }

  /**
   * The rows staged for {@code table} must be the ones the survey counted: the input was read
   * again to write them, so this is where a lost or extra row would show.
   */
  private static void checkWritten(Warehouse warehouse, TableSchema table, long expected) {
    long written = warehouse.readStaged(table).count();
    if (written != expected) {
      throw new IllegalStateException("Conservation broken: " + written + " rows staged for "
          + table.name() + " but the survey counted " + expected);
    }
  }

  /**
   * Per-file counts and values from the survey's tallies, with the run's months applied and the
   * duplicates moved from accepted to rejected; checks conservation (every record read is
   * accepted, rejected or outside the periods), and returns the months present.
   */
  private static TreeSet<YearMonth> countFiles(Survey.Files survey, List<Row> duplicateTallies,
      List<String> files, List<YearMonth> months, List<Ingest.InputRef> inputs,
      Map<String, FileStats> stats) {
    for (Ingest.InputRef in : inputs) {
      stats.put(in.uri(), new FileStats(in));
    }
    TreeSet<YearMonth> present = new TreeSet<>();
    for (int i = 0; i < files.size(); i++) {
      FileStats f = stats.get(files.get(i));
      f.sha256 = survey.sha256().get(i);
      f.read = survey.records().getOrDefault(i, 0L);
      for (Survey.Tally t : survey.of(i)) {
        long n = t.n();
        boolean accepted = t.status().equals(Ingested.ACCEPTED);
        if (!accepted && !t.status().equals(Ingested.REJECTED)) {
          throw new IllegalStateException("unknown row status " + t.status());
        }
        if (Survey.isOutside(t.period(), months)) {
          f.outside += n;
          continue;
        }
        if (accepted) {
          f.accepted += n;
          f.valueAccepted = f.valueAccepted.add(t.usd());
          if (Boolean.TRUE.equals(t.countable())) {
            f.countable += n;
            f.valueCountable = f.valueCountable.add(t.usd());
          }
        } else {
          f.rejected += n;
          f.byReason.merge(t.reasonCode(), n, Long::sum);
          if ("unknown".equals(t.periodKey())) {
            f.undatedRejects += n;
          }
        }
        if (!"unknown".equals(t.periodKey())) {
          present.add(YearMonth.parse(t.periodKey()));
        }
      }
    }
    for (Row d : duplicateTallies) {   // file, reason_code, is_countable, n, usd
      FileStats f = stats.get(files.get(d.getInt(0)));
      long n = d.getLong(3);
      BigDecimal usd = d.isNullAt(4) ? BigDecimal.ZERO : d.getDecimal(4);
      f.accepted -= n;
      f.valueAccepted = f.valueAccepted.subtract(usd);
      if (!d.isNullAt(2) && d.getBoolean(2)) {
        f.countable -= n;
        f.valueCountable = f.valueCountable.subtract(usd);
      }
      f.rejected += n;
      f.byReason.merge(d.getString(1), n, Long::sum);
    }
    for (FileStats f : stats.values()) {
      if (f.read != f.accepted + f.rejected + f.outside) {
        throw new IllegalStateException("Conservation broken for " + f.input.uri() + ": read "
            + f.read + " but accepted " + f.accepted + " + rejected " + f.rejected
            + " + outside " + f.outside);
      }
    }
    return present;
  }

  /**
   * Matches, distinct records and concordance matches overall; per file, the records and
   * value classified (a record matching several lists counts once).
   */
  private static long[] countClassified(Dataset<Row> flows, Map<String, FileStats> stats) {
    Row overall = flows.agg(count(lit(1)), countDistinct(col("record_id")),
        count(when(col("is_hs_mapped"), lit(1)))).first();
    List<Row> perFile = flows.groupBy("source_file", "record_id")
        .agg(first("value_usd").as("usd"))
        .groupBy("source_file").agg(count(lit(1)), sum("usd")).collectAsList();
    for (Row r : perFile) {
      FileStats f = stats.get(r.getString(0));
      f.classified = r.getLong(1);
      f.valueClassified = r.getDecimal(2);
    }
    return new long[] {overall.getLong(0), overall.getLong(1), overall.getLong(2)};
  }

  /** Fails the run (exit 3, nothing published) when a file rejects more than allowed. */
  private static void checkQualityGate(JobConfig config, Map<String, FileStats> stats,
      SparkSession spark, Warehouse warehouse, String runId) {
    Double limit = config.maxRejectRatio();
    if (limit == null) {
      return;
    }
    List<String> over = new ArrayList<>();
    for (FileStats f : stats.values()) {
      if (f.rejectRatio() > limit) {
        over.add(String.format("%s rejects %.1f%% (%d of %d)", f.input.uri(),
            100 * f.rejectRatio(), f.rejected - f.duplicates(), f.read - f.outside));
      }
    }
    if (!over.isEmpty()) {
      throw new QualityGateException("Quality gate: " + String.join("; ", over)
          + ", above quality.max-reject-ratio " + limit + "; nothing was published (details: "
          + "quality_report and run_manifest of run " + runId + ")");
    }
  }

  private static void stageQualityReport(SparkSession spark, Warehouse warehouse, String runId,
      Map<String, FileStats> stats, Double limit) {
    TableSchema schema = TableSchema.load("quality_report");
    List<Row> rows = new ArrayList<>();
    for (FileStats f : stats.values()) {
      boolean overLimit = limit != null && f.rejectRatio() > limit;
      rows.add(RowFactory.create(runId, f.input.source(), f.input.uri(), f.read, f.accepted,
          f.rejected, f.duplicates(), f.outside, CollectionConverters.asScala(f.byReason),
          f.byReason.getOrDefault(Rejection.UNKNOWN_COUNTRY, 0L), f.rejectRatio(), f.countable,
          f.countable - f.classified, f.valueAccepted, f.valueCountable, f.valueClassified,
          overLimit ? "over_limit" : "ok"));
    }
    warehouse.stage(schema, spark.createDataFrame(rows, schema.schema()).coalesce(1));
    warehouse.planPublish(schema, List.of());
  }

  private static void stageManifest(SparkSession spark, Warehouse warehouse,
      RunManifest manifest, String status, String reason) {
    TableSchema schema = TableSchema.load("run_manifest");
    Row row = manifest.toRow(status, reason, Instant.now(), appVersion(), spark.version());
    warehouse.stage(schema, spark.createDataFrame(List.of(row), schema.schema()).coalesce(1));
    warehouse.planPublish(schema, List.of());
  }

  /**
   * With a metastore (or catalog.register=true), every table is registered by name. The data is
   * published by then: a registration failure is reported, not a reason to fail the run.
   */
  private static void registerInCatalog(SparkSession spark, JobConfig config,
      Warehouse warehouse) {
    String register = config.settings().get(JobKey.CATALOG_REGISTER.key());
    if (register.equals("false") || (register.equals("auto") && !Catalog.hasMetastore(spark))) {
      return;
    }
    String database = config.settings().get(JobKey.CATALOG_DATABASE.key());
    try {
      Catalog.register(spark, database, warehouse.root(),
          TableSchema.ALL.stream().map(TableSchema::load).toList());
    } catch (RuntimeException e) {
      LOG.warn("The tables are published but not registered in catalog database {}: {}",
          database, Main.oneLine(e));
    }
  }

  private static String appVersion() {
    String version = RunJob.class.getPackage().getImplementationVersion();
    return version == null ? "dev" : version;
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
}

package org.dualflow.pipeline;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.time.Instant;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.dualflow.analytics.AnalyticsJob;
import org.dualflow.analytics.FlowsMonthly;
import org.dualflow.analytics.Headlines;
import org.dualflow.classify.Classifier;
import org.dualflow.ingest.Ingest;
import org.dualflow.ingest.Ingested;
import org.dualflow.ingest.ReadPass;
import org.dualflow.ingest.Rejection;
import org.dualflow.ingest.Survey;
import org.dualflow.publish.Catalog;
import org.dualflow.publish.RunManifest;
import org.dualflow.publish.Warehouse;
import org.dualflow.publish.WarehouseLock;
import org.dualflow.report.Report;
import org.dualflow.schema.TableSchema;
import scala.jdk.javaapi.CollectionConverters;

/**
 * One run, stage by stage: survey the input, count every file, check the quality gate, write
 * {@code trade_records} and {@code rejected_records}, classify, aggregate, compute the
 * analytics tables, publish, register, and read back the headline figures. Each stage is a
 * method returning what the next ones need. Reading and writing happen here; the
 * transformations it calls are pure.
 *
 * <p>A run holds the warehouse's lock ({@link WarehouseLock}) from before it looks at earlier
 * runs' leftovers until it has cleaned up. A run that fails before its commit point publishes
 * its quality report and a {@code failed} manifest row, and nothing else.
 */
final class PipelineRun {

  private static final Logger LOG = LogManager.getLogger(PipelineRun.class);

  static final List<String> CORE_TABLES = List.of("trade_records", "rejected_records",
      "dual_use_flows", "flows_monthly");

  private final SparkSession spark;
  private final JobConfig config;
  private final PreparedRun prepared;
  private final String runId;
  private final Instant started = Instant.now();
  private final RunManifest manifest;
  private final Warehouse warehouse;
  private final Map<String, TableSchema> schemas = new LinkedHashMap<>();
  private final Map<String, String> hadoopConf = new HashMap<>();
  private final Stopwatch watch = new Stopwatch();
  /** The files as counted so far: what a failed run's quality report shows. */
  private List<FileStats> counted = List.of();
  /** The warehouse's lock, held for the run: checked before the commit point. */
  private WarehouseLock lock;
  /** How each input is read (whole, or in splits): the same for every pass. */
  private List<Ingest.Part> parts;
  /** What the run cached: released however the run ends. */
  private final List<Dataset<Row>> cached = new ArrayList<>();

  PipelineRun(SparkSession spark, JobConfig config, PreparedRun prepared, String runId) {
    this.spark = spark;
    this.config = config;
    this.prepared = prepared;
    this.runId = runId;
    this.manifest = new RunManifest(runId, config.jobFile().toString(), config.settings(),
        started);
    this.warehouse = new Warehouse(spark, config.warehouse(), runId);
    for (String t : CORE_TABLES) {
      schemas.put(t, TableSchema.load(t));
    }
    spark.sparkContext().hadoopConfiguration().forEach(e ->
        hadoopConf.put(e.getKey(), e.getValue()));
  }

  /**
   * What the survey found, for the stages that read the input again.
   *
   * @param parts what the read learnt of each file and split: tallies and rejected lines
   * @param files the input URIs in path order (the survey's file indices)
   * @param runMonths the run's months as given; null: every month present
   * @param duplicates the repeated records, each occurrence not kept (cached)
   * @param months the months the run replaces
   */
  record Surveyed(Map<String, Survey.Part> parts, List<String> files, List<YearMonth> runMonths,
      Dataset<Row> duplicates, List<YearMonth> months) {

    /** Partition values of the run's months: dates for most tables. */
    List<String> dateKeys() {
      return dateKeys(months);
    }

    static List<String> dateKeys(List<YearMonth> months) {
      return months.stream().map(m -> m.atDay(1).toString()).toList();
    }

    /** Partition values of rejected_records: months, and "unknown" for undated lines. */
    List<String> rejectKeys() {
      List<String> keys = new ArrayList<>(months.stream().map(YearMonth::toString).toList());
      keys.add("unknown");
      return keys;
    }
  }

  /** Matches written to dual_use_flows, the distinct records among them, concordance ones. */
  record Classified(long matches, long records, long hsMapped) {
  }

  RunResult execute() throws Exception {
    if (registersInCatalog()) {
      // Before any work: a metastore that cannot be reached is a setting to fix, not a run
      // that publishes and then cannot say where its tables are.
      try {
        Catalog.connect(spark, config.settings().get(JobKey.CATALOG_DATABASE.key()));
      } catch (Catalog.UnreachableException e) {
        throw new ConfigException(e.getMessage() + ", or set catalog.register=false in "
            + config.origin(JobKey.CATALOG_REGISTER));
      }
    }
    try (WarehouseLock lock = warehouse.lock()) {
      this.lock = lock;
      try {
        recoverEarlierRuns();
        // The survey already stages trade_records: a run killed in it must leave its row too.
        stageAbandonedManifest();
        Surveyed surveyed = survey();
        stageAbandonedManifest();     // again, now with the files and their counts
        QualityGate.check(counted, config.maxRejectRatio(), runId,
            config.periods().isLatest());
        long trade = removeDuplicates(surveyed);
        long rejected = writeRejectedRecords(surveyed);
        Classified classified = classify();
        long monthly = aggregate();
        Map<String, Long> analytics = analytics(surveyed);
        publish(surveyed, Map.of("trade_records", trade, "rejected_records", rejected,
            "dual_use_flows", classified.matches(), "flows_monthly", monthly), analytics);
        registerInCatalog();
        Headlines.Figures headlines = headlines(surveyed, !analytics.isEmpty());
        Map<String, Long> byReason = new TreeMap<>();
        counted.forEach(f -> f.byReason().forEach((k, v) -> byReason.merge(k, v, Long::sum)));
        double seconds = (Instant.now().toEpochMilli() - started.toEpochMilli()) / 1000.0;
        String report = writeReport();
        return new RunResult(runId, manifest, counted, byReason,
            surveyed.months().stream().map(YearMonth::toString).toList(), classified.records(),
            classified.hsMapped(), headlines, seconds, report);
      } catch (Exception e) {
        // Exception, not RuntimeException: a failed Spark job arrives as a checked
        // SparkException.
        recordFailure(e);
        throw e;
      } finally {
        cached.forEach(Dataset::unpersist);
        warehouse.cleanUp();
      }
    }
  }

  /**
   * The manifest row the next run publishes if this one dies before its commit point (see
   * {@link Warehouse#recover}).
   */
  private void stageAbandonedManifest() {
    warehouse.stageAbandonedManifest(manifest.toRow("failed", "abandoned: the run stopped "
        + "(killed or crashed) before it published; nothing of it was published", null,
        Pipeline.appVersion(), spark.version()));
  }

  /** Completes or removes what earlier runs that died left behind. */
  private void recoverEarlierRuns() {
    for (String other : warehouse.recover()) {
      LOG.warn("Cleaned up after run {}, which stopped before it finished (see run_manifest)",
          other);
    }
  }

  /**
   * The survey: one read of every file that writes the accepted records to
   * {@code trade_records} as it goes and tallies every file in the reading tasks (see
   * {@link Survey}). The run's months are then known ({@code last:N} counts back from the
   * months read); months outside them are taken out of the staged table, and the duplicates
   * are found in what is left. The duplicates stay cached until the run ends.
   */
  private Surveyed survey() {
    parts = plan();
    spark.sparkContext().setJobDescription("ingest: read, check and write trade_records");
    List<String> files = prepared.inputs().stream().map(Ingest.InputRef::uri).sorted().toList();
    Survey.Collector collector = Survey.Collector.register(spark);
    // Months given by name are known before the read: only their records are written.
    List<YearMonth> given = config.periods().isLatest() || config.periods().isAll() ? null
        : config.periods().months();
    Dataset<Row> accepted = Ingest.withPeriodScope(Ingest.readParts(spark, parts,
            prepared.formats(), hadoopConf, ReadPass.survey(files, collector)), given)
        .filter(col("row_status").equalTo(Ingested.ACCEPTED))
        .withColumn("run_id", lit(runId));
    TableSchema trade = schemas.get("trade_records");
    long written = warehouse.stage(trade, byMonthWhenSmall(accepted));
    List<Row> tallies = collector.tallies();
    checkWritten("trade_records", written, Survey.acceptedIn(tallies, given));
    // The months this run answers for; null: every month present (last:N needs the input's).
    List<YearMonth> runMonths = given;
    if (config.periods().isLatest()) {
      runMonths = config.periods().resolve(Survey.acceptedMonths(tallies));
      warehouse.unstageOutside(trade, Surveyed.dateKeys(runMonths));
    }
    Dataset<Row> duplicates = Survey.duplicates(warehouse.readStaged(trade), files);
    cached.add(duplicates);
    FileAccounting.Result result = FileAccounting.count(prepared.inputs(), files,
        Survey.Files.of(tallies), Survey.duplicateTallies(duplicates), runMonths);
    counted = result.files();
    for (FileStats f : counted) {
      manifest.input(new RunManifest.Input(f.input().source(), f.input().uri(),
          f.input().sizeBytes(), f.sha256(), f.read(), f.accepted(), f.rejected(),
          f.outside()));
    }
    List<YearMonth> months = runMonths == null ? List.copyOf(result.present()) : runMonths;
    manifest.periods(months.stream().map(YearMonth::toString).toList());
    LOG.info("Stage ingest: {} files, {} records read, {} accepted, {} rejected, {} outside "
        + "the periods ({})", counted.size(), total(FileStats::read),
        total(FileStats::accepted), total(FileStats::rejected), total(FileStats::outside),
        watch.lap());
    return new Surveyed(collector.value(), files, runMonths, duplicates, months);
  }

  /** Large files in splits (ingest.split-size), found by a pre-scan of each; the rest whole. */
  private List<Ingest.Part> plan() {
    spark.sparkContext().setJobDescription("ingest: find where large files can be split");
    Long configured = config.splitBytes();
    long splitBytes = configured != null ? configured : Ingest.autoSplitBytes(prepared.inputs(),
        spark.sparkContext().defaultParallelism());
    List<Ingest.Part> plan = Ingest.plan(spark, prepared.inputs(), prepared.formats(),
        hadoopConf, splitBytes);
    long splits = plan.stream().filter(p -> p.split() != null).count();
    long files = plan.stream().filter(p -> p.split() != null).map(p -> p.file().uri())
        .distinct().count();
    if (files > 0) {
      LOG.info("Reading {} of {} files in {} splits (split size {} KB), cut by a pre-scan ({})",
          files, prepared.inputs().size(), splits, (splitBytes + 1023) >> 10, watch.lap());
    }
    return plan;
  }

  private long total(java.util.function.ToLongFunction<FileStats> count) {
    return counted.stream().mapToLong(count).sum();
  }

  /** The input read again with {@code pass}, marked as the survey marked it. */
  private Dataset<Row> readAgain(Surveyed surveyed, ReadPass pass) {
    Dataset<Row> read = Ingest.readParts(spark, parts, prepared.formats(), hadoopConf, pass);
    return Ingest.markDuplicates(Ingest.withPeriodScope(read, surveyed.runMonths()),
        surveyed.duplicates());
  }

  private Map<String, String> digests() {
    Map<String, String> digests = new HashMap<>();
    counted.forEach(f -> digests.put(f.input().uri(), f.sha256()));
    return digests;
  }

  /**
   * {@code trade_records} without the duplicates: the months that hold any are written again
   * from the staged table, without them. Then the staged table must hold exactly the records
   * the survey counted as accepted.
   */
  private long removeDuplicates(Surveyed surveyed) {
    spark.sparkContext().setJobDescription("write trade_records");
    TableSchema trade = schemas.get("trade_records");
    List<String> months = Survey.monthsWithDuplicates(surveyed.duplicates());
    if (!months.isEmpty()) {
      Dataset<Row> at = broadcast(surveyed.duplicates().select("dup_file", "dup_line"));
      warehouse.restage(trade, months, rows -> rows.join(at, col("source_file")
          .equalTo(col("dup_file")).and(col("source_line").equalTo(col("dup_line"))),
          "left_anti"));
    }
    long rows = checkWritten("trade_records", warehouse.readStaged(trade).count(),
        total(FileStats::accepted));
    LOG.info("Stage trade_records: {} rows, {} months written again without duplicates ({})",
        rows, months.size(), watch.lap());
    return rows;
  }

  /**
   * The rejected records: only the lines the survey rejected are parsed again. Once they are
   * known, the survey has given all it has (the duplicates are cached apart).
   */
  private long writeRejectedRecords(Surveyed surveyed) {
    spark.sparkContext().setJobDescription("write rejected_records");
    Map<String, Long> rejectedByFile = new HashMap<>();
    counted.forEach(f -> rejectedByFile.put(f.input().uri(), f.rejected()));
    Broadcast<ReadPass.Lines> lines = JavaSparkContext.fromSparkContext(spark.sparkContext())
        .broadcast(Survey.rejectedLines(surveyed.parts(), surveyed.duplicates(),
            rejectedByFile));
    try {
      long rows = checkWritten("rejected_records", warehouse.stage(
          schemas.get("rejected_records"), readAgain(surveyed, ReadPass.rejected(digests(), lines))
              .filter(col("row_status").equalTo(Ingested.REJECTED))
              .withColumn("run_id", lit(runId))), total(FileStats::rejected));
      LOG.info("Stage rejected_records: {} rows ({})", rows, watch.lap());
      return rows;
    } finally {
      lines.destroy();
    }
  }

  /**
   * Runs whose input is at most this large (about 100,000 records) write their record tables
   * one file per month, through a shuffle of every record: cheap at this size. Otherwise each
   * reading task writes a file for every month it holds. With files spanning years (the
   * sample's span six) that made hundreds of small files which every later read opened: 445
   * for the sample's 8,223 records, against 72 now. Bytes, not records: the first write comes
   * before the records are counted.
   */
  static final long SMALL_RUN_BYTES = 32L << 20;

  private boolean smallRun() {
    return prepared.inputs().stream().mapToLong(Ingest.InputRef::sizeBytes).sum()
        <= SMALL_RUN_BYTES;
  }

  /** {@code rows} in one partition per month when the run is small (see SMALL_RUN_BYTES). */
  private Dataset<Row> byMonthWhenSmall(Dataset<Row> rows) {
    return smallRun() ? rows.repartition(col("period")) : rows;
  }

  /** Where a lost or extra row of a written table would show. */
  private static long checkWritten(String table, long written, long expected) {
    if (written != expected) {
      throw new IllegalStateException("Conservation broken: " + written + " rows staged for "
          + table + " but the survey counted " + expected);
    }
    return written;
  }

  /**
   * {@code dual_use_flows}, classified from {@code trade_records} as written (only the columns
   * classification needs are read back), and what it found in each file.
   */
  private Classified classify() {
    spark.sparkContext().setJobDescription("classify into dual_use_flows");
    long matches = warehouse.stage(schemas.get("dual_use_flows"), byMonthWhenSmall(
        Classifier.classify(warehouse.readStaged(schemas.get("trade_records")),
            prepared.matchTable())));
    // Per file in one pass: records classified (each once, whatever lists it matched), their
    // value, and the concordance matches.
    List<Row> perFile = warehouse.readStaged(schemas.get("dual_use_flows"))
        .groupBy("source_file", "record_id")
        .agg(first("value_usd").as("usd"),
            count(when(col("is_hs_mapped"), lit(1))).as("mapped"))
        .groupBy("source_file")
        .agg(count(lit(1)).as("records"), sum("usd").as("usd"), sum("mapped").as("mapped"))
        .collectAsList();
    Map<String, Row> byFile = new HashMap<>();
    perFile.forEach(r -> byFile.put(r.getAs("source_file"), r));
    long records = 0;
    long mapped = 0;
    List<FileStats> withClassified = new ArrayList<>();
    for (FileStats f : counted) {
      Row r = byFile.get(f.input().uri());
      withClassified.add(r == null ? f : f.withClassified(r.<Long>getAs("records"),
          r.getAs("usd")));
      records += r == null ? 0 : r.<Long>getAs("records");
      mapped += r == null ? 0 : r.<Long>getAs("mapped");
    }
    counted = List.copyOf(withClassified);
    LOG.info("Stage dual_use_flows: {} matches of {} records ({})", matches, records,
        watch.lap());
    return new Classified(matches, records, mapped);
  }

  /** {@code flows_monthly}, one file per month. */
  private long aggregate() {
    spark.sparkContext().setJobDescription("aggregate flows_monthly");
    // Partitioned by month before the aggregation, which groups by month among other keys:
    // one shuffle serves both, where grouping first and then partitioning took two (the
    // groups are nearly as many as the matches). 10M rows: 15 -> 13 s of CPU.
    long rows = warehouse.stage(schemas.get("flows_monthly"), FlowsMonthly.from(
            warehouse.readStaged(schemas.get("dual_use_flows")).repartition(col("period")))
        .withColumn("run_id", lit(runId)));
    LOG.info("Stage flows_monthly: {} rows ({})", rows, watch.lap());
    return rows;
  }

  /**
   * The analytics tables over the warehouse as it will be: other runs' months plus this run's.
   * Empty when analytics are off.
   */
  private Map<String, Long> analytics(Surveyed surveyed) throws Exception {
    Map<String, Long> written = new LinkedHashMap<>();
    if (!config.settings().get(JobKey.ANALYTICS_ENABLED.key()).equals("true")) {
      LOG.info("Stage analytics: skipped (analytics.enabled=false)");
      return written;
    }
    spark.sparkContext().setJobDescription("analytics tables");
    try (AnalyticsJob.Tables tables = AnalyticsJob.tables(
        warehouse.futureView(schemas.get("flows_monthly"), surveyed.dateKeys()),
        warehouse.futureView(schemas.get("dual_use_flows"), surveyed.dateKeys()),
        warehouse.futureView(schemas.get("trade_records"), surveyed.dateKeys()),
        prepared.reference(), config.analytics())) {
      Map<String, Callable<Long>> writes = new LinkedHashMap<>();
      tables.byName().forEach((name, rows) -> writes.put(name, () -> {
        TableSchema schema = TableSchema.load(name);
        // One file per month, not one per task and month.
        boolean asTheyAre = schema.partitionColumns().isEmpty()
            || tables.inMonthPartitions().contains(name);
        return warehouse.stage(schema, asTheyAre ? rows
            : rows.repartition(col(schema.partitionColumns().get(0))));
      }));
      written.putAll(concurrently("analytics", writes));
    }
    LOG.info("Stage analytics: {} ({})", written, watch.lap());
    return written;
  }

  /**
   * Runs independent Spark actions from several driver threads at once, each with its own job
   * description. The analytics tables are many small jobs whose time goes to scheduling and
   * planning more than to computing: run one after another, the cores mostly wait. Returns the
   * results by name, in the given order; the first failure cancels the others and is thrown.
   */
  private <T> Map<String, T> concurrently(String stage, Map<String, Callable<T>> actions)
      throws Exception {
    String group = runId + "-" + stage;
    // The run's id goes with the work, so that every log line carries it.
    Map<String, String> logContext = org.apache.logging.log4j.ThreadContext.getImmutableContext();
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(actions.size(), 4));
    try {
      Map<String, Future<T>> running = new LinkedHashMap<>();
      actions.forEach((name, action) -> running.put(name, pool.submit(() -> {
        org.apache.logging.log4j.ThreadContext.putAll(logContext);
        spark.sparkContext().setJobGroup(group, stage + ": " + name, true);
        try {
          return action.call();
        } finally {
          spark.sparkContext().clearJobGroup();
          org.apache.logging.log4j.ThreadContext.clearMap();
        }
      })));
      Map<String, T> results = new LinkedHashMap<>();
      for (Map.Entry<String, Future<T>> r : running.entrySet()) {
        try {
          results.put(r.getKey(), r.getValue().get());
        } catch (ExecutionException e) {
          // The others stop too, those running and those not started yet: nothing of this
          // run may write after it has recorded its failure.
          spark.sparkContext().cancelJobGroupAndFutureJobs(group);
          running.values().forEach(f -> f.cancel(true));
          throw e.getCause() instanceof Exception cause ? cause : e;
        }
      }
      return results;
    } finally {
      pool.shutdownNow();
      if (!pool.awaitTermination(5, java.util.concurrent.TimeUnit.MINUTES)) {
        LOG.warn("Analytics writes of run {} still running after it stopped", runId);
      }
    }
  }

  /** Plans every move, stages the report and manifest, and passes the commit point. */
  private void publish(Surveyed surveyed, Map<String, Long> core, Map<String, Long> analytics) {
    for (String t : CORE_TABLES) {
      List<String> scope = t.equals("rejected_records") ? surveyed.rejectKeys()
          : surveyed.dateKeys();
      List<String> replaced = warehouse.planPublish(schemas.get(t), scope);
      manifest.table(new RunManifest.Table(t, core.get(t), replaced));
    }
    for (Map.Entry<String, Long> a : analytics.entrySet()) {
      warehouse.planReplace(TableSchema.load(a.getKey()));
      manifest.table(new RunManifest.Table(a.getKey(), a.getValue(), List.of("all")));
    }
    stageQualityReport(null);
    stageManifest("succeeded", null);
    // A run paused past its lease may have lost the warehouse to another: it must not publish.
    lock.checkHeld();
    // The commit point: from here on the run is published, now or by the next run.
    warehouse.commit();
    LOG.info("Stage publish: {} tables, {} months ({})", CORE_TABLES.size() + analytics.size(),
        surveyed.months().size(), watch.lap());
  }

  /** A failed run publishes only the report of what it read and its manifest row. */
  private void recordFailure(Exception e) {
    if (warehouse.isCommitted()) {
      return;
    }
    try {
      warehouse.discardPlan();
      if (!counted.isEmpty()) {
        stageQualityReport(config.maxRejectRatio());
      }
      stageManifest("failed", Pipeline.oneLine(e));
      warehouse.commit();
    } catch (RuntimeException again) {
      LOG.warn("Cannot record the failed run in run_manifest: {}", again.getMessage());
    }
  }

  private void stageQualityReport(Double limit) {
    TableSchema schema = TableSchema.load("quality_report");
    List<Row> rows = new ArrayList<>();
    for (FileStats f : counted) {
      rows.add(RowFactory.create(runId, f.input().source(), f.input().uri(), f.read(),
          f.accepted(), f.rejected(), f.duplicates(), f.outside(),
          CollectionConverters.asScala(f.byReason()),
          f.byReason().getOrDefault(Rejection.UNKNOWN_COUNTRY, 0L), f.rejectRatio(),
          f.countable(), f.countable() - f.classified(), f.valueAccepted(), f.valueCountable(),
          f.valueClassified(), QualityGate.isOver(f, limit) ? "over_limit" : "ok"));
    }
    warehouse.stage(schema, spark.createDataFrame(rows, schema.schema()).coalesce(1));
    warehouse.planPublish(schema, List.of());
  }

  private void stageManifest(String status, String reason) {
    TableSchema schema = TableSchema.load("run_manifest");
    Row row = manifest.toRow(status, reason, Instant.now(), Pipeline.appVersion(),
        spark.version());
    warehouse.stage(schema, spark.createDataFrame(List.of(row), schema.schema()).coalesce(1));
    warehouse.planPublish(schema, List.of());
  }

  /**
   * With a metastore (or catalog.register=true), every table is registered by name. The data is
   * published by then: a registration failure is reported, not a reason to fail the run.
   */
  private void registerInCatalog() {
    if (!registersInCatalog()) {
      return;
    }
    String database = config.settings().get(JobKey.CATALOG_DATABASE.key());
    try {
      Catalog.register(spark, database, warehouse.root(),
          TableSchema.ALL.stream().map(TableSchema::load).toList());
    } catch (RuntimeException e) {
      LOG.warn("The tables are published but not registered in catalog database {}: {}",
          database, Pipeline.oneLine(e));
    }
  }

  private boolean registersInCatalog() {
    String register = config.settings().get(JobKey.CATALOG_REGISTER.key());
    return register.equals("true") || (register.equals("auto") && Catalog.hasMetastore(spark));
  }

  /**
   * The summary's headline figures, from the tables as published. The run is published by
   * then: figures that cannot be made are a warning, not a failed run.
   */
  private Headlines.Figures headlines(Surveyed surveyed, boolean withAnalytics) {
    spark.sparkContext().setJobDescription("headline figures");
    try {
      return Headlines.of(warehouse.readPublished(TableSchema.load("flows_monthly")),
          withAnalytics ? warehouse.readPublished(TableSchema.load("supplier_share")) : null,
          withAnalytics ? warehouse.readPublished(TableSchema.load("transit_signals")) : null,
          withAnalytics ? warehouse.readPublished(TableSchema.load("coverage")) : null,
          prepared.reference().groups().all(), surveyed.months(),
          config.analytics().baseline(), config.analytics().originGroups().get(0));
    } catch (RuntimeException e) {
      LOG.warn("The run is published, but its headline figures could not be made: {}",
          Pipeline.oneLine(e));
      return Headlines.Figures.none(config.analytics().baseline());
    }
  }

  /**
   * With report.enabled, the HTML report of the warehouse as published, written while the run
   * still holds the lock (no other run publishes meanwhile). The run is published by then: a
   * report that cannot be written is a warning, not a failed run. Returns its file, or null.
   */
  private String writeReport() {
    if (!config.settings().get(JobKey.REPORT_ENABLED.key()).equals("true")) {
      return null;
    }
    String dir = config.settings().get(JobKey.REPORT_DIR.key());
    try {
      String file = Report.write(spark, config.warehouse(), dir).file();
      LOG.info("Stage report: {} ({})", file, watch.lap());
      return file;
    } catch (Exception e) {
      // Exception: a failed Spark job arrives as Spark's checked SparkException.
      LOG.warn("The run is published, but its report could not be written to {}: {}", dir,
          Pipeline.oneLine(e));
      return null;
    }
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

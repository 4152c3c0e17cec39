package org.dualflow.publish;

import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Observation;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.dualflow.schema.TableSchema;

/**
 * A warehouse directory: one folder per table, Parquet files in Hive-style partition folders.
 *
 * <p>A run writes each table aside, under {@code _staging/<run id>/}, and only when everything
 * is written does it publish: a plan of renames (the live partition out, the staged one in; a
 * whole derived table at once) is committed to a file and then carried out, so that a reader
 * sees the old or the new month and never a half-written one, and a run killed half-way through
 * its renames is completed by the next run. Readers must ignore folders starting with {@code _}
 * (Spark and the documented DuckDB glob do).
 */
public final class Warehouse {

  private static final Logger LOG = LogManager.getLogger(Warehouse.class);

  private final SparkSession spark;
  private final Path root;
  private final FileSystem fs;
  private final String runId;
  private final List<Move> plan = new ArrayList<>();
  private final Set<String> readable = new LinkedHashSet<>();
  private boolean committed;

  /** One rename of the publish. */
  private record Move(Path from, Path to) {
  }

  static final String PLAN = "_publish.plan";
  static final String ABANDONED = "_if_abandoned";

  public Warehouse(SparkSession spark, String rootUri, String runId) {
    this.spark = spark;
    this.root = new Path(rootUri);
    this.runId = runId;
    try {
      this.fs = root.getFileSystem(spark.sparkContext().hadoopConfiguration());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot open warehouse " + rootUri, e);
    }
  }

  /** The warehouse folder, qualified with its file system (what a catalog location needs). */
  public Path root() {
    return fs.makeQualified(root);
  }

  public Path tablePath(String table) {
    return new Path(root, table);
  }

  private Path stagingRoot() {
    return new Path(new Path(root, "_staging"), runId);
  }

  private Path stagedTable(String table) {
    return new Path(stagingRoot(), table);
  }

  /**
   * Columns whose values are (nearly) all different. Parquet would build a dictionary for each
   * of them, page after page, only to give up on it: the largest cost of writing
   * {@code trade_records} in a profile at 1M rows.
   */
  static final java.util.Set<String> NO_DICTIONARY = java.util.Set.of("record_id",
      "source_line", "value_usd", "value_orig", "net_kg", "qty", "raw_line");

  /**
   * Writes {@code rows} aside, shaped as the table (columns, order and types), and returns how
   * many rows were written, counted by the write itself (no second read).
   */
  public long stage(TableSchema table, Dataset<Row> rows) {
    return write(table, rows, stagedTable(table.name()));
  }

  private long write(TableSchema table, Dataset<Row> rows, Path path) {
    Observation written = new Observation();
    DataFrameWriter<Row> writer = rows.select(table.columns())
        .observe(written, count(lit(1)).as("rows")).write();
    for (String column : table.schema().fieldNames()) {
      if (NO_DICTIONARY.contains(column)) {
        writer = writer.option("parquet.enable.dictionary#" + column, "false");
      }
    }
    writer
        .mode(SaveMode.Overwrite)
        .partitionBy(table.partitionColumns().toArray(String[]::new))
        .parquet(path.toString());
    try {
      return (Long) written.getAsJava().get("rows");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while counting the rows of " + table.name(),
          e);
    }
  }

  /** The staged partition values of a table partitioned by one column. */
  private TreeSet<String> stagedValues(TableSchema table) throws IOException {
    String column = table.partitionColumns().get(0);
    TreeSet<String> values = new TreeSet<>();
    Path staged = stagedTable(table.name());
    if (fs.exists(staged)) {
      for (FileStatus s : fs.listStatus(staged)) {
        String name = s.getPath().getName();
        if (s.isDirectory() && name.startsWith(column + "=")) {
          values.add(name.substring(column.length() + 1));
        }
      }
    }
    return values;
  }

  /**
   * Removes the staged partitions of {@code table} whose value is not in {@code keep}: rows
   * written before the run knew its months.
   */
  public void unstageOutside(TableSchema table, Collection<String> keep) {
    String column = table.partitionColumns().get(0);
    try {
      for (String value : stagedValues(table)) {
        if (!keep.contains(value)) {
          fs.delete(new Path(stagedTable(table.name()), column + "=" + value), true);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot remove staged partitions of " + table.name(), e);
    }
  }

  /**
   * Writes the staged partitions {@code values} of {@code table} again through {@code change}
   * (read back with the declared schema), in place of the ones staged. Returns the rows
   * written.
   */
  public long restage(TableSchema table, Collection<String> values,
      java.util.function.UnaryOperator<Dataset<Row>> change) {
    String column = table.partitionColumns().get(0);
    Path staged = stagedTable(table.name());
    Path rewritten = new Path(stagingRoot(), table.name() + "_restaged");
    long rows = write(table, change.apply(readStaged(table).filter(
        org.apache.spark.sql.functions.col(column).cast("string").isin(values.toArray()))),
        rewritten);
    try {
      for (String value : values) {
        String dir = column + "=" + value;
        fs.delete(new Path(staged, dir), true);
        if (fs.exists(new Path(rewritten, dir))) {
          fs.rename(new Path(rewritten, dir), new Path(staged, dir));
        }
      }
      fs.delete(rewritten, true);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot replace staged partitions of " + table.name(), e);
    }
    return rows;
  }

  /**
   * Takes this warehouse's lock for the run, creating the warehouse folder if needed.
   *
   * @throws WarehouseLock.BusyException when another run holds it
   */
  public WarehouseLock lock() {
    return WarehouseLock.acquire(fs, root, runId, WarehouseLock.LEASE);
  }

  /** The published table, read with its declared schema (empty when there is none yet). */
  public Dataset<Row> readPublished(TableSchema table) {
    try {
      if (!fs.exists(tablePath(table.name()))) {
        return spark.createDataFrame(List.of(), table.schema());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + tablePath(table.name()), e);
    }
    return spark.read().schema(table.schema()).parquet(tablePath(table.name()).toString());
  }

  /**
   * The table as it will be once this run publishes: the live partitions outside the run's
   * scope, and the staged ones. Read with the declared schema; the table need not exist yet.
   */
  public Dataset<Row> futureView(TableSchema table, java.util.Collection<String> scope) {
    Dataset<Row> staged = readStaged(table);
    String column = table.partitionColumns().get(0);
    try {
      if (!fs.exists(tablePath(table.name()))) {
        return staged;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + tablePath(table.name()), e);
    }
    Dataset<Row> live = spark.read().schema(table.schema())
        .parquet(tablePath(table.name()).toString())
        .filter(org.apache.spark.sql.functions.not(org.apache.spark.sql.functions.col(column)
            .cast("string").isin(scope.toArray())));
    return live.unionByName(staged);
  }

  /** The staged table, read back with its declared schema. */
  public Dataset<Row> readStaged(TableSchema table) {
    return spark.read().schema(table.schema()).parquet(stagedTable(table.name()).toString());
  }

  /**
   * Plans moving the staged partitions of {@code table} into place for every partition value in
   * {@code scope}: the live partition out of the way (into this run's trash), the staged one in.
   * A partition in scope that the run did not produce is removed: the run is the truth for its
   * months. A staged partition outside the scope is an error: the run would overwrite months it
   * does not own. Unpartitioned tables are appended to (their staged files move in). Returns the
   * partition values that will be replaced. Nothing moves before {@link #commit()}.
   */
  public List<String> planPublish(TableSchema table, Collection<String> scope) {
    try {
      Path target = tablePath(table.name());
      Path staged = stagedTable(table.name());
      readable.add(table.name());
      if (table.partitionColumns().isEmpty()) {
        if (fs.exists(staged)) {
          for (FileStatus s : fs.listStatus(staged)) {
            String name = s.getPath().getName();
            if (s.isFile() && name.endsWith(".parquet")) {
              plan.add(new Move(s.getPath(), new Path(target, name)));
            }
          }
        }
        return List.of();
      }
      if (table.partitionColumns().size() != 1) {
        throw new IllegalStateException("Cannot publish " + table.name()
            + ": only one partition column is supported");
      }
      String column = table.partitionColumns().get(0);
      TreeSet<String> stagedValues = stagedValues(table);
      TreeSet<String> inScope = new TreeSet<>(scope);
      if (!inScope.containsAll(stagedValues)) {
        stagedValues.removeAll(inScope);
        throw new IllegalStateException("Cannot publish " + table.name() + ": the run wrote "
            + column + " values outside its scope: " + stagedValues);
      }
      Path trash = new Path(new Path(stagingRoot(), "_replaced"), table.name());
      List<String> replaced = new ArrayList<>();
      for (String value : inScope) {
        String dir = column + "=" + value;
        Path live = new Path(target, dir);
        boolean hadLive = fs.exists(live);
        boolean hasFresh = stagedValues.contains(value);
        if (hadLive) {
          plan.add(new Move(live, new Path(trash, dir)));
        }
        if (hasFresh) {
          plan.add(new Move(new Path(staged, dir), live));
        }
        if (hadLive || hasFresh) {
          replaced.add(value);
        }
      }
      return replaced;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot publish " + table.name() + " in " + root, e);
    }
  }

  /**
   * Plans putting the staged table in place of the live one, whole: for derived tables
   * recomputed over the whole warehouse by every run. The old table goes to the run's trash.
   */
  public void planReplace(TableSchema table) {
    try {
      Path live = tablePath(table.name());
      Path staged = stagedTable(table.name());
      if (!fs.exists(staged)) {
        fs.mkdirs(staged);
      }
      readable.add(table.name());
      if (fs.exists(live)) {
        plan.add(new Move(live, new Path(new Path(stagingRoot(), "_replaced"), table.name())));
      }
      plan.add(new Move(staged, live));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot publish " + table.name() + " in " + root, e);
    }
  }

  /** Forgets the planned moves (a failing run publishes only its manifest and report). */
  public void discardPlan() {
    plan.clear();
    readable.clear();
  }

  /**
   * Publishes the plan. The plan is first written to {@code _staging/<run id>/_publish.plan}
   * (to a temporary name, then renamed: that rename is the commit point); then every move is
   * made, in order. A run killed after the commit point is completed by the next run
   * ({@link #recover()}); a run killed before it has published nothing. Each move is a rename
   * of a folder or file within one file system, atomic on local file systems and HDFS.
   */
  public void commit() {
    if (plan.isEmpty()) {
      return;
    }
    try {
      Path planFile = writePlan();
      execute(planFile);
      fs.delete(planFile, false);
      discardPlan();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot publish run " + runId + " in " + root
          + (committed ? " (the next run completes what is committed)" : ""), e);
    }
  }

  /** Writes the plan and passes the commit point; the moves are still to be made. */
  Path writePlan() throws IOException {
    Path planFile = new Path(stagingRoot(), PLAN);
    Path tmp = new Path(stagingRoot(), PLAN + ".tmp");
    StringBuilder text = new StringBuilder();
    plan.forEach(m -> text.append("move\t").append(m.from()).append('\t').append(m.to())
        .append('\n'));
    readable.forEach(t -> text.append("readable\t").append(t).append('\n'));
    try (FSDataOutputStream out = fs.create(tmp, true)) {
      out.write(text.toString().getBytes(StandardCharsets.UTF_8));
      out.hsync();
    }
    rename(tmp, planFile);
    committed = true;
    LOG.debug("Committed the publish plan of run {}: {} moves", runId, plan.size());
    return planFile;
  }

  /** True once a plan of this run has passed its commit point. */
  public boolean isCommitted() {
    return committed;
  }

  /** Makes the moves of a committed plan that are not made yet, then checks its tables. */
  private void execute(Path planFile) throws IOException {
    List<String> lines;
    try (var in = fs.open(planFile)) {
      lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    }
    for (String line : lines) {
      String[] f = line.split("\t", -1);
      if (f[0].equals("move")) {
        Path from = new Path(f[1]);
        Path to = new Path(f[2]);
        // Done already when the target exists: a live folder is moved away before its
        // replacement moves in, and plans are replayed in order.
        if (!fs.exists(to) && fs.exists(from)) {
          fs.mkdirs(to.getParent());
          rename(from, to);
        }
      }
    }
    for (String line : lines) {
      String[] f = line.split("\t", -1);
      if (f[0].equals("readable")) {
        ensureReadable(TableSchema.load(f[1]));
      }
    }
  }

  /**
   * Finishes what runs that died left behind, before this run stages anything: a run killed
   * after its commit point has its plan completed; a run killed before it published nothing,
   * and its staged files go (with its manifest row saying so, when it got far enough to write
   * one). Returns the run ids found. Call it holding the warehouse's lock ({@link #lock()}):
   * another run's staging is only ever a dead run's.
   */
  public List<String> recover() {
    Path staging = new Path(root, "_staging");
    List<String> found = new ArrayList<>();
    try {
      if (!fs.exists(staging)) {
        return found;
      }
      for (FileStatus s : fs.listStatus(staging)) {
        String other = s.getPath().getName();
        if (!s.isDirectory() || other.equals(runId)) {
          continue;
        }
        found.add(other);
        Path planFile = new Path(s.getPath(), PLAN);
        if (fs.exists(planFile)) {
          LOG.warn("Run {} stopped while publishing; completing its publish", other);
          execute(planFile);
        } else {
          LOG.warn("Run {} stopped before publishing anything; removing its staged files",
              other);
          Path abandoned = new Path(new Path(s.getPath(), ABANDONED), "run_manifest");
          if (fs.exists(abandoned)) {
            Path target = tablePath("run_manifest");
            fs.mkdirs(target);
            for (FileStatus f : fs.listStatus(abandoned)) {
              if (f.isFile() && f.getPath().getName().endsWith(".parquet")) {
                rename(f.getPath(), new Path(target, f.getPath().getName()));
              }
            }
            ensureReadable(TableSchema.load("run_manifest"));
          }
        }
        fs.delete(s.getPath(), true);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot recover earlier runs in " + staging, e);
    }
    return found;
  }

  /**
   * Stages the manifest row the next run publishes should this one die before publishing
   * (killed, out of memory): the run then still has its row, status failed.
   */
  public void stageAbandonedManifest(Row row) {
    TableSchema schema = TableSchema.load("run_manifest");
    spark.createDataFrame(List.of(row), schema.schema()).coalesce(1).write()
        .mode(SaveMode.Overwrite)
        .parquet(new Path(new Path(stagingRoot(), ABANDONED), "run_manifest").toString());
  }

  static final String EMPTY_FILE = "part-00000-empty.parquet";

  /**
   * Keeps every table readable by schema-less readers (DuckDB's glob, Spark's inference): a
   * table without data holds one empty Parquet file with its schema; once a partitioned table
   * has partitions, that file goes.
   */
  public void ensureReadable(TableSchema table) {
    try {
      Path live = tablePath(table.name());
      fs.mkdirs(live);
      boolean hasData = false;
      boolean hasPlaceholder = false;
      for (FileStatus s : fs.listStatus(live)) {
        String name = s.getPath().getName();
        if (name.equals(EMPTY_FILE)) {
          hasPlaceholder = true;
        } else if ((s.isDirectory() && name.contains("=")) || name.endsWith(".parquet")) {
          hasData = true;
        }
      }
      if (hasData && hasPlaceholder) {
        fs.delete(new Path(live, EMPTY_FILE), false);
      } else if (!hasData && !hasPlaceholder) {
        Path tmp = new Path(new Path(stagingRoot(), "_empty"), table.name());
        spark.createDataFrame(java.util.List.of(), table.schema()).coalesce(1).write()
            .mode(SaveMode.Overwrite).parquet(tmp.toString());
        for (FileStatus s : fs.listStatus(tmp)) {
          if (s.getPath().getName().endsWith(".parquet")) {
            rename(s.getPath(), new Path(live, EMPTY_FILE));
            break;
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot check table " + table.name() + " in " + root, e);
    }
  }

  private void rename(Path from, Path to) throws IOException {
    if (!fs.rename(from, to)) {
      throw new IOException("rename " + from + " -> " + to + " failed");
    }
  }

  /** Removes this run's staging area (written tables and replaced partitions). */
  public void cleanUp() {
    try {
      if (fs.exists(new Path(stagingRoot(), PLAN))) {
        LOG.warn("Run {} committed its publish but could not finish it; the next run on {} "
            + "completes it", runId, root);
        return;
      }
      fs.delete(stagingRoot(), true);
      Path staging = new Path(root, "_staging");
      FileStatus[] left = fs.exists(staging) ? fs.listStatus(staging) : new FileStatus[0];
      if (left.length == 0) {
        fs.delete(staging, true);
      }
    } catch (IOException e) {
      LOG.warn("Cannot remove staging folder {}: {}", stagingRoot(), e.getMessage());
    }
  }
}

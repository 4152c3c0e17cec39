package org.dualflow.publish;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.dualflow.schema.TableSchema;

/**
 * A warehouse directory: one folder per table, Parquet files in Hive-style partition folders.
 *
 * <p>A run writes each table aside, under {@code _staging/<run id>/}, and only when everything
 * is written does it move the staged partition folders into place, one rename per partition, so
 * that a reader sees either the old or the new month and never a half-written one. Partitions in
 * the run's scope that the run did not produce are removed: the run is the truth for its months.
 * Readers must ignore folders starting with {@code _} (Spark and the documented DuckDB glob do).
 */
public final class Warehouse {

  private static final Logger LOG = LogManager.getLogger(Warehouse.class);

  private final SparkSession spark;
  private final Path root;
  private final FileSystem fs;
  private final String runId;

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

  public Path tablePath(String table) {
    return new Path(root, table);
  }

  private Path stagingRoot() {
    return new Path(new Path(root, "_staging"), runId);
  }

  private Path stagedTable(String table) {
    return new Path(stagingRoot(), table);
  }

  /** Writes {@code rows} aside, shaped as the table (columns, order and types). */
  public void stage(TableSchema table, Dataset<Row> rows) {
    String path = stagedTable(table.name()).toString();
    rows.select(table.columns())
        .write()
        .mode(SaveMode.Overwrite)
        .partitionBy(table.partitionColumns().toArray(String[]::new))
        .parquet(path);
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
   * Moves the staged partitions of {@code table} into place for every partition value in
   * {@code scope} (a staged partition outside the scope is an error: the run would overwrite
   * months it does not own). Returns the partition values replaced.
   */
  public List<String> publish(TableSchema table, Collection<String> scope) {
    try {
      Path target = tablePath(table.name());
      fs.mkdirs(target);
      Path staged = stagedTable(table.name());
      if (table.partitionColumns().isEmpty()) {
        appendFiles(staged, target);
        return List.of();
      }
      if (table.partitionColumns().size() != 1) {
        throw new IllegalStateException("Cannot publish " + table.name()
            + ": only one partition column is supported");
      }
      String column = table.partitionColumns().get(0);
      TreeSet<String> stagedValues = new TreeSet<>();
      if (fs.exists(staged)) {
        for (FileStatus s : fs.listStatus(staged)) {
          String name = s.getPath().getName();
          if (s.isDirectory() && name.startsWith(column + "=")) {
            stagedValues.add(name.substring(column.length() + 1));
          }
        }
      }
      TreeSet<String> inScope = new TreeSet<>(scope);
      if (!inScope.containsAll(stagedValues)) {
        stagedValues.removeAll(inScope);
        throw new IllegalStateException("Cannot publish " + table.name() + ": the run wrote "
            + column + " values outside its scope: " + stagedValues);
      }
      Path trash = new Path(new Path(stagingRoot(), "_replaced"), table.name());
      fs.mkdirs(trash);
      List<String> replaced = new ArrayList<>();
      for (String value : inScope) {
        String dir = column + "=" + value;
        Path live = new Path(target, dir);
        Path fresh = new Path(staged, dir);
        boolean hadLive = fs.exists(live);
        boolean hasFresh = stagedValues.contains(value);
        if (hadLive) {
          rename(live, new Path(trash, dir));
        }
        if (hasFresh) {
          rename(fresh, live);
        }
        if (hadLive || hasFresh) {
          replaced.add(value);
        }
      }
      LOG.debug("Published {}: {} partitions", table.name(), replaced.size());
      return replaced;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot publish " + table.name() + " in " + root, e);
    }
  }

  /**
   * Puts the staged table in place of the live one, whole: for derived tables recomputed over
   * the whole warehouse by every run. Two renames; the old table goes to the run's trash.
   */
  public void replaceTable(TableSchema table) {
    try {
      Path live = tablePath(table.name());
      Path staged = stagedTable(table.name());
      if (!fs.exists(staged)) {
        fs.mkdirs(staged);
      }
      Path trash = new Path(new Path(stagingRoot(), "_replaced"), table.name());
      fs.mkdirs(trash.getParent());
      if (fs.exists(live)) {
        rename(live, trash);
      }
      rename(staged, live);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot publish " + table.name() + " in " + root, e);
    }
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

  private void appendFiles(Path staged, Path target) throws IOException {
    if (!fs.exists(staged)) {
      return;
    }
    for (FileStatus s : fs.listStatus(staged)) {
      String name = s.getPath().getName();
      if (s.isFile() && name.endsWith(".parquet")) {
        rename(s.getPath(), new Path(target, name));
      }
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

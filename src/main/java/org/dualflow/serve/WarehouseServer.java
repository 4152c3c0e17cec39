package org.dualflow.serve;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.connect.service.SparkConnectService;
import org.dualflow.pipeline.SparkSettings;
import org.dualflow.publish.Catalog;
import org.dualflow.schema.TableSchema;

/**
 * A Spark Connect server over a warehouse. Every table folder is an external table of the
 * server's in-memory catalog, which all client sessions share (a temporary view would be one
 * session's), in the database {@value #DATABASE} and again in {@code default}, every new
 * session's current database: clients query {@code flows_monthly} or
 * {@code dualflow.flows_monthly} (as on a cluster whose metastore the runs register in) without
 * knowing a path. Known tables have their declared schema, as {@code jobs/dualflow sql} reads
 * them.
 *
 * <p>Current without a restart: a table's partition folders are listed at every query instead
 * of being kept in the catalog, and no session keeps a table's file list between queries (a
 * publish renames month folders, so a kept list would name files that are gone). The
 * warehouse is checked every {@link #POLL_MILLIS} ms for a finished run (each adds a file to
 * {@code run_manifest}, the last move of its publish); then new table folders are registered
 * and every table refreshed, which also drops data a client cached.
 *
 * <p>Whoever can connect can run any SQL as the server's user, including reading other files:
 * hence loopback by default and a token on any other address (Spark Connect's own
 * {@code spark.connect.authenticate.token}).
 */
public final class WarehouseServer {

  private static final Logger LOG = LogManager.getLogger(WarehouseServer.class);

  /** The database the tables are registered in, as {@code catalog.database} by default. */
  public static final String DATABASE = "dualflow";

  /**
   * Where each table is registered. A session's current database can only be set to one that
   * exists when the session starts, which {@value #DATABASE} does not in a new in-memory
   * catalog: so the tables are in {@code default} too.
   */
  private static final List<String> DATABASES = List.of(DATABASE, "default");

  static final long POLL_MILLIS = 3_000;

  /**
   * What to serve and how.
   *
   * @param warehouse the warehouse folder (a local path or a URI)
   * @param token what clients must send; null: no token
   */
  public record Settings(String warehouse, String host, int port, String token) {

    /** True when only this machine can connect: the host is a loopback address. */
    public boolean isLoopback() {
      try {
        return InetAddress.getByName(host).isLoopbackAddress();
      } catch (UnknownHostException e) {
        return false;
      }
    }
  }

  /** The Spark settings the server owns: they override the command line's. */
  static Map<String, String> sparkSettings(Settings settings) {
    Map<String, String> conf = new LinkedHashMap<>();
    conf.put("spark.connect.grpc.binding.address", settings.host());
    conf.put("spark.connect.grpc.binding.port", String.valueOf(settings.port()));
    conf.put("spark.connect.grpc.port.maxRetries", "0");   // that port or an error, no other
    if (settings.token() != null) {
      conf.put("spark.connect.authenticate.token", settings.token());
    }
    // As Spark's own Connect server: jars and files a client adds are that session's.
    conf.put("spark.sql.session.isolateArtifacts", "true");
    // The server's own catalog, never a cluster's metastore.
    conf.put("spark.sql.catalogImplementation", "in-memory");
    // Partitions found in the folders at each query, not kept in the catalog.
    conf.put("spark.sql.hive.manageFilesourcePartitions", "false");
    // No session keeps a table's files between queries.
    conf.put("spark.sql.filesourceTableRelationCacheSize", "0");
    return conf;
  }

  private final SparkSession spark;
  private final Path root;
  private final FileSystem fs;
  private final TreeSet<String> registered = new TreeSet<>();
  private String lastPublish;

  private WarehouseServer(SparkSession spark, String warehouse) {
    this.spark = spark;
    this.root = new Path(warehouse);
    try {
      this.fs = root.getFileSystem(spark.sparkContext().hadoopConfiguration());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot open warehouse " + warehouse, e);
    }
  }

  /**
   * Starts Spark, registers the warehouse's tables and starts the Spark Connect service.
   *
   * @throws java.net.BindException (unchecked by javac, from Spark) when the port is taken
   */
  public static WarehouseServer start(Settings settings) {
    SparkSession spark = SparkSettings.session("dualflow serve", sparkSettings(settings));
    WarehouseServer server = new WarehouseServer(spark, settings.warehouse());
    try {
      spark.sql("CREATE DATABASE IF NOT EXISTS `" + DATABASE + "`");
      server.lastPublish = server.publishMarker();
      server.sync();
      SparkConnectService.start(spark.sparkContext());
    } catch (RuntimeException e) {
      spark.stop();
      throw e;
    }
    return server;
  }

  /** The registered tables, by name. */
  public List<String> tables() {
    return new ArrayList<>(registered);
  }

  /** Checks for new publishes until the process is stopped. */
  public void serveUntilStopped() throws InterruptedException {
    while (!Thread.currentThread().isInterrupted()) {
      Thread.sleep(POLL_MILLIS);
      try {
        refreshIfPublished();
      } catch (RuntimeException e) {
        // A warehouse being written (or briefly unreachable) is no reason to stop serving.
        LOG.warn("Cannot refresh the tables of {}: {}", root, e.getMessage());
      }
    }
  }

  /** Registers and refreshes the tables if a run finished since the last look. */
  boolean refreshIfPublished() {
    String marker = publishMarker();
    if (marker.equals(lastPublish)) {
      return false;
    }
    lastPublish = marker;
    sync();
    LOG.info("A run was published in {}: {} tables refreshed", root, registered.size());
    return true;
  }

  /** Table folders and manifest files: a finished run adds a manifest file, last. */
  private String publishMarker() {
    StringBuilder marker = new StringBuilder();
    for (String table : tableFolders()) {
      marker.append(table).append('\n');
    }
    Path manifest = new Path(root, "run_manifest");
    try {
      if (fs.isDirectory(manifest)) {
        TreeSet<String> files = new TreeSet<>();
        for (FileStatus f : fs.listStatus(manifest)) {
          files.add(f.getPath().getName());
        }
        files.forEach(f -> marker.append(f).append('\n'));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list " + manifest, e);
    }
    return marker.toString();
  }

  private TreeSet<String> tableFolders() {
    TreeSet<String> names = new TreeSet<>();
    try {
      for (FileStatus s : fs.listStatus(root)) {
        String name = s.getPath().getName();
        if (s.isDirectory() && !name.startsWith("_") && !name.startsWith(".")) {
          names.add(name);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list warehouse " + root, e);
    }
    return names;
  }

  /** Registers new table folders, forgets removed ones, refreshes the others. */
  private void sync() {
    TreeSet<String> folders = tableFolders();
    for (String name : folders) {
      if (registered.contains(name)) {
        for (String database : DATABASES) {
          spark.sql("REFRESH TABLE " + qualified(database, name));
        }
        continue;
      }
      Path location = fs.makeQualified(new Path(root, name));
      TableSchema schema = knownSchema(name);
      try {
        for (String database : DATABASES) {
          String table = qualified(database, name);
          spark.sql(schema != null ? Catalog.createTable(table, schema, location)
              : "CREATE TABLE IF NOT EXISTS " + table + " USING PARQUET LOCATION '"
                  + location.toString().replace("'", "\\'") + "'");
        }
        registered.add(name);
      } catch (Exception e) {
        // A folder that is no table of ours and holds no Parquet file Spark can read (Spark's
        // AnalysisException is checked in Scala's eyes, invisible to javac).
        LOG.warn("Not serving folder {} of {}: {}", name, root, e.getMessage());
      }
    }
    for (String name : new ArrayList<>(registered)) {
      if (!folders.contains(name)) {
        for (String database : DATABASES) {
          spark.sql("DROP TABLE IF EXISTS " + qualified(database, name));
        }
        registered.remove(name);
      }
    }
  }

  private static String qualified(String database, String table) {
    return "`" + database + "`.`" + table + "`";
  }

  private static TableSchema knownSchema(String name) {
    try {
      return TableSchema.load(name);
    } catch (IllegalStateException e) {
      return null;
    }
  }
}

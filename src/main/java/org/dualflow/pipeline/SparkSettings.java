package org.dualflow.pipeline;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.dualflow.publish.NioLocalFileSystem;

/**
 * The Spark settings dualflow needs, applied only where the user (spark-submit, --conf) set
 * nothing. The master is never among them.
 */
public final class SparkSettings {

  // Spark's in-memory cache (the analytics' shared inputs) stays compressed, Spark's default:
  // uncompressed, it ran a 50M-row run with the analytics out of a 1 GiB heap
  // (OutOfMemoryError building the cache); compressed, that run completes, and at 10M rows
  // the analytics take the same time with less collection.
  public static final Map<String, String> DEFAULTS = Map.of(
      "spark.sql.session.timeZone", "UTC",
      "spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS",
      "spark.sql.sources.partitionOverwriteMode", "static",
      // Tables are partitioned by month: a few hundred folders over decades. Above 32 folders
      // Spark lists them with a Spark job of its own (a few hundred milliseconds each time a
      // table is read) where the driver lists them in milliseconds.
      "spark.sql.sources.parallelPartitionDiscovery.threshold", "1024",
      "spark.hadoop.fs.file.impl", NioLocalFileSystem.class.getName());

  private SparkSettings() {
  }

  /**
   * Hadoop settings as Spark will see them: defaults plus spark.hadoop.* properties. Input
   * discovery uses them before Spark starts; since Hadoop caches one file system per scheme,
   * they must agree with the session's.
   */
  public static Configuration hadoopConf() {
    Configuration conf = new Configuration();
    Map<String, String> spark = new HashMap<>(DEFAULTS);
    Properties sys = System.getProperties();
    sys.stringPropertyNames().forEach(name -> spark.put(name, sys.getProperty(name)));
    spark.forEach((name, value) -> {
      if (name.startsWith("spark.hadoop.")) {
        conf.set(name.substring("spark.hadoop.".length()), value);
      }
    });
    return conf;
  }

  /** {@link #hadoopConf()} as a map, as the readers take it to the executors. */
  public static Map<String, String> hadoopSettings() {
    Map<String, String> settings = new HashMap<>();
    hadoopConf().forEach(e -> settings.put(e.getKey(), e.getValue()));
    return settings;
  }

  /** The session, configured by spark-submit, with {@link #DEFAULTS} where unset. */
  public static SparkSession session(String appName) {
    return session(appName, Map.of());
  }

  /**
   * The session, configured by spark-submit, with {@link #DEFAULTS} where unset and
   * {@code forced} whatever was set (settings a command owns, like the address it listens on).
   */
  public static SparkSession session(String appName, Map<String, String> forced) {
    SparkConf conf = new SparkConf().setIfMissing("spark.app.name", appName);
    forced.forEach(conf::set);
    DEFAULTS.forEach(conf::setIfMissing);
    if (conf.get("spark.master", "local").startsWith("local")) {
      // Spark SQL would otherwise leave an empty spark-warehouse/ wherever the job was started;
      // dualflow's tables live in the job's own warehouse, not in Spark's.
      conf.setIfMissing("spark.sql.warehouse.dir", Path.of(System.getProperty("java.io.tmpdir"),
          "dualflow-spark-warehouse").toUri().toString());
    }
    return SparkSession.builder().config(conf).getOrCreate();
  }
}

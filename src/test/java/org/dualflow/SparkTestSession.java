package org.dualflow;

import org.apache.spark.sql.SparkSession;
import org.dualflow.pipeline.SparkSettings;

/**
 * One local Spark session for the whole test JVM: two threads, two shuffle partitions, no UI,
 * loopback host, and dualflow's own settings ({@link SparkSettings#DEFAULTS}), so that a
 * pipeline run in process behaves as a launched one. Starting Spark costs seconds; starting it
 * per test would dominate the suite.
 */
public final class SparkTestSession {

  private static SparkSession session;

  private SparkTestSession() {
  }

  public static synchronized SparkSession get() {
    if (session == null) {
      SparkSession.Builder builder = SparkSession.builder()
          .master("local[2]")
          .appName("dualflow-tests")
          .config("spark.ui.enabled", "false")
          .config("spark.sql.shuffle.partitions", "2")
          .config("spark.default.parallelism", "2")
          .config("spark.driver.host", "127.0.0.1")
          .config("spark.driver.bindAddress", "127.0.0.1")
          .config("spark.sql.warehouse.dir", java.nio.file.Path.of("target", "spark-warehouse")
              .toAbsolutePath().toUri().toString());   // not a stray folder in the project root
      SparkSettings.DEFAULTS.forEach(builder::config);
      session = builder.getOrCreate();
      Runtime.getRuntime().addShutdownHook(new Thread(session::stop));
    }
    return session;
  }
}

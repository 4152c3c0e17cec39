package org.dualflow;

import org.apache.spark.sql.SparkSession;

/**
 * One local Spark session for the whole test JVM: two threads, two shuffle partitions, no UI,
 * loopback host, UTC. Starting Spark costs seconds; starting it per test would dominate the
 * suite.
 */
public final class SparkTestSession {

  private static SparkSession session;

  private SparkTestSession() {
  }

  public static synchronized SparkSession get() {
    if (session == null) {
      session = SparkSession.builder()
          .master("local[2]")
          .appName("dualflow-tests")
          .config("spark.ui.enabled", "false")
          .config("spark.sql.shuffle.partitions", "2")
          .config("spark.default.parallelism", "2")
          .config("spark.driver.host", "127.0.0.1")
          .config("spark.driver.bindAddress", "127.0.0.1")
          .config("spark.sql.session.timeZone", "UTC")
          .config("spark.sql.warehouse.dir", java.nio.file.Path.of("target", "spark-warehouse")
              .toAbsolutePath().toUri().toString())   // not a stray folder in the project root
          .config("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS")
          .getOrCreate();
      Runtime.getRuntime().addShutdownHook(new Thread(session::stop));
    }
    return session;
  }
}

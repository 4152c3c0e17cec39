package org.dualflow;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * An analyst's Spark SQL session on a Hive metastore, in a process of its own: runs each query
 * given and prints its rows, tab-separated, then a line {@code --}. It knows the tables by name
 * only, never their folders. The master and the metastore come from system properties
 * ({@code -Dspark.master=...}, {@code -Dspark.hadoop.javax.jdo.option.ConnectionURL=...}).
 */
public final class MetastoreQuery {

  private MetastoreQuery() {
  }

  public static void main(String[] args) {
    SparkSession spark = SparkSession.builder().appName("metastore query").enableHiveSupport()
        .getOrCreate();
    try {
      for (String query : args) {
        for (Row row : spark.sql(query).collectAsList()) {
          System.out.println(row.mkString("\t"));
        }
        System.out.println("--");
      }
    } finally {
      spark.stop();
    }
  }
}

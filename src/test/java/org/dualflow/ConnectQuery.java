package org.dualflow;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * A notebook's Spark session, in a process of its own with Spark's JVM Spark Connect client
 * and no Spark: connects to {@code args[0]} (an {@code sc://} URL) and answers each line of
 * standard input as a SQL query with its rows, tab-separated, and a line {@code --}; a failed
 * query prints {@code error} and the first line of its message instead. One session from
 * start to end, as a notebook keeps it.
 */
public final class ConnectQuery {

  private ConnectQuery() {
  }

  public static void main(String[] args) throws Exception {
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in,
        StandardCharsets.UTF_8));
    SparkSession spark = null;
    for (String query = in.readLine(); query != null; query = in.readLine()) {
      try {
        if (spark == null) {
          // Here, not before the loop: a server that refuses the client fails this too.
          spark = SparkSession.builder().remote(args[0]).getOrCreate();
        }
        for (Row row : spark.sql(query).collectAsList()) {
          System.out.println(row.mkString("\t"));
        }
      } catch (Exception e) {
        System.out.println("error\t" + String.valueOf(e.getMessage()).lines().findFirst()
            .orElse(""));
      }
      System.out.println("--");
      System.out.flush();
    }
    if (spark != null) {
      spark.close();
    }
  }
}

package org.dualflow.publish;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.dualflow.schema.TableSchema;

/**
 * Registers the warehouse's tables in the session's catalog (a Hive metastore on a cluster), so
 * that analysts query {@code dualflow.flows_monthly} by name: external Parquet tables over the
 * warehouse folders, partitioned as the folders are. Registration describes the folders; it
 * never moves or copies data, and running it again only brings the partition list up to date.
 */
public final class Catalog {

  private static final Logger LOG = LogManager.getLogger(Catalog.class);

  private Catalog() {
  }

  /** True when the session keeps its catalog in a Hive metastore. */
  public static boolean hasMetastore(SparkSession spark) {
    return spark.conf().get("spark.sql.catalogImplementation", "in-memory").equals("hive");
  }

  /** The session's catalog cannot be opened: its metastore is down, or set up wrong. */
  public static final class UnreachableException extends RuntimeException {
    UnreachableException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** How long a metastore has to accept a connection before the run gives up on it. */
  static final int CONNECT_TIMEOUT_MILLIS = 10_000;

  /**
   * Opens the session's catalog (Spark connects to a Hive metastore on first use), so that a
   * metastore that cannot be reached is found before a run does any work. A remote metastore
   * is first tried with a plain connection and a short timeout: Hive's own client waits for
   * its socket timeout (10 minutes by default) three times over for a host that does not
   * answer, and that timeout also bounds its slow calls, so it is not shortened.
   *
   * @throws UnreachableException naming the setting that says where the metastore is
   */
  public static void connect(SparkSession spark, String database) {
    boolean hive = hasMetastore(spark);
    // The shared state reads hive-site.xml into the Hadoop configuration.
    Configuration hadoop = spark.sharedState().hadoopConf();
    String uris = hadoop.get("hive.metastore.uris", "").trim();
    if (hive && !uris.isEmpty()) {
      String refusal = firstRefusal(uris);
      if (refusal != null) {
        throw new UnreachableException("Cannot reach the Hive metastore " + uris + " ("
            + refusal + "), set by hive.metastore.uris (--conf spark.hadoop.hive.metastore.uris "
            + "or hive-site.xml): start it or correct the setting", null);
      }
    }
    try {
      spark.catalog().databaseExists(database);
    } catch (Exception e) {
      // Spark's AnalysisException (checked in Scala's eyes, invisible to javac), wrapping
      // Hive's HiveException or MetaException.
      if (!hive) {
        throw e;
      }
      String setting = uris.isEmpty()
          ? hadoop.get("javax.jdo.option.ConnectionURL",
              "jdbc:derby:;databaseName=metastore_db;create=true") + " (" + metastoreMessage(e)
              + "), set by javax.jdo.option.ConnectionURL (--conf "
              + "spark.hadoop.javax.jdo.option.ConnectionURL or hive-site.xml)"
          : uris + " (" + metastoreMessage(e) + "), set by hive.metastore.uris (--conf "
              + "spark.hadoop.hive.metastore.uris or hive-site.xml)";
      throw new UnreachableException("Cannot open the Hive metastore " + setting
          + ": start it or correct the setting", e);
    }
  }

  /** Null when some metastore of {@code uris} accepts a connection, else why the last did not. */
  static String firstRefusal(String uris) {
    String refusal = null;
    for (String uri : uris.split(",")) {
      URI u;
      try {
        u = URI.create(uri.trim());
      } catch (IllegalArgumentException e) {
        refusal = "not a URI: " + uri.trim();
        continue;
      }
      if (u.getHost() == null || u.getPort() < 0) {
        refusal = "not thrift://host:port: " + uri.trim();
        continue;
      }
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress(u.getHost(), u.getPort()),
            CONNECT_TIMEOUT_MILLIS);
        return null;
      } catch (IOException e) {
        refusal = e instanceof SocketTimeoutException
            ? "no answer in " + CONNECT_TIMEOUT_MILLIS / 1000 + " s" : e.getMessage();
      }
    }
    return refusal;
  }

  /**
   * What the metastore said: the first MetaException of the chain (Spark and Hive wrap it in
   * three more layers, and Derby's last cause can be a red herring), else the last message.
   */
  static String metastoreMessage(Throwable e) {
    String message = null;
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t.getMessage() != null) {
        message = t.getMessage();
      }
      if (t.getClass().getSimpleName().equals("MetaException") && t.getMessage() != null) {
        break;
      }
    }
    String line = message == null ? e.getClass().getSimpleName()
        : message.lines().findFirst().orElse("").trim();
    int noise = line.indexOf(", see the next exception");
    return noise > 0 ? line.substring(0, noise) : line;
  }

  /** Creates {@code database} and each table when missing, then syncs partitions. */
  public static void register(SparkSession spark, String database, Path warehouse,
      List<TableSchema> tables) {
    spark.sql("CREATE DATABASE IF NOT EXISTS `" + database + "`");
    for (TableSchema table : tables) {
      String name = "`" + database + "`.`" + table.name() + "`";
      spark.sql(createTable(name, table, new Path(warehouse, table.name())));
      if (!table.partitionColumns().isEmpty()) {
        // Adds the months this run published and drops the ones it emptied.
        spark.sql("REPAIR TABLE " + name + " SYNC PARTITIONS");
      } else {
        spark.sql("REFRESH TABLE " + name);
      }
    }
    LOG.info("Registered {} tables in catalog database {}", tables.size(), database);
  }

  /**
   * {@code CREATE TABLE IF NOT EXISTS} for {@code table} as an external Parquet table over
   * {@code location}, partitioned as its folders are, with its description and column comments.
   */
  public static String createTable(String name, TableSchema table, Path location) {
    StringBuilder ddl = new StringBuilder("CREATE TABLE IF NOT EXISTS " + name + " ("
        + metastoreColumns(table.schema()).toDDL() + ") USING PARQUET");
    if (!table.partitionColumns().isEmpty()) {
      ddl.append(" PARTITIONED BY (")
          .append(String.join(", ", table.partitionColumns().stream()
              .map(c -> "`" + c + "`").toList()))
          .append(")");
    }
    ddl.append(" LOCATION '").append(location.toString().replace("'", "\\'")).append("'");
    if (!table.description().isEmpty()) {
      ddl.append(" COMMENT '").append(table.description().replace("'", "\\'")).append("'");
    }
    return ddl.toString();
  }

  /**
   * A Hive metastore keeps a column's comment in 256 characters (COLUMNS_V2.COMMENT is
   * VARCHAR(256) in its schema for every database). A longer one fails the insert, and Spark
   * then stores the table in its own format, which Hive and Trino cannot read (after the
   * metastore has retried for 20 seconds). The full comments are in the data dictionary.
   */
  static final int METASTORE_COMMENT_LENGTH = 256;

  /** The columns with each comment cut to what a metastore keeps, at a word, marked "...". */
  static StructType metastoreColumns(StructType schema) {
    StructField[] fields = schema.fields().clone();
    for (int i = 0; i < fields.length; i++) {
      scala.Option<String> comment = fields[i].getComment();
      if (comment.isDefined() && comment.get().length() > METASTORE_COMMENT_LENGTH) {
        fields[i] = fields[i].withComment(shorten(comment.get(), METASTORE_COMMENT_LENGTH));
      }
    }
    return new StructType(fields);
  }

  static String shorten(String text, int max) {
    if (text.length() <= max) {
      return text;
    }
    String cut = text.substring(0, max - 3);
    int space = cut.lastIndexOf(' ');
    return (space > max / 2 ? cut.substring(0, space) : cut) + "...";
  }
}

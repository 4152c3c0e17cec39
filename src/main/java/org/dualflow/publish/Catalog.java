package org.dualflow.publish;

import java.util.List;
import org.apache.hadoop.fs.Path;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.spark.sql.SparkSession;
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

  /** Creates {@code database} and each table when missing, then syncs partitions. */
  public static void register(SparkSession spark, String database, Path warehouse,
      List<TableSchema> tables) {
    spark.sql("CREATE DATABASE IF NOT EXISTS `" + database + "`");
    for (TableSchema table : tables) {
      String name = "`" + database + "`.`" + table.name() + "`";
      String location = new Path(warehouse, table.name()).toString().replace("'", "\\'");
      StringBuilder ddl = new StringBuilder("CREATE TABLE IF NOT EXISTS " + name + " ("
          + table.schema().toDDL() + ") USING PARQUET");
      if (!table.partitionColumns().isEmpty()) {
        ddl.append(" PARTITIONED BY (")
            .append(String.join(", ", table.partitionColumns().stream()
                .map(c -> "`" + c + "`").toList()))
            .append(")");
      }
      ddl.append(" LOCATION '").append(location).append("'");
      if (!table.description().isEmpty()) {
        ddl.append(" COMMENT '").append(table.description().replace("'", "\\'")).append("'");
      }
      spark.sql(ddl.toString());
      if (!table.partitionColumns().isEmpty()) {
        // Adds the months this run published and drops the ones it emptied.
        spark.sql("REPAIR TABLE " + name + " SYNC PARTITIONS");
      } else {
        spark.sql("REFRESH TABLE " + name);
      }
    }
    LOG.info("Registered {} tables in catalog database {}", tables.size(), database);
  }
}

package org.dualflow.publish;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.dualflow.schema.TableSchema;

/**
 * A published warehouse opened for reading: every table folder registered as a temporary view
 * under its own name, known tables read with their declared schema. What {@code jobs/dualflow
 * sql} and the report query. Folders starting with {@code _} or {@code .} (a run's staging, the
 * lock) are no tables.
 */
public final class WarehouseViews {

  /** The warehouse folder does not exist: a user's mistake, not a fault. */
  public static final class MissingWarehouseException extends RuntimeException {
    MissingWarehouseException(String message) {
      super(message);
    }
  }

  private WarehouseViews() {
  }

  /**
   * Registers every table folder of the warehouse at {@code root} as a view of
   * {@code spark}; returns their names.
   *
   * @throws MissingWarehouseException when {@code root} is not a directory
   */
  public static List<String> register(SparkSession spark, String root) {
    Path path = new Path(root);
    List<String> names = new ArrayList<>();
    try {
      FileSystem fs = path.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.isDirectory(path)) {
        throw new MissingWarehouseException("Cannot find warehouse " + root
            + ": run a job first (jobs/dualflow run jobs/sample.properties)");
      }
      for (FileStatus s : fs.listStatus(path)) {
        String name = s.getPath().getName();
        if (!s.isDirectory() || name.startsWith("_") || name.startsWith(".")) {
          continue;
        }
        TableSchema schema = knownSchema(name);
        Dataset<Row> table = schema != null
            ? spark.read().schema(schema.schema()).parquet(s.getPath().toString())
            : spark.read().parquet(s.getPath().toString());
        table.createOrReplaceTempView(name);
        names.add(name);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list warehouse " + root, e);
    }
    return names;
  }

  private static TableSchema knownSchema(String name) {
    try {
      return TableSchema.load(name);
    } catch (IllegalStateException e) {
      return null;
    }
  }
}

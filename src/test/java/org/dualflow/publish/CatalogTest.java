package org.dualflow.publish;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Date;
import java.util.List;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.dualflow.SparkTestSession;
import org.dualflow.schema.TableSchema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CatalogTest {

  private static final TableSchema EVENTS = TableSchema.load("test_events");

  @Test
  void publishedTablesAreQueryableByNameAndFollowReplacedMonths(@TempDir Path dir) {
    SparkSession spark = SparkTestSession.get();
    String root = dir.toUri().toString();
    publish(spark, root, "run1", List.of("2024-01-01", "2024-02-01"),
        RowFactory.create("a", 1L, Date.valueOf("2024-01-01")),
        RowFactory.create("b", 2L, Date.valueOf("2024-02-01")));
    Catalog.register(spark, "cat_test", new org.apache.hadoop.fs.Path(root), List.of(EVENTS));
    assertThat(spark.sql("SELECT sum(v) FROM cat_test.test_events").first().getLong(0))
        .isEqualTo(3L);

    // A second run empties February and writes March: the catalog follows the folders.
    publish(spark, root, "run2", List.of("2024-02-01", "2024-03-01"),
        RowFactory.create("c", 30L, Date.valueOf("2024-03-01")));
    Catalog.register(spark, "cat_test", new org.apache.hadoop.fs.Path(root), List.of(EVENTS));
    assertThat(spark.sql("SELECT k FROM cat_test.test_events ORDER BY k").collectAsList())
        .extracting(r -> r.getString(0)).containsExactly("a", "c");
    assertThat(spark.sql("SHOW PARTITIONS cat_test.test_events").collectAsList())
        .extracting(r -> r.getString(0))
        .containsExactly("period=2024-01-01", "period=2024-03-01");
  }

  private static void publish(SparkSession spark, String root, String runId,
      List<String> scope, org.apache.spark.sql.Row... rows) {
    Warehouse w = new Warehouse(spark, root, runId);
    w.stage(EVENTS, spark.createDataFrame(List.of(rows), EVENTS.schema()));
    w.planPublish(EVENTS, scope);
    w.commit();
    w.cleanUp();
  }
}

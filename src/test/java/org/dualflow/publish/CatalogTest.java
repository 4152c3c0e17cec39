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

  @Test
  void commentsAreCutToWhatAHiveMetastoreKeepsAtAWord() {
    // 26 words of 9 letters and a space: 260 characters, over the metastore's 256.
    String long260 = "abcdefghi ".repeat(26).trim() + "!";
    String cut = Catalog.shorten(long260, 256);
    // 253 characters fit before "...": the last whole word ends at 249 (25 words with their
    // spaces are 250 characters, less the last space).
    assertThat(cut).hasSize(249 + 3).endsWith("abcdefghi...");
    assertThat(Catalog.shorten("short", 256)).isEqualTo("short");
    // Every column of every table fits once shortened; the ones that did not still say much.
    for (String name : TableSchema.ALL) {
      for (var f : Catalog.metastoreColumns(TableSchema.load(name).schema()).fields()) {
        assertThat(f.getComment().get().length()).as(name + "." + f.name())
            .isLessThanOrEqualTo(256).isGreaterThan(5);
      }
    }
  }

  @Test
  void aMetastoreIsTriedWithAPlainConnectionFirst() throws Exception {
    try (java.net.ServerSocket listening = new java.net.ServerSocket(0, 1,
        java.net.InetAddress.getLoopbackAddress())) {
      // Any one of the URIs answering will do, as for Hive's client.
      assertThat(Catalog.firstRefusal("thrift://127.0.0.1:1,thrift://127.0.0.1:"
          + listening.getLocalPort())).isNull();
    }
    assertThat(Catalog.firstRefusal("thrift://127.0.0.1:1")).isEqualTo("Connection refused");
    assertThat(Catalog.firstRefusal("metastore-host")).isEqualTo(
        "not thrift://host:port: metastore-host");
  }

  @Test
  void whatTheMetastoreSaidIsFoundUnderSparksAndHivesWrappers() {
    var meta = new org.apache.hadoop.hive.metastore.api.MetaException("Failed to create "
        + "database '/x/metastore_db', see the next exception for details.");
    meta.initCause(new java.sql.SQLException("Another instance of Derby may have already "
        + "booted the database null."));
    Exception wrapped = new IllegalStateException("HiveException: Unable to instantiate "
        + "SessionHiveMetaStoreClient", new RuntimeException("Unable to instantiate", meta));
    assertThat(Catalog.metastoreMessage(wrapped))
        .isEqualTo("Failed to create database '/x/metastore_db'");
    assertThat(Catalog.metastoreMessage(new RuntimeException("outer",
        new java.io.IOException("first line\nsecond")))).isEqualTo("first line");
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

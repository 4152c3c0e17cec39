package org.dualflow.publish;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.dualflow.SparkTestSession;
import org.dualflow.schema.TableSchema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WarehouseTest {

  private static final TableSchema EVENTS = TableSchema.load("test_events");

  @Test
  void aRunKilledHalfWayThroughItsRenamesIsCompletedByTheNextRun(@TempDir Path dir)
      throws Exception {
    String root = dir.toUri().toString();
    publish(root, "run1", List.of("2024-01-01", "2024-02-01"), "a", "2024-01-01", 1, "b",
        "2024-02-01", 2);
    assertThat(contents(dir)).containsExactly("a 2024-01-01 1", "b 2024-02-01 2");

    // run2 replaces February and adds March, commits its plan, and dies after the first rename
    // (February moved out of the way, its replacement not yet in).
    Warehouse run2 = new Warehouse(spark(), root, "run2");
    run2.stage(EVENTS, frame("c", "2024-02-01", 20, "d", "2024-03-01", 30));
    run2.planPublish(EVENTS, List.of("2024-02-01", "2024-03-01"));
    Path plan = Path.of(run2.writePlan().toUri());
    String[] first = Files.readAllLines(plan, StandardCharsets.UTF_8).get(0).split("\t");
    assertThat(first[1]).endsWith("test_events/period=2024-02-01");
    Files.createDirectories(Path.of(new org.apache.hadoop.fs.Path(first[2]).toUri()).getParent());
    Files.move(Path.of(new org.apache.hadoop.fs.Path(first[1]).toUri()),
        Path.of(new org.apache.hadoop.fs.Path(first[2]).toUri()));
    assertThat(contents(dir)).containsExactly("a 2024-01-01 1");   // the documented window

    Warehouse run3 = new Warehouse(spark(), root, "run3");
    assertThat(run3.recover()).containsExactly("run2");
    assertThat(contents(dir)).containsExactly("a 2024-01-01 1", "c 2024-02-01 20",
        "d 2024-03-01 30");
    assertThat(dir.resolve("_staging/run2")).doesNotExist();
    assertThat(run3.recover()).isEmpty();                            // nothing left to do
  }

  @Test
  void aRunKilledBeforeItsCommitPublishesNothingButItsManifestRow(@TempDir Path dir)
      throws Exception {
    String root = dir.toUri().toString();
    publish(root, "run1", List.of("2024-01-01"), "a", "2024-01-01", 1);

    Warehouse run2 = new Warehouse(spark(), root, "run2");
    run2.stage(EVENTS, frame("x", "2024-01-01", 99));
    RunManifest manifest = new RunManifest("run2", "/jobs/monthly.properties", Map.of(),
        Instant.parse("2024-02-03T04:00:00Z"));
    run2.stageAbandonedManifest(manifest.toRow("failed", "abandoned", null, "dev", "4.2.0"));
    run2.planPublish(EVENTS, List.of("2024-01-01"));               // planned, never committed

    Warehouse run3 = new Warehouse(spark(), root, "run3");
    assertThat(run3.recover()).containsExactly("run2");
    assertThat(contents(dir)).containsExactly("a 2024-01-01 1");
    List<Row> manifests = spark().read().schema(TableSchema.load("run_manifest").schema())
        .parquet(dir.resolve("run_manifest").toString()).collectAsList();
    assertThat(manifests).extracting(r -> r.getString(0) + " " + r.getString(1))
        .containsExactly("run2 failed");
    assertThat(dir.resolve("_staging/run2")).doesNotExist();
  }

  @Test
  void aReplacedTableIsSwappedWholeAndAnEmptyOneStaysReadable(@TempDir Path dir) {
    String root = dir.toUri().toString();
    publish(root, "run1", List.of("2024-01-01"), "a", "2024-01-01", 1);
    Warehouse run2 = new Warehouse(spark(), root, "run2");
    run2.stage(EVENTS, frame());
    run2.planReplace(EVENTS);
    run2.commit();
    run2.cleanUp();
    assertThat(contents(dir)).isEmpty();
    assertThat(dir.resolve("test_events").resolve(Warehouse.EMPTY_FILE)).exists();
    assertThat(dir.resolve("_staging")).doesNotExist();
  }

  @Test
  void stagedMonthsCanBeDroppedOrWrittenAgainBeforeThePublish(@TempDir Path dir) {
    Warehouse run = new Warehouse(spark(), dir.toUri().toString(), "run1");
    run.stage(EVENTS, frame("a", "2024-01-01", 1, "b", "2024-02-01", 2, "c", "2024-02-01", 3,
        "d", "2024-03-01", 4));
    // A month the run turned out not to own goes; another is written again without "b".
    run.unstageOutside(EVENTS, List.of("2024-02-01", "2024-03-01"));
    assertThat(run.restage(EVENTS, List.of("2024-02-01"), rows -> rows.filter("k != 'b'")))
        .isEqualTo(1);
    assertThat(run.readStaged(EVENTS).orderBy("k").collectAsList())
        .extracting(r -> r.getString(0) + " " + r.getDate(2))
        .containsExactly("c 2024-02-01", "d 2024-03-01");
    assertThat(dir.resolve("_staging/run1/test_events_restaged")).doesNotExist();
    run.planPublish(EVENTS, List.of("2024-02-01", "2024-03-01"));
    run.commit();
    run.cleanUp();
    assertThat(contents(dir)).containsExactly("c 2024-02-01 3", "d 2024-03-01 4");
  }

  private static void publish(String root, String runId, List<String> scope, Object... rows) {
    Warehouse w = new Warehouse(spark(), root, runId);
    w.recover();
    w.stage(EVENTS, frame(rows));
    w.planPublish(EVENTS, scope);
    w.commit();
    w.cleanUp();
  }

  /** Rows from triples (key, month, value). */
  private static org.apache.spark.sql.Dataset<Row> frame(Object... triples) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < triples.length; i += 3) {
      rows.add(RowFactory.create(triples[i], ((Number) triples[i + 2]).longValue(),
          Date.valueOf((String) triples[i + 1])));
    }
    return spark().createDataFrame(rows, EVENTS.schema());
  }

  private static List<String> contents(Path dir) {
    return spark().read().schema(EVENTS.schema())
        .parquet(dir.resolve("test_events").toString()).orderBy("k").collectAsList().stream()
        .map(r -> r.getString(0) + " " + r.getDate(2) + " " + r.getLong(1)).toList();
  }

  private static SparkSession spark() {
    return SparkTestSession.get();
  }
}

package org.dualflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.dualflow.publish.WarehouseLock;
import org.dualflow.schema.TableSchema;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scheduled runs: repeatable, incremental by period, one at a time, and safe to kill. Each test
 * works on its own warehouse, most on a copy of one run's; tables are compared row by row
 * (every column but run_id, which names the run that wrote a row). Runs are in process but the
 * kill, which needs a process of its own.
 */
class ProductionRunIT {

  /** March 2022: one tier-1 line (1,234.56) and one line of a code on no list. */
  static final String C = EndToEndIT.HEADER + "\n"
      + "M,2022,3,202203,156,CHN,X,643,RUS,0,H6,854231,6,C00,0,0,kg,2,2,1234.56\n"
      + "M,2022,3,202203,156,CHN,X,643,RUS,0,H6,870323,6,C00,0,0,kg,9,9,50000.00\n";

  static Path inputs;
  /** The warehouse of one run over the whole input, and its tables. */
  static Path fullWarehouse;
  static Map<String, List<String>> fullRun;

  @BeforeAll
  static void runOnceOnTheWholeInput(@TempDir Path dir) throws Exception {
    inputs = Files.createDirectories(dir.resolve("input"));
    Files.writeString(inputs.resolve("a.csv"),
        EndToEndIT.HEADER + "\n" + String.join("\n", EndToEndIT.A) + "\n");
    Path full = Files.createDirectories(dir.resolve("full"));
    job(full);
    ok(InProcess.run(full, "run", "job.properties"));
    fullWarehouse = full.resolve("wh");
    fullRun = WarehouseSnapshot.of(fullWarehouse);
  }

  @Test
  void runningTheSameJobAgainGivesTheSameTablesRowByRow(@TempDir Path dir) throws Exception {
    copyOfTheFullRun(dir);
    ok(InProcess.run(dir, "run", "job.properties"));
    WarehouseSnapshot.assertSame(WarehouseSnapshot.of(dir.resolve("wh")), fullRun);
    assertThat(rows(dir.resolve("wh"), "run_manifest", "status")).containsExactly(
        "succeeded", "succeeded");
  }

  @Test
  void overlappingRunsByPeriodNeverDoubleCount(@TempDir Path dir) throws Exception {
    job(dir);
    ok(InProcess.run(dir, "run", "job.properties", "--set", "periods=2021-12..2022-01"));
    ok(InProcess.run(dir, "run", "job.properties", "--set", "periods=2022-01..2022-02"));
    WarehouseSnapshot.assertSame(WarehouseSnapshot.of(dir.resolve("wh")), fullRun);
  }

  @Test
  void lastNReplacesOnlyTheLatestMonthsOfTheInput(@TempDir Path dir) throws Exception {
    copyOfTheFullRun(dir);
    Path wh = dir.resolve("wh");
    Path december = wh.resolve("trade_records/period=2021-12-01");
    List<Path> decemberFiles = list(december);
    // A line rejected with a month of its own (2099) is not a month of the input: without it
    // last:2 would replace 2022-03 and 2099-01, and leave January as it was.
    Files.writeString(inputs.resolve("c.csv"), C
        + "M,2099,1,209901,156,CHN,X,643,RUS,0,H6,854231,6,C00,0,0,kg,1,1,abc\n");
    try {
      Launcher.Result r = InProcess.run(dir, "run", "job.properties", "--set",
          "periods=last:2");
      ok(r);
      // Accepted months: 2021-12, 2022-01 (with the annual 2022 records) and 2022-03.
      assertThat(r.stdout()).contains("periods    2022-01, 2022-03 (2 months replaced)");
      // December was not the run's: the same files, untouched.
      assertThat(list(december)).isEqualTo(decemberFiles);
      assertThat(rows(wh, "flows_monthly", "cast(value_usd as string)",
          "period = DATE'2022-03-01'")).containsExactly("1234.56");
      assertThat(rows(wh, "rejected_records", "period_key", "period_key = '2099-01'"))
          .isEmpty();
    } finally {
      Files.delete(inputs.resolve("c.csv"));
    }
  }

  @Test
  void aRunOnAWarehouseInUseExitsWith5AndChangesNothing(@TempDir Path dir) throws Exception {
    copyOfTheFullRun(dir);
    Path wh = dir.resolve("wh");
    FileSystem fs = FileSystem.get(java.net.URI.create("file:///"),
        org.dualflow.pipeline.SparkSettings.hadoopConf());
    Launcher.Result refused;
    try (WarehouseLock other = WarehouseLock.acquire(fs,
        new org.apache.hadoop.fs.Path(wh.toString()), "20260101T000000Z-abcd",
        Duration.ofMinutes(10))) {
      refused = InProcess.run(dir, "run", "job.properties");
    }
    assertThat(refused.exitCode()).as(refused.stderr()).isEqualTo(5);
    assertThat(refused.errorLines()).singleElement().asString()
        .startsWith("dualflow: Cannot run on warehouse ")
        .contains("it is in use by run 20260101T000000Z-abcd (host ");
    WarehouseSnapshot.assertSame(WarehouseSnapshot.of(wh), fullRun);
    assertThat(rows(wh, "run_manifest", "status")).containsExactly("succeeded");
    assertThat(wh.resolve("_staging")).doesNotExist();
    // Once the other run is gone, the warehouse is free again.
    ok(InProcess.run(dir, "run", "job.properties"));
  }

  @Test
  @Tag("slow")
  void aKilledRunLeavesThePreviousTablesAndTheNextRunCompletesIt(@TempDir Path dir)
      throws Exception {
    copyOfTheFullRun(dir);
    Path wh = dir.resolve("wh");
    Files.writeString(inputs.resolve("c.csv"), C);
    try {
      Path out = dir.resolve("killed.out");
      Path err = dir.resolve("killed.err");
      Process job = Launcher.start(dir, out, err, "run", "job.properties");
      // Kill it once it is writing: the first table is staged, the others not yet.
      Path staging = wh.resolve("_staging");
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
      while (!stagedFlows(staging) && job.isAlive() && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(job.isAlive()).as("the job ended before it could be killed: %s",
          Files.readString(err)).isTrue();
      // The job's JVM, the launcher's child, as the README says to kill it; the launcher
      // collects it (so no process is left that the next run could take for the lock's holder)
      // and ends with its code.
      job.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);   // SIGKILL
      assertThat(job.waitFor(1, TimeUnit.MINUTES)).isTrue();
      assertThat(job.exitValue()).isEqualTo(137);
      assertThat(Files.readString(out)).doesNotContain("succeeded");

      WarehouseSnapshot.assertSame(WarehouseSnapshot.of(wh), fullRun);
      assertThat(list(staging)).hasSize(1);                        // what the killed run left
      assertThat(wh.resolve("_lock")).exists();                    // and its lock

      Launcher.Result next = InProcess.run(dir, "run", "job.properties");
      ok(next);
      assertThat(wh.resolve("_staging")).doesNotExist();
      assertThat(wh.resolve("_lock")).doesNotExist();
      Path clean = Files.createDirectories(dir.resolve("clean"));
      job(clean);
      ok(InProcess.run(clean, "run", "job.properties"));
      WarehouseSnapshot.assertSame(WarehouseSnapshot.of(wh),
          WarehouseSnapshot.of(clean.resolve("wh")));
      assertThat(rows(wh, "flows_monthly", "cast(value_usd as string)",
          "period = DATE'2022-03-01'")).containsExactly("1234.56");
      assertThat(rows(wh, "run_manifest", "status || ' ' || coalesce(status_reason, '')"))
          .hasSize(3).contains("succeeded ").anyMatch(s -> s.startsWith("failed abandoned"));
    } finally {
      Files.delete(inputs.resolve("c.csv"));
    }
  }

  private static boolean stagedFlows(Path staging) throws IOException {
    if (!Files.isDirectory(staging)) {
      return false;
    }
    try (Stream<Path> runs = Files.list(staging)) {
      return runs.anyMatch(r -> Files.isDirectory(r.resolve("dual_use_flows")));
    }
  }

  /** The job file over the shared input, with warehouse wh beside it. */
  private static void job(Path dir) throws IOException {
    Files.writeString(dir.resolve("job.properties"), "input.comtrade=" + inputs.toUri()
        + "\nwarehouse=wh\nlists=chpl\n" + EndToEndIT.NO_GATE);
  }

  /** The job file, and a copy of the full run's warehouse as its warehouse. */
  private static void copyOfTheFullRun(Path dir) throws IOException {
    job(dir);
    try (Stream<Path> all = Files.walk(fullWarehouse)) {
      all.forEach(p -> {
        Path to = dir.resolve("wh").resolve(fullWarehouse.relativize(p).toString());
        try {
          if (Files.isDirectory(p)) {
            Files.createDirectories(to);
          } else {
            Files.copy(p, to);
          }
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
  }

  private static void ok(Launcher.Result r) {
    assertThat(r.exitCode()).as(r.stdout() + r.stderr()).isZero();
  }

  private static List<Path> list(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.sorted().toList();
    }
  }

  private static List<String> rows(Path wh, String table, String expr, String... where) {
    Dataset<Row> t = SparkTestSession.get().read().schema(TableSchema.load(table).schema())
        .parquet(wh.resolve(table).toString());
    for (String w : where) {
      t = t.where(w);
    }
    return t.selectExpr(expr).collectAsList().stream().map(r -> r.getString(0)).sorted()
        .toList();
  }
}

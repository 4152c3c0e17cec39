package org.dualflow;

import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.map_entries;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.dualflow.schema.TableSchema;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scheduled runs: repeatable, incremental by period, and safe to kill. Each test works on its
 * own warehouse; tables are compared row by row (every column but run_id, which names the run
 * that wrote a row).
 */
class ProductionRunIT {

  /** March 2022: one tier-1 line (1,234.56) and one line of a code on no list. */
  static final String C = EndToEndIT.HEADER + "\n"
      + "M,2022,3,202203,156,CHN,X,643,RUS,0,H6,854231,6,C00,0,0,kg,2,2,1234.56\n"
      + "M,2022,3,202203,156,CHN,X,643,RUS,0,H6,870323,6,C00,0,0,kg,9,9,50000.00\n";

  static Path inputs;
  static Map<String, List<String>> fullRun;

  @BeforeAll
  static void runOnceOnTheWholeInput(@TempDir Path dir) throws Exception {
    inputs = Files.createDirectories(dir.resolve("input"));
    Files.writeString(inputs.resolve("a.csv"),
        EndToEndIT.HEADER + "\n" + String.join("\n", EndToEndIT.A) + "\n");
    Path full = Files.createDirectories(dir.resolve("full"));
    job(full, "");
    ok(Launcher.run(full, "run", "job.properties"));
    fullRun = WarehouseSnapshot.of(full.resolve("wh"));
  }

  @Test
  void runningTheSameJobTwiceGivesTheSameTablesRowByRow(@TempDir Path dir) throws Exception {
    job(dir, "");
    ok(Launcher.run(dir, "run", "job.properties"));
    Map<String, List<String>> first = WarehouseSnapshot.of(dir.resolve("wh"));
    ok(Launcher.run(dir, "run", "job.properties"));
    WarehouseSnapshot.assertSame(WarehouseSnapshot.of(dir.resolve("wh")), first);
    WarehouseSnapshot.assertSame(first, fullRun);
    assertThat(rows(dir.resolve("wh"), "run_manifest", "status")).containsExactly(
        "succeeded", "succeeded");
  }

  @Test
  void overlappingRunsByPeriodNeverDoubleCount(@TempDir Path dir) throws Exception {
    job(dir, "");
    ok(Launcher.run(dir, "run", "job.properties", "--set", "periods=2021-12..2022-01"));
    ok(Launcher.run(dir, "run", "job.properties", "--set", "periods=2022-01..2022-02"));
    WarehouseSnapshot.assertSame(WarehouseSnapshot.of(dir.resolve("wh")), fullRun);
  }

  @Test
  void lastNReplacesOnlyTheLatestMonthsOfTheInput(@TempDir Path dir) throws Exception {
    job(dir, "");
    ok(Launcher.run(dir, "run", "job.properties"));
    Path wh = dir.resolve("wh");
    Path december = wh.resolve("trade_records/period=2021-12-01");
    List<Path> decemberFiles = list(december);
    Files.writeString(inputs.resolve("c.csv"), C);
    try {
      Launcher.Result r = Launcher.run(dir, "run", "job.properties", "--set",
          "periods=last:2");
      ok(r);
      // Present: 2021-12, 2022-01 (with the annual 2022 records) and 2022-03; no February.
      assertThat(r.stdout()).contains("periods    2022-01, 2022-03 (2 months replaced)");
      // December was not the run's: the same files, untouched.
      assertThat(list(december)).isEqualTo(decemberFiles);
      assertThat(rows(wh, "flows_monthly", "cast(value_usd as string)",
          "period = DATE'2022-03-01'")).containsExactly("1234.56");
    } finally {
      Files.delete(inputs.resolve("c.csv"));
    }
  }

  @Test
  void aKilledRunLeavesThePreviousTablesAndTheNextRunCompletesIt(@TempDir Path dir)
      throws Exception {
    job(dir, "");
    ok(Launcher.run(dir, "run", "job.properties"));
    Path wh = dir.resolve("wh");
    Map<String, List<String>> before = WarehouseSnapshot.of(wh);
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
      job.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
      job.destroyForcibly();                                       // SIGKILL
      job.waitFor(1, TimeUnit.MINUTES);
      assertThat(Files.readString(out)).doesNotContain("succeeded");

      WarehouseSnapshot.assertSame(WarehouseSnapshot.of(wh), before);
      assertThat(list(staging)).hasSize(1);                        // what the killed run left

      Launcher.Result next = Launcher.run(dir, "run", "job.properties");
      ok(next);
      assertThat(next.stderr()).contains("stopped before");
      assertThat(wh.resolve("_staging")).doesNotExist();
      Path clean = Files.createDirectories(dir.resolve("clean"));
      job(clean, "");
      ok(Launcher.run(clean, "run", "job.properties"));
      WarehouseSnapshot.assertSame(WarehouseSnapshot.of(wh), WarehouseSnapshot.of(clean.resolve("wh")));
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

  private static void job(Path dir, String extra) throws IOException {
    Files.writeString(dir.resolve("job.properties"), "input.comtrade=" + inputs.toUri()
        + "\nwarehouse=wh\nlists=chpl\n" + extra);
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

package org.dualflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.dualflow.schema.TableSchema;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Catalog registration against a real Hive metastore: Spark's Hive support with an embedded
 * Derby metastore in a temporary folder, as {@code spark.sql.catalogImplementation=hive} gives
 * on a cluster. The shared test session has no Hive support, so every step is a JVM of its
 * own: scheduled runs ({@code org.dualflow.cli.Main run}, as spark-submit starts it) and an
 * analyst's separate session ({@link MetastoreQuery}) that knows the tables only by name.
 * Embedded Derby admits one JVM at a time: the processes run one after the other.
 *
 * <p>The input is {@link EndToEndIT}'s hand-worked one; the analytics tables are left out of
 * the runs (they cost half a minute in a fresh JVM and add nothing here: every table is
 * registered whether a run wrote it or not).
 */
@Tag("slow")
class HiveMetastoreIT {

  @TempDir
  Path dir;

  /** Spark with Hive support on a Derby metastore in {@code dir}. */
  private List<String> hive() {
    return List.of("-Dspark.master=local[2]", "-Dspark.ui.enabled=false",
        "-Dspark.sql.shuffle.partitions=2", "-Dspark.driver.host=127.0.0.1",
        "-Dspark.driver.bindAddress=127.0.0.1", "-Dspark.sql.catalogImplementation=hive",
        "-Dspark.hadoop.javax.jdo.option.ConnectionURL=jdbc:derby:;databaseName="
            + dir.resolve("metastore_db") + ";create=true",
        "-Dspark.sql.warehouse.dir=" + dir.resolve("spark-warehouse").toUri(),
        "-Dderby.stream.error.file=" + dir.resolve("derby.log"));
  }

  @Test
  void aRunRegistersEveryTableAndAnotherSessionReadsItsMonthsByNameEmptiedOnesEmpty()
      throws Exception {
    Path input = Files.createDirectories(dir.resolve("input"));
    Files.writeString(input.resolve("a.csv"),
        EndToEndIT.HEADER + "\n" + String.join("\n", EndToEndIT.A) + "\n");
    try (OutputStream gz = new GZIPOutputStream(Files.newOutputStream(input.resolve("b.csv.gz")))) {
      gz.write(EndToEndIT.B.getBytes(StandardCharsets.UTF_8));
    }
    Files.writeString(dir.resolve("all.properties"), "input.comtrade=input\nwarehouse=wh\n"
        + "analytics.enabled=false\n" + EndToEndIT.NO_GATE);
    // The second run replaces January and February from a.csv alone: February's only record
    // (b.csv.gz line 3) is not in it, so the run empties February.
    Files.writeString(dir.resolve("jan-feb.properties"), "input.comtrade=input/a.csv\n"
        + "warehouse=wh\nperiods=2022-01..2022-02\nanalytics.enabled=false\n"
        + EndToEndIT.NO_GATE);

    Launcher.Result first = java(hive(), "org.dualflow.cli.Main", "run", "all.properties");
    assertThat(first.exitCode()).as(first.stderr()).isZero();
    // Spark falls back to a table only Spark can read when the metastore refuses its columns.
    assertThat(first.stderr()).contains("Registered 17 tables in catalog database dualflow")
        .doesNotContain("in a Hive compatible way");

    List<String> queries = new ArrayList<>(List.of(MONTHS,
        "SHOW PARTITIONS dualflow.flows_monthly", "SHOW TABLES IN dualflow"));
    TableSchema.ALL.forEach(t -> queries.add("DESCRIBE TABLE EXTENDED dualflow." + t));
    List<List<String>> read = query(queries);
    // EndToEndIT's flows_monthly: December 2021 a.csv lines 2 and 3, 1000.25 + 500.50;
    // January 2022 lines 7, 8 and 10, 2000.00 + 300.00 + 2100.00; February b.csv.gz line 3.
    assertThat(read.get(0)).containsExactly("2021-12-01\t1500.75\t2", "2022-01-01\t4400.00\t3",
        "2022-02-01\t77.70\t1");
    assertThat(read.get(1)).containsExactly("period=2021-12-01", "period=2022-01-01",
        "period=2022-02-01");
    assertThat(read.get(2)).extracting(l -> l.split("\t")[1])
        .containsExactlyInAnyOrderElementsOf(TableSchema.ALL);
    // Hive's own Parquet format: Hive, Trino and Impala read these tables too.
    for (int t = 0; t < TableSchema.ALL.size(); t++) {
      assertThat(read.get(3 + t)).as(TableSchema.ALL.get(t))
          .anyMatch(l -> l.matches("InputFormat\\s+org\\.apache\\.hadoop\\.hive\\.ql\\.io\\."
              + "parquet\\.MapredParquetInputFormat\\s*"));
    }

    Launcher.Result second = java(hive(), "org.dualflow.cli.Main", "run", "jan-feb.properties");
    assertThat(second.exitCode()).as(second.stderr()).isZero();
    read = query(List.of(MONTHS, "SHOW PARTITIONS dualflow.flows_monthly",
        "SELECT count(*) FROM dualflow.trade_records WHERE period = DATE'2022-02-01'",
        "SELECT count(*) FROM dualflow.run_manifest"));
    // December is outside the second run and stays; January is the same from a.csv alone;
    // February is empty, its partition gone.
    assertThat(read.get(0)).containsExactly("2021-12-01\t1500.75\t2", "2022-01-01\t4400.00\t3");
    assertThat(read.get(1)).containsExactly("period=2021-12-01", "period=2022-01-01");
    assertThat(read.get(2)).containsExactly("0");
    assertThat(read.get(3)).containsExactly("2");
  }

  private static final String MONTHS = "SELECT period, sum(value_usd), count(*) "
      + "FROM dualflow.flows_monthly GROUP BY period ORDER BY period";

  @Test
  void aMetastoreThatCannotBeReachedIsOneLineAndExit2BeforeAnyWork() throws Exception {
    Files.writeString(dir.resolve("a.csv"),
        EndToEndIT.HEADER + "\n" + String.join("\n", EndToEndIT.A) + "\n");
    Files.writeString(dir.resolve("job.properties"), "input.comtrade=a.csv\nwarehouse=wh\n"
        + "catalog.register=true\n" + EndToEndIT.NO_GATE);
    // Port 1 on loopback: nothing listens there, the connection is refused at once.
    List<String> conf = List.of("-Dspark.master=local[1]", "-Dspark.ui.enabled=false",
        "-Dspark.driver.host=127.0.0.1", "-Dspark.driver.bindAddress=127.0.0.1",
        "-Dspark.sql.catalogImplementation=hive",
        "-Dspark.hadoop.hive.metastore.uris=thrift://127.0.0.1:1");
    Launcher.Result r = java(conf, "org.dualflow.cli.Main", "run", "job.properties");
    assertThat(r.exitCode()).as(r.stderr()).isEqualTo(2);
    assertThat(r.errorLines()).as(r.stderr()).containsExactly("dualflow: Cannot reach the Hive "
        + "metastore thrift://127.0.0.1:1 (Connection refused), set by hive.metastore.uris "
        + "(--conf spark.hadoop.hive.metastore.uris or hive-site.xml): start it or correct the "
        + "setting, or set catalog.register=false in " + dir.resolve("job.properties"));
    assertThat(r.stderr()).doesNotContain("\tat ", "Exception");
    // Nothing was read or written.
    assertThat(dir.resolve("wh")).doesNotExist();
  }

  /** Runs the queries in a JVM of its own; the rows of each query. */
  private List<List<String>> query(List<String> queries) throws Exception {
    Launcher.Result r = java(hive(), MetastoreQuery.class.getName(),
        queries.toArray(String[]::new));
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    List<List<String>> results = new ArrayList<>();
    List<String> rows = new ArrayList<>();
    for (String line : r.stdout().lines().toList()) {
      if (line.equals("--")) {
        results.add(rows);
        rows = new ArrayList<>();
      } else {
        rows.add(line.strip());
      }
    }
    assertThat(results).hasSize(queries.size());
    return results;
  }

  /** Runs {@code mainClass} in a JVM of its own on the test class path, in {@code dir}. */
  private Launcher.Result java(List<String> properties, String mainClass, String... args)
      throws IOException, InterruptedException {
    Path jobs = Launcher.projectDir().resolve("jobs/conf");
    // C1 only: each JVM lives for seconds, and the optimising compiler's work would not pay
    // back (a third off this test's time).
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "@" + jobs.resolve("jvm.options"), "-Xmx1g", "-XX:TieredStopAtLevel=1",
        "-Dlog4j2.configurationFile=" + jobs.resolve("log4j2.properties")));
    command.addAll(properties);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
    command.addAll(List.of(args));
    Path out = Files.createTempFile(dir, "out", ".txt");
    Path err = Files.createTempFile(dir, "err", ".txt");
    Process p = new ProcessBuilder(command).directory(dir.toFile())
        .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!p.waitFor(5, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new IllegalStateException(mainClass + " timed out: " + Files.readString(err));
    }
    return new Launcher.Result(p.exitValue(), Files.readString(out), Files.readString(err));
  }
}

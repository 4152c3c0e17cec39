package org.dualflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What only a launched {@code jobs/dualflow} shows: the shell wrapper passes commands and
 * options through, exit codes reach the shell, a user's mistake is one line on stderr with no
 * stack trace (in process the log is not on stderr), and the JSON log format. Each launch starts
 * a JVM and most start Spark, so there are few; the rest of the command line is tested in
 * process ({@link CliIT}, {@link EndToEndIT}).
 */
@Tag("slow")
class LauncherIT {

  @TempDir
  Path dir;

  private static void assertOneLineError(Launcher.Result r, int code, String start) {
    assertThat(r.exitCode()).as(r.stderr()).isEqualTo(code);
    assertThat(r.errorLines()).as(r.stderr()).singleElement().asString()
        .startsWith("dualflow: " + start);
    assertThat(r.stderr()).doesNotContain("\tat ", "Exception");
  }

  @Test
  void usageAndConfigurationMistakesExitWith2InOneLine() throws Exception {
    Launcher.Result usage = Launcher.run(dir);
    assertThat(usage.exitCode()).isEqualTo(2);
    assertThat(usage.stderr()).contains("usage: jobs/dualflow run", "input.comtrade");
    assertOneLineError(Launcher.run(dir, "run", "missing.properties"), 2,
        "Cannot find job file missing.properties");
    assertOneLineError(Launcher.run(dir, "run", "x.properties", "--log-format", "xml"), 2,
        "Invalid --log-format xml");
    Files.writeString(dir.resolve("job.properties"), "input.comtrade=x.csv\nwarehous=wh\n");
    assertOneLineError(Launcher.run(dir, "run", "job.properties"), 2, "Unknown key warehous");
  }

  @Test
  void aFileOverTheQualityGateExitsWith3InOneLine() throws Exception {
    // Two lines of four are bad: 50% against a limit of 10%.
    Files.writeString(dir.resolve("half.csv"), EndToEndIT.HEADER + "\n" + EndToEndIT.A.get(0)
        + "\n" + EndToEndIT.A.get(5) + "\n" + EndToEndIT.A.get(11) + "\n"
        + EndToEndIT.A.get(12) + "\n");
    Files.writeString(dir.resolve("job.properties"), "input.comtrade=half.csv\nwarehouse=wh\n"
        + "quality.max-reject-ratio=0.1\n");
    assertOneLineError(Launcher.run(dir, "run", "job.properties"), 3, "Quality gate: file:"
        + dir.resolve("half.csv") + " rejects 50.0% (2 of 4: field_count 1, e.g. line 4: ");
  }

  /**
   * A stand-in JDK whose {@code java} runs {@code script}: the launcher's own handling of how the
   * job's JVM ends, without starting one. No class-data archive, which is keyed by the JVM.
   */
  private Map<String, String> standInJvm(String script) throws Exception {
    Path java = dir.resolve("jdk/bin/java");
    Files.createDirectories(java.getParent());
    Files.writeString(java, "#!/bin/sh\n" + script);
    assertThat(java.toFile().setExecutable(true)).isTrue();
    Files.writeString(dir.resolve("job.properties"), "input.comtrade=x.csv\nwarehouse=wh\n");
    return Map.of("JAVA_HOME", dir.resolve("jdk").toString(), "DUALFLOW_CDS", "off",
        "DUALFLOW_DRIVER_MEMORY", "700m");
  }

  @Test
  void aJobOutOfMemoryEndsWithTheFixOnItsLastLine() throws Exception {
    // As Spark ends a job out of heap: the error and its stack trace, then exit code 52.
    Map<String, String> env = standInJvm("echo 'java.lang.OutOfMemoryError: Java heap space' >&2"
        + "\necho '\tat org.apache.spark.executor.Executor' >&2\nexit 52\n");
    Launcher.Result r = Launcher.run(dir, env, "run", "job.properties");
    assertThat(r.exitCode()).as(r.stderr()).isEqualTo(52);
    assertThat(r.stderr().lines().reduce((first, second) -> second)).hasValue("dualflow: the job"
        + " ran out of memory (a Java heap of 700m); run it again with a larger one, e.g."
        + " DUALFLOW_DRIVER_MEMORY=2g jobs/dualflow run ...");
  }

  @Test
  void aStoppedLauncherStopsItsJob() throws Exception {
    // The job notes the TERM it is passed and ends as a JVM does on it (128 + 15).
    Map<String, String> env = standInJvm("trap 'echo stopped > stopped; exit 143' TERM\n"
        + "echo started > started\nwhile true; do sleep 0.1; done\n");
    Path out = dir.resolve("out.txt");
    Path err = dir.resolve("err.txt");
    Process launcher = Launcher.start(dir, out, err, env, "run", "job.properties");
    List<ProcessHandle> job = List.of();
    try {
      for (int i = 0; i < 300 && !Files.exists(dir.resolve("started")); i++) {
        Thread.sleep(100);
      }
      assertThat(dir.resolve("started")).as(Files.readString(err)).exists();
      job = launcher.descendants().toList();
      launcher.destroy();                                             // SIGTERM
      assertThat(launcher.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      // What the job noted, and its exit code, passed on.
      assertThat(dir.resolve("stopped")).hasContent("stopped");
      assertThat(launcher.exitValue()).isEqualTo(143);
    } finally {
      job.forEach(ProcessHandle::destroyForcibly);                  // if it was not passed on
      launcher.destroyForcibly();
    }
  }

  /** job.properties reading a.csv (EndToEndIT's file A) into wh, without the quality gate. */
  private void writeJobOfA() throws Exception {
    Files.writeString(dir.resolve("a.csv"),
        EndToEndIT.HEADER + "\n" + String.join("\n", EndToEndIT.A) + "\n");
    Files.writeString(dir.resolve("job.properties"), "input.comtrade=a.csv\nwarehouse=wh\n"
        + EndToEndIT.NO_GATE);
  }

  @Test
  void aJobStopsWhenItsLauncherIsKilledOutright() throws Exception {
    writeJobOfA();
    Path out = dir.resolve("out.txt");
    Path err = dir.resolve("err.txt");
    Process launcher = Launcher.start(dir, out, err, "run", "job.properties");
    List<ProcessHandle> job = List.of();
    try {
      // Once Spark is up, the job is the launcher's child: SIGKILL the launcher alone.
      long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MINUTES.toNanos(3);
      while (!Files.readString(err).contains(" started, master ") && launcher.isAlive()
          && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      job = launcher.descendants().toList();
      assertThat(job).as(Files.readString(err)).isNotEmpty();
      launcher.destroyForcibly();
      assertThat(launcher.waitFor(1, java.util.concurrent.TimeUnit.MINUTES)).isTrue();
      for (ProcessHandle p : job) {
        p.onExit().get(1, java.util.concurrent.TimeUnit.MINUTES);
      }
      assertThat(Files.readString(err)).contains("dualflow: the launcher (process "
          + launcher.pid() + ") is gone; stopping the run");
      assertThat(Files.readString(out)).doesNotContain("succeeded");
    } finally {
      job.forEach(ProcessHandle::destroyForcibly);
    }
  }

  @Test
  void aJobRunsWithJsonLogsAndItsTablesAnswerSql() throws Exception {
    writeJobOfA();
    Launcher.Result run = Launcher.run(dir, "run", "job.properties", "--log-format", "json");
    assertThat(run.exitCode()).as(run.stderr()).isZero();
    Matcher id = Pattern.compile("dualflow run (\\S+) succeeded").matcher(run.stdout());
    assertThat(id.find()).as(run.stdout()).isTrue();
    assertThat(run.stdout()).containsPattern("a\\.csv\\s+comtrade\\s+16\\s+11\\s+5\\s");
    // Every log line is a JSON object; the job's own carry the run id.
    List<String> lines = run.stderr().lines().filter(l -> !l.isBlank()).toList();
    assertThat(lines).isNotEmpty().allSatisfy(l -> assertThat(l).startsWith("{").endsWith("}"));
    assertThat(lines).filteredOn(l -> l.contains("Stage flows_monthly"))
        .singleElement().asString().contains("\"run_id\":\"" + id.group(1) + "\"");

    // Exporter-reported CHPL flows of a.csv: 1000.25 + 500.50 + 2000.00 + 300.00.
    Launcher.Result sql = Launcher.run(dir, "sql", "--warehouse", "wh", "--format", "csv",
        "SELECT sum(value_usd) AS usd FROM flows_monthly WHERE reported_by = 'exporter'");
    assertThat(sql.exitCode()).as(sql.stderr()).isZero();
    assertThat(sql.stdout()).isEqualTo("usd\n3800.75\n");
  }
}

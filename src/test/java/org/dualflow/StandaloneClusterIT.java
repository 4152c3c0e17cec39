package org.dualflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * A job on a real Spark standalone cluster on loopback: a master and two workers started from
 * the Maven-resolved Spark jars, the job submitted with {@code jobs/dualflow run --master
 * spark://...}, its tables compared row by row with a local run's. The input is the
 * hand-worked one of {@link EndToEndIT}: on the cluster its plain file is read in splits of 256
 * bytes (ingest.split-size), tasks on both workers, locally whole; what the cluster adds is
 * distribution, not volume.
 */
@Tag("slow")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)   // both workers first, then lose one
class StandaloneClusterIT {

  static Path work;
  static String masterUrl;
  static Process master;
  static final List<Process> workers = new ArrayList<>();
  static Map<String, List<String>> localRun;

  @BeforeAll
  static void startTheClusterAndRunLocally(@TempDir Path dir) throws Exception {
    work = dir;
    // A SPARK_HOME whose jars/ holds Spark's jars: workers build executor class paths from it.
    Path sparkHome = Files.createDirectories(dir.resolve("spark-home/jars"));
    for (String jar : classpath()) {
      Path p = Path.of(jar);
      if (jar.endsWith(".jar") && !Files.exists(sparkHome.resolve(p.getFileName()))) {
        Files.createSymbolicLink(sparkHome.resolve(p.getFileName()), p);
      }
    }
    int port = freePort();
    masterUrl = "spark://127.0.0.1:" + port;
    master = startDaemon(dir, "master", "org.apache.spark.deploy.master.Master",
        "--host", "127.0.0.1", "--port", String.valueOf(port), "--webui-port",
        String.valueOf(freePort()));
    waitForLog(dir.resolve("master.log"), "I have been elected leader");
    for (int i = 1; i <= 2; i++) {
      workers.add(startDaemon(dir, "worker" + i, "org.apache.spark.deploy.worker.Worker",
          masterUrl, "--host", "127.0.0.1", "--cores", "1", "--memory", "1536m", "--work-dir",
          Files.createDirectories(dir.resolve("work" + i)).toString(), "--webui-port",
          String.valueOf(freePort())));
    }
    for (int i = 1; i <= 2; i++) {
      waitForLog(dir.resolve("worker" + i + ".log"), "Successfully registered with master");
    }
    Path input = Files.createDirectories(dir.resolve("input"));
    Files.writeString(input.resolve("a.csv"),
        EndToEndIT.HEADER + "\n" + String.join("\n", EndToEndIT.A) + "\n");
    try (java.io.OutputStream gz = new java.util.zip.GZIPOutputStream(
        Files.newOutputStream(input.resolve("b.csv.gz")))) {
      gz.write(EndToEndIT.B.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    Path local = Files.createDirectories(dir.resolve("local"));
    Files.writeString(local.resolve("job.properties"), job("none"));
    Launcher.Result r = InProcess.run(local, "run", "job.properties");
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    localRun = WarehouseSnapshot.of(local.resolve("wh"));
  }

  @AfterAll
  static void stopEveryProcessStarted() {
    List<Process> all = new ArrayList<>(workers);
    if (master != null) {
      all.add(master);
    }
    for (Process p : all) {
      p.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);   // executors
      p.destroyForcibly();
    }
  }

  @Test
  @Order(1)
  void theJobOnTheClusterWritesTheSameTablesAsLocally() throws Exception {
    Path dir = Files.createDirectories(work.resolve("cluster"));
    Files.writeString(dir.resolve("job.properties"), job(SPLIT_SIZE));
    Path events = Files.createDirectories(dir.resolve("events"));
    Launcher.Result r = Launcher.run(dir, "run", "job.properties", "--master", masterUrl,
        "--conf", "spark.executor.memory=1g", "--conf", "spark.eventLog.enabled=true",
        "--conf", "spark.eventLog.dir=" + events.toUri(), "--conf",
        "spark.eventLog.rolling.enabled=false", "--conf", "spark.eventLog.compress=false");
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    WarehouseSnapshot.assertSame(WarehouseSnapshot.of(dir.resolve("wh")), localRun);
    // The work ran on the cluster's executors, not in the driver.
    assertThat(executorLogs()).isNotEmpty();
    // a.csv (1.4 KB) in five or six splits and b.csv.gz whole: at least six reading tasks,
    // on both workers' executors.
    List<String> executors = surveyTaskExecutors(events);
    assertThat(executors).hasSizeGreaterThanOrEqualTo(6);
    assertThat(new java.util.TreeSet<>(executors)).hasSize(2);
  }

  /**
   * The executor of each task of the survey's read (the first stage of the first job described
   * as the survey), from the run's Spark event log.
   */
  private static List<String> surveyTaskExecutors(Path events) throws IOException {
    com.fasterxml.jackson.databind.ObjectMapper json =
        new com.fasterxml.jackson.databind.ObjectMapper();
    List<String> lines;
    try (Stream<Path> logs = Files.list(events)) {
      Path log = logs.filter(Files::isRegularFile).findFirst().orElseThrow();
      lines = Files.readAllLines(log);
    }
    Integer readStage = null;
    List<String> executors = new ArrayList<>();
    for (String line : lines) {
      com.fasterxml.jackson.databind.JsonNode e = json.readTree(line);
      String event = e.path("Event").asText();
      if (readStage == null && event.equals("SparkListenerJobStart")
          && e.path("Properties").path("spark.job.description").asText()
              .equals("ingest: read, check and write trade_records")) {
        readStage = Integer.MAX_VALUE;
        for (com.fasterxml.jackson.databind.JsonNode id : e.path("Stage IDs")) {
          readStage = Math.min(readStage, id.asInt());
        }
      } else if (readStage != null && event.equals("SparkListenerTaskEnd")
          && e.path("Stage ID").asInt() == readStage) {
        executors.add(e.path("Task Info").path("Executor ID").asText());
      }
    }
    return executors;
  }

  @Test
  @Order(2)
  void losingAWorkerMidRunStillGivesTheSameTables() throws Exception {
    Path dir = Files.createDirectories(work.resolve("cluster-lost-worker"));
    Files.writeString(dir.resolve("job.properties"), job(SPLIT_SIZE));
    Path out = dir.resolve("out.txt");
    Path err = dir.resolve("err.txt");
    Process job = Launcher.start(dir, out, err, "run", "job.properties", "--master", masterUrl,
        "--conf", "spark.executor.memory=1g");
    // Once the run is writing its tables, worker 2 dies (SIGKILL, with its executor).
    Path staging = dir.resolve("wh/_staging");
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    while (!Files.isDirectory(staging) && job.isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(job.isAlive()).as("the job ended before a worker could be lost: %s",
        Files.readString(err)).isTrue();
    Process lost = workers.get(1);
    lost.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
    lost.destroyForcibly();
    assertThat(job.waitFor(10, TimeUnit.MINUTES)).isTrue();
    assertThat(job.exitValue()).as(Files.readString(err)).isZero();
    WarehouseSnapshot.assertSame(WarehouseSnapshot.of(dir.resolve("wh")), localRun);
  }

  /** Splits of a.csv on the cluster: five or six of its 1.4 KB. */
  static final String SPLIT_SIZE = "256";

  private static String job(String splitSize) {
    return "input.comtrade=" + work.resolve("input") + "\nwarehouse=wh\nlists=chpl\n"
        + "ingest.split-size=" + splitSize + "\n" + EndToEndIT.NO_GATE;
  }

  private static List<String> executorLogs() throws IOException {
    List<String> found = new ArrayList<>();
    for (int i = 1; i <= 2; i++) {
      try (Stream<Path> s = Files.walk(work.resolve("work" + i))) {
        s.filter(p -> p.getFileName().toString().equals("stderr"))
            .forEach(p -> found.add(p.toString()));
      }
    }
    return found;
  }

  private static List<String> classpath() throws IOException {
    return List.of(Files.readString(Launcher.projectDir().resolve("target/classpath.txt"))
        .trim().split(java.io.File.pathSeparator));
  }

  private static Process startDaemon(Path dir, String name, String mainClass, String... args)
      throws IOException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
        "-cp", String.join(java.io.File.pathSeparator, classpath()), mainClass));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
        .redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile());
    pb.environment().put("SPARK_HOME", dir.resolve("spark-home").toString());
    pb.environment().put("SPARK_SCALA_VERSION", "2.13");   // else: "Cannot find any build directories"
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    return pb.start();
  }

  private static void waitForLog(Path log, String text) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (System.nanoTime() < deadline) {
      if (Files.exists(log) && Files.readString(log).contains(text)) {
        return;
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("No '" + text + "' in " + log + ":\n"
        + (Files.exists(log) ? Files.readString(log) : "(no log)"));
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}

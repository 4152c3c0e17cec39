package org.dualflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jobs/dualflow serve} as a notebook meets it: the server launched as a user starts it,
 * and a client in a process of its own with Spark's JVM Spark Connect client and no Spark
 * ({@link ConnectQuery}), which cannot share a JVM with Spark's server jar (see pom.xml). Runs
 * publish in this JVM, on the warehouse the server serves. The input is {@link EndToEndIT}'s
 * hand-worked one, without the analytics tables.
 */
@Tag("slow")
class ConnectServeIT {

  @TempDir
  Path dir;

  private final List<Process> started = new ArrayList<>();

  @AfterEach
  void stopEveryProcessStarted() {
    started.forEach(Process::destroyForcibly);
  }

  /** EndToEndIT's a.csv and b.csv.gz, and a job on a.csv alone. */
  private void firstRun() throws IOException {
    Path input = Files.createDirectories(dir.resolve("input"));
    Files.writeString(input.resolve("a.csv"),
        EndToEndIT.HEADER + "\n" + String.join("\n", EndToEndIT.A) + "\n");
    try (OutputStream gz = new GZIPOutputStream(Files.newOutputStream(input.resolve("b.csv.gz")))) {
      gz.write(EndToEndIT.B.getBytes(StandardCharsets.UTF_8));
    }
    Files.writeString(dir.resolve("a.properties"), "input.comtrade=input/a.csv\nwarehouse=wh\n"
        + "analytics.enabled=false\n" + EndToEndIT.NO_GATE);
    Launcher.Result r = InProcess.run(dir, "run", "a.properties");
    assertThat(r.exitCode()).as(r.stderr()).isZero();
  }

  private static final String EXPORTER_TOTAL =
      "SELECT sum(value_usd) FROM flows_monthly WHERE reported_by = 'exporter'";

  @Test
  void aNotebookQueriesTablesByNameAndSeesTheNextPublishWithoutARestart() throws Exception {
    firstRun();
    int port = freePort();
    String line = serve("--warehouse", "wh", "--port", String.valueOf(port));
    assertThat(line).isEqualTo("dualflow serve: Spark Connect on 127.0.0.1:" + port
        + " (loopback only), no token required; 6 tables of " + dir.resolve("wh") + " as "
        + "flows_monthly or dualflow.flows_monthly; connect with "
        + "SparkSession.builder.remote(\"sc://localhost:" + port + "\")");
    try (Client notebook = new Client("sc://localhost:" + port)) {
      // a.csv's exporter-reported CHPL flows: lines 2 and 3 (December 2021), 7 and 8 (January
      // 2022): 1000.25 + 500.50 + 2000.00 + 300.00.
      assertThat(notebook.query(EXPORTER_TOTAL)).containsExactly("3800.75");
      assertThat(notebook.query("SELECT sum(value_usd) FROM dualflow.flows_monthly "
          + "WHERE reported_by = 'exporter'")).containsExactly("3800.75");

      // Another run replaces January and February from b.csv.gz alone: January is its line 2
      // (a.csv line 7 again, 2000.00; a.csv's line 8 is not in this run), February its line 3
      // (77.70). December stays. The notebook's session read January's files before: they
      // are gone now, replaced.
      Files.writeString(dir.resolve("b.properties"), "input.comtrade=input/b.csv.gz\n"
          + "warehouse=wh\nperiods=2022-01..2022-02\nanalytics.enabled=false\n"
          + EndToEndIT.NO_GATE);
      Launcher.Result r = InProcess.run(dir, "run", "b.properties");
      assertThat(r.exitCode()).as(r.stderr()).isZero();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      List<String> total = notebook.query(EXPORTER_TOTAL);
      while (total.equals(List.of("3800.75")) && System.nanoTime() < deadline) {
        Thread.sleep(500);
        total = notebook.query(EXPORTER_TOTAL);
      }
      // 1500.75 (December) + 2000.00 + 77.70.
      assertThat(total).containsExactly("3578.45");
      assertThat(notebook.query("SELECT period, sum(value_usd) FROM flows_monthly "
          + "WHERE reported_by = 'exporter' GROUP BY period ORDER BY period"))
          .containsExactly("2021-12-01\t1500.75", "2022-01-01\t2000.00", "2022-02-01\t77.70");
      assertThat(notebook.query("SELECT count(*) FROM run_manifest")).containsExactly("2");
    }
  }

  @Test
  void onAnyOtherAddressOnlyAClientWithTheTokenIsServed() throws Exception {
    firstRun();
    Files.writeString(dir.resolve("token"), "s3cret-" + System.nanoTime() + "\n");
    String token = Files.readString(dir.resolve("token")).strip();
    int port = freePort();
    // Every interface of this machine; the clients below still connect through loopback.
    String line = serve("--warehouse", "wh", "--host", "0.0.0.0", "--port",
        String.valueOf(port), "--token-file", "token");
    assertThat(line).startsWith("dualflow serve: Spark Connect on 0.0.0.0:" + port
        + " (reachable from other machines), token required; 6 tables of ")
        .doesNotContain(token);
    // Spark's JVM client sends a token without TLS to "localhost" only (over TLS elsewhere).
    try (Client stranger = new Client("sc://localhost:" + port)) {
      assertThat(stranger.query(EXPORTER_TOTAL)).singleElement().asString()
          .startsWith("error\t").contains("UNAUTHENTICATED");
    }
    try (Client guesser = new Client("sc://localhost:" + port + "/;token=guess")) {
      assertThat(guesser.query(EXPORTER_TOTAL)).singleElement().asString()
          .startsWith("error\t").contains("UNAUTHENTICATED");
    }
    try (Client analyst = new Client("sc://localhost:" + port + "/;token=" + token)) {
      assertThat(analyst.query(EXPORTER_TOTAL)).containsExactly("3800.75");
    }
  }

  @Test
  void aPortInUseAndAMissingWarehouseAreOneLineAndExit2() throws Exception {
    Files.createDirectories(dir.resolve("wh"));
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      Launcher.Result r = Launcher.run(dir, "serve", "--warehouse", "wh", "--port",
          String.valueOf(taken.getLocalPort()));
      assertThat(r.exitCode()).as(r.stderr()).isEqualTo(2);
      assertThat(r.errorLines()).as(r.stderr()).containsExactly("dualflow: Cannot listen on "
          + "127.0.0.1:" + taken.getLocalPort() + ": the port is in use (another server, or "
          + "dualflow serve already running?); choose another with --port N");
      assertThat(r.stderr()).doesNotContain("\tat ", "Exception");
    }
    Launcher.Result r = Launcher.run(dir, "serve", "--warehouse", "nowhere");
    assertThat(r.exitCode()).as(r.stderr()).isEqualTo(2);
    assertThat(r.errorLines()).as(r.stderr()).singleElement().asString()
        .startsWith("dualflow: Cannot find warehouse " + dir.resolve("nowhere"));
  }

  /** Launches {@code jobs/dualflow serve} and waits for its start line. */
  private String serve(String... args) throws Exception {
    Path out = dir.resolve("serve-" + started.size() + ".out");
    Path err = dir.resolve("serve-" + started.size() + ".err");
    String[] command = new String[args.length + 1];
    command[0] = "serve";
    System.arraycopy(args, 0, command, 1, args.length);
    Process server = Launcher.start(dir, out, err, command);
    started.add(server);
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    while (System.nanoTime() < deadline) {
      String printed = Files.readString(out);
      if (printed.contains("\n")) {
        return printed.lines().findFirst().orElseThrow();
      }
      if (!server.isAlive()) {
        break;
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("jobs/dualflow serve did not start:\n" + Files.readString(err));
  }

  /**
   * A {@link ConnectQuery} process: Spark's JVM client jar (copied by Maven to
   * target/connect-client) first, with what it needs of the tests' class path: Spark's shared
   * utility modules and the libraries, but none of Spark's SQL engine or server jars.
   */
  private final class Client implements AutoCloseable {
    private final Process process;
    private final PrintStream in;
    private final BufferedReader out;

    Client(String url) throws IOException {
      List<String> classPath = new ArrayList<>();
      try (var jars = Files.list(Launcher.projectDir().resolve("target/connect-client"))) {
        jars.map(Path::toString).sorted().forEach(classPath::add);
      }
      for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
        String name = Path.of(entry).getFileName().toString();
        boolean sparkEngine = name.startsWith("spark-") && !name.matches(
            "spark-(common-utils|common-utils-java|unsafe|variant|sketch|tags)_.*");
        if (!sparkEngine && !entry.endsWith("classes")) {
          classPath.add(entry);
        }
      }
      classPath.add(Launcher.projectDir().resolve("target/test-classes").toString());
      Path conf = Launcher.projectDir().resolve("jobs/conf");
      process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java")
          .toString(), "@" + conf.resolve("jvm.options"), "-Xmx512m", "-XX:TieredStopAtLevel=1",
          "-Dlog4j2.configurationFile=" + conf.resolve("log4j2.properties"),
          "-cp", String.join(File.pathSeparator, classPath), ConnectQuery.class.getName(), url)
          .redirectError(dir.resolve("client-" + System.nanoTime() + ".err").toFile())
          .start();
      started.add(process);
      in = new PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8);
      out = new BufferedReader(new InputStreamReader(process.getInputStream(),
          StandardCharsets.UTF_8));
    }

    /** The query's rows, tab-separated, or one line {@code error <message>}. */
    List<String> query(String sql) throws IOException {
      in.println(sql);
      List<String> rows = new ArrayList<>();
      for (String line = out.readLine(); !"--".equals(line); line = out.readLine()) {
        if (line == null) {
          throw new IllegalStateException("The client ended answering " + sql);
        }
        rows.add(line);
      }
      return rows;
    }

    @Override
    public void close() throws InterruptedException {
      in.close();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    }
  }
}

package org.dualflow.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.dualflow.pipeline.ConfigException;
import org.dualflow.serve.WarehouseServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serve}'s arguments, token and checks, all made before Spark starts (a server is
 * started by {@code ConnectServeIT}, in a process of its own).
 */
class ServeCommandTest {

  @TempDir
  Path dir;

  private static final Map<String, String> NO_ENV = Map.of();

  private WarehouseServer.Settings settings(Map<String, String> env, String... args) {
    return ServeCommand.settings(List.of(args), dir, env);
  }

  @Test
  void loopbackByDefaultWithoutAToken() throws Exception {
    Files.createDirectories(dir.resolve("wh"));
    WarehouseServer.Settings s = settings(NO_ENV, "--warehouse", "wh", "--port", freePort());
    assertThat(s.host()).isEqualTo("127.0.0.1");
    assertThat(s.isLoopback()).isTrue();
    assertThat(s.token()).isNull();
    assertThat(s.warehouse()).isEqualTo(dir.resolve("wh").toString());
    assertThat(ServeCommand.startLine(s, 17)).isEqualTo("dualflow serve: Spark Connect on "
        + "127.0.0.1:" + s.port() + " (loopback only), no token required; 17 tables of "
        + dir.resolve("wh") + " as flows_monthly or dualflow.flows_monthly; connect with "
        + "SparkSession.builder.remote(\"sc://localhost:" + s.port() + "\")");
  }

  @Test
  void anyOtherAddressNeedsATokenFromAFileOrTheEnvironment() throws Exception {
    Files.createDirectories(dir.resolve("wh"));
    String port = freePort();
    assertThatThrownBy(() -> settings(NO_ENV, "--warehouse", "wh", "--host", "0.0.0.0",
        "--port", port)).isInstanceOf(ConfigException.class)
        .hasMessage("Cannot serve on 0.0.0.0 without a token: whoever reaches it could run any "
            + "query as you; put a token in a file (--token-file FILE) or in "
            + "DUALFLOW_CONNECT_TOKEN, or leave out --host to serve on loopback only");
    WarehouseServer.Settings fromEnv = settings(Map.of("DUALFLOW_CONNECT_TOKEN", " s3cret\n"),
        "--warehouse", "wh", "--host", "0.0.0.0", "--port", port);
    assertThat(fromEnv.token()).isEqualTo("s3cret");
    assertThat(fromEnv.isLoopback()).isFalse();
    assertThat(ServeCommand.startLine(fromEnv, 0)).contains("on 0.0.0.0:" + port
        + " (reachable from other machines), token required;").doesNotContain("s3cret");
    // The file wins over the environment.
    Files.writeString(dir.resolve("token"), "from-file\n");
    assertThat(settings(Map.of("DUALFLOW_CONNECT_TOKEN", "from-env"), "--warehouse", "wh",
        "--host", "0.0.0.0", "--port", port, "--token-file", "token").token())
        .isEqualTo("from-file");
  }

  @Test
  void mistakesAreOneLineNamingTheOptionAndTheFix() throws Exception {
    Files.createDirectories(dir.resolve("wh"));
    assertThatThrownBy(() -> settings(NO_ENV, "--warehouse", "wh", "--token", "s3cret"))
        .hasMessage("Invalid --token: a token on the command line is visible to every user of "
            + "this machine; put it in a file (--token-file FILE) or in DUALFLOW_CONNECT_TOKEN");
    assertThatThrownBy(() -> settings(NO_ENV, "--warehouse", "missing"))
        .hasMessage("Cannot find warehouse " + dir.resolve("missing") + ": give the warehouse "
            + "of a job (its warehouse key), or run one first (jobs/dualflow run "
            + "jobs/sample.properties)");
    assertThatThrownBy(() -> settings(NO_ENV)).hasMessageStartingWith("Missing --warehouse");
    assertThatThrownBy(() -> settings(NO_ENV, "--warehouse", "wh", "--port", "http"))
        .hasMessage("Invalid --port http: use a port number from 1 to 65535 (Spark Connect's "
            + "is 15002)");
    assertThatThrownBy(() -> settings(NO_ENV, "--warehouse", "wh", "--token-file", "nope"))
        .hasMessage("Cannot find --token-file " + dir.resolve("nope"));
    Files.writeString(dir.resolve("empty"), "\n");
    assertThatThrownBy(() -> settings(NO_ENV, "--warehouse", "wh", "--token-file", "empty"))
        .hasMessage("Invalid --token-file " + dir.resolve("empty") + ": it must hold the token "
            + "alone, on one line");
    assertThatThrownBy(() -> settings(NO_ENV, "--warehouse", "wh", "--bogus"))
        .hasMessageStartingWith("Unknown argument --bogus for serve");
  }

  @Test
  void aPortInUseIsFoundBeforeSparkStartsAndExits2() throws Exception {
    Files.createDirectories(dir.resolve("wh"));
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      int port = taken.getLocalPort();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      int code = Main.execute(new String[] {"serve", "--warehouse", "wh", "--port",
          String.valueOf(port)}, new PrintStream(out, true, StandardCharsets.UTF_8),
          new PrintStream(err, true, StandardCharsets.UTF_8), dir, Main.Sessions.OWN, NO_ENV);
      assertThat(code).isEqualTo(2);
      assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("dualflow: Cannot listen on "
          + "127.0.0.1:" + port + ": the port is in use (another server, or dualflow serve "
          + "already running?); choose another with --port N\n");
      assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
    }
  }

  static String freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return String.valueOf(s.getLocalPort());
    }
  }
}

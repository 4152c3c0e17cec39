package org.dualflow.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.dualflow.pipeline.ConfigException;
import org.dualflow.pipeline.JobConfig;
import org.dualflow.pipeline.SparkSettings;
import org.dualflow.serve.WarehouseServer;

/**
 * {@code serve}: a Spark Connect server over a warehouse ({@link WarehouseServer}), until the
 * process is stopped. Loopback by default; any other address needs a token, read from
 * {@code --token-file} or {@value #TOKEN_ENV}, never from the command line, where every user of
 * the machine can read it. Everything that can be checked before Spark starts is: the
 * warehouse, the address, the port, the token.
 */
final class ServeCommand {

  static final int DEFAULT_PORT = 15002;
  static final String DEFAULT_HOST = "127.0.0.1";
  static final String TOKEN_ENV = "DUALFLOW_CONNECT_TOKEN";

  private ServeCommand() {
  }

  static int execute(List<String> args, PrintStream out, Path cwd, Map<String, String> env)
      throws InterruptedException {
    WarehouseServer.Settings settings = settings(args, cwd, env);
    WarehouseServer server;
    try {
      server = WarehouseServer.start(settings);
    } catch (Exception e) {
      // Another process took the port since it was checked (Spark's BindException is checked
      // in Scala's eyes, invisible to javac).
      if (Main.findCause(e, BindException.class) != null) {
        throw portInUse(settings.host(), settings.port());
      }
      throw e;
    }
    out.println(startLine(settings, server.tables().size()));
    out.flush();
    server.serveUntilStopped();
    return Main.OK;
  }

  /** Parses and checks the arguments, the token and the warehouse; binds nothing for long. */
  static WarehouseServer.Settings settings(List<String> args, Path cwd,
      Map<String, String> env) {
    String warehouse = null;
    String host = DEFAULT_HOST;
    int port = DEFAULT_PORT;
    Path tokenFile = null;
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      switch (a) {
        case "--warehouse" -> warehouse = value(args, ++i, a);
        case "--host" -> host = value(args, ++i, a);
        case "--port" -> port = port(value(args, ++i, a));
        case "--token-file" -> tokenFile = cwd.resolve(value(args, ++i, a));
        case "--token" -> throw new ConfigException("Invalid --token: a token on the command "
            + "line is visible to every user of this machine; put it in a file (--token-file "
            + "FILE) or in " + TOKEN_ENV);
        default -> throw new ConfigException("Unknown argument " + a + " for serve; use "
            + "jobs/dualflow serve --warehouse <dir> [--port N] [--host H] [--token-file F]");
      }
    }
    if (warehouse == null) {
      throw new ConfigException("Missing --warehouse <dir> for serve, e.g. jobs/dualflow serve "
          + "--warehouse target/sample-warehouse");
    }
    InetAddress address = address(host);
    String token = token(tokenFile, env);
    WarehouseServer.Settings settings = new WarehouseServer.Settings(
        JobConfig.resolve(warehouse, cwd), host, port, token);
    if (!settings.isLoopback() && token == null) {
      throw new ConfigException("Cannot serve on " + host + " without a token: whoever reaches "
          + "it could run any query as you; put a token in a file (--token-file FILE) or in "
          + TOKEN_ENV + ", or leave out --host to serve on loopback only");
    }
    checkWarehouse(settings.warehouse());
    checkPort(address, host, port);
    return settings;
  }

  private static String value(List<String> args, int i, String option) {
    if (i >= args.size()) {
      throw new ConfigException("Invalid " + option + ": it needs a value");
    }
    return args.get(i);
  }

  private static int port(String text) {
    try {
      int port = Integer.parseInt(text.trim());
      if (port >= 1 && port <= 65535) {
        return port;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new ConfigException("Invalid --port " + text + ": use a port number from 1 to 65535 "
        + "(Spark Connect's is " + DEFAULT_PORT + ")");
  }

  /** The token from the file, else the environment; null when neither has one. */
  private static String token(Path file, Map<String, String> env) {
    if (file != null) {
      String token;
      try {
        token = Files.readString(file, StandardCharsets.UTF_8).strip();
      } catch (NoSuchFileException e) {
        throw new ConfigException("Cannot find --token-file " + file);
      } catch (IOException e) {
        throw new ConfigException("Cannot read --token-file " + file + ": " + e.getMessage());
      }
      if (token.isEmpty() || token.lines().count() > 1) {
        throw new ConfigException("Invalid --token-file " + file + ": it must hold the token "
            + "alone, on one line");
      }
      return token;
    }
    // Spark Connect itself falls back to its own variable: then the server has that token.
    String token = env.getOrDefault(TOKEN_ENV,
        env.getOrDefault("SPARK_CONNECT_AUTHENTICATE_TOKEN", "")).strip();
    return token.isEmpty() ? null : token;
  }

  private static void checkWarehouse(String root) {
    org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(root);
    try {
      FileSystem fs = path.getFileSystem(SparkSettings.hadoopConf());
      if (!fs.isDirectory(path)) {
        throw new ConfigException("Cannot find warehouse " + root + ": give the warehouse of a "
            + "job (its warehouse key), or run one first (jobs/dualflow run "
            + "jobs/sample.properties)");
      }
    } catch (IOException e) {
      throw new ConfigException("Cannot read warehouse " + root + ": " + e.getMessage());
    }
  }

  private static InetAddress address(String host) {
    try {
      return InetAddress.getByName(host);
    } catch (UnknownHostException e) {
      throw new ConfigException("Invalid --host " + host + ": no such host; use an address of "
          + "this machine, or 0.0.0.0 for all of them");
    }
  }

  /** Binds the address for a moment, so that a taken port is found before Spark starts. */
  private static void checkPort(InetAddress address, String host, int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress(address, port));
    } catch (BindException e) {
      if (String.valueOf(e.getMessage()).contains("in use")) {
        throw portInUse(host, port);
      }
      throw new ConfigException("Cannot listen on " + host + ":" + port + ": " + e.getMessage()
          + "; use an address of this machine, or 0.0.0.0 for all of them");
    } catch (IOException e) {
      throw new ConfigException("Cannot listen on " + host + ":" + port + ": " + e.getMessage());
    }
  }

  private static ConfigException portInUse(String host, int port) {
    return new ConfigException("Cannot listen on " + host + ":" + port + ": the port is in use "
        + "(another server, or dualflow serve already running?); choose another with --port N");
  }

  static String startLine(WarehouseServer.Settings settings, int tables) {
    String where = settings.isLoopback() ? "loopback only" : "reachable from other machines";
    String token = settings.token() == null ? "no token required" : "token required";
    String url = "sc://localhost:" + settings.port()
        + (settings.token() == null ? "" : "/;token=...");
    return "dualflow serve: Spark Connect on " + settings.host() + ":" + settings.port() + " ("
        + where + "), " + token + "; " + tables + " tables of " + settings.warehouse()
        + " as flows_monthly or " + WarehouseServer.DATABASE + ".flows_monthly; connect with "
        + "SparkSession.builder.remote(\"" + url + "\")";
  }
}

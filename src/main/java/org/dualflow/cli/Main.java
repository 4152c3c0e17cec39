package org.dualflow.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.spark.sql.SparkSession;
import org.dualflow.ingest.InputFileException;
import org.dualflow.pipeline.ConfigException;
import org.dualflow.pipeline.JobConfig;
import org.dualflow.pipeline.JobKey;
import org.dualflow.pipeline.Pipeline;
import org.dualflow.pipeline.PreparedRun;
import org.dualflow.pipeline.QualityGate;
import org.dualflow.pipeline.RunResult;
import org.dualflow.pipeline.SparkSettings;
import org.dualflow.publish.WarehouseViews;
import org.dualflow.publish.WarehouseLock;
import org.dualflow.reference.ReferenceDataException;
import org.dualflow.report.ReportException;

/**
 * Entry point of {@code jobs/dualflow} and of {@code spark-submit --class org.dualflow.cli.Main}.
 *
 * <p>Exit codes: 0 success; 2 usage or configuration (bad job file, unknown key, missing input,
 * a file given to two sources, unreadable reference file); 3 input (an empty or unreadable
 * input file) or quality gate (a file rejecting more than quality.max-reject-ratio); 4 runtime
 * failure; 5 the warehouse is in use by another run; 52 (Spark's code) out of memory. A user's
 * mistake is one line on stderr, never a stack trace.
 */
public final class Main {

  static final int OK = 0;
  static final int USAGE = 2;
  static final int INPUT = 3;
  static final int RUNTIME = 4;
  static final int BUSY = 5;
  /** Spark's own exit code for a task out of memory, which the launcher explains. */
  static final int OUT_OF_MEMORY = 52;

  /**
   * Where a command gets its Spark session: by default a new one, stopped when the command
   * ends; the tests lend their shared one.
   */
  interface Sessions {
    SparkSession open(String appName);

    void release(SparkSession spark);

    Sessions OWN = new Sessions() {
      @Override
      public SparkSession open(String appName) {
        return SparkSettings.session(appName);
      }

      @Override
      public void release(SparkSession spark) {
        spark.stop();
      }
    };
  }

  private static final Logger LOG = LogManager.getLogger(Main.class);

  static final String USAGE_TEXT = String.join("\n",
      "usage: jobs/dualflow run <job-file> [--set key=value ...] [--master <url>]",
      "                       [--conf k=v ...] [--log-format text|json]",
      "       jobs/dualflow sql --warehouse <dir> [--format table|csv] [--limit N] \"<query>\"",
      "       jobs/dualflow report --warehouse <dir> --out <dir>      (<out>/index.html)",
      "       jobs/dualflow serve --warehouse <dir> [--port N] [--host H] [--token-file F]",
      "                       (Spark Connect for notebooks; loopback only unless --host, which",
      "                       needs a token: --token-file or DUALFLOW_CONNECT_TOKEN)",
      "       jobs/dualflow inspect <file or folder>... [--source S]   (what a file is; no Spark)",
      "       jobs/dualflow generate --rows N --out <dir> [--seed S]   (benchmark input)",
      "",
      "Job file keys:");

  private Main() {
  }

  public static void main(String[] args) {
    stopWithTheLauncher(System.getenv("DUALFLOW_LAUNCHER_PID"));
    int code = execute(args, System.out, System.err, Path.of("").toAbsolutePath(),
        Sessions.OWN);
    System.exit(code);
  }

  /**
   * {@code jobs/dualflow run} starts the job's JVM as its child (to explain an out-of-memory
   * exit) and gives its own process id. A launcher killed outright (SIGKILL, which it cannot
   * pass on) would leave the job running unseen, holding the warehouse: the job stops as if
   * sent TERM once it is no longer the launcher's child (an orphan is given another parent).
   */
  private static void stopWithTheLauncher(String launcherPid) {
    if (launcherPid == null || launcherPid.isBlank()) {
      return;
    }
    long launcher = Long.parseLong(launcherPid.trim());
    Thread watch = new Thread(() -> {
      while (ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(-1L) == launcher) {
        try {
          Thread.sleep(500);
        } catch (InterruptedException e) {
          return;
        }
      }
      System.err.println("dualflow: the launcher (process " + launcher + ") is gone; stopping "
          + "the run");
      System.exit(143);                               // 128 + SIGTERM, as a stopped job ends
    }, "dualflow-launcher-watch");
    watch.setDaemon(true);
    watch.start();
  }

  /**
   * Runs a command and returns its exit code; never exits the JVM.
   *
   * @param cwd what relative paths on the command line are relative to
   */
  static int execute(String[] args, PrintStream out, PrintStream err, Path cwd,
      Sessions sessions) {
    return execute(args, out, err, cwd, sessions, System.getenv());
  }

  /** As {@link #execute(String[], PrintStream, PrintStream, Path, Sessions)}, with {@code env}. */
  static int execute(String[] args, PrintStream out, PrintStream err, Path cwd,
      Sessions sessions, java.util.Map<String, String> env) {
    try {
      if (args.length == 0 || args[0].equals("help") || args[0].equals("--help")
          || args[0].equals("-h")) {
        (args.length == 0 ? err : out).println(usage());
        return args.length == 0 ? USAGE : OK;
      }
      String command = args[0];
      List<String> rest = List.of(args).subList(1, args.length);
      return switch (command) {
        case "run" -> run(rest, out, cwd, sessions);
        case "sql" -> SqlCommand.execute(rest, out, cwd, sessions);
        case "report" -> ReportCommand.execute(rest, out, cwd, sessions);
        case "inspect" -> InspectCommand.execute(rest, out, cwd);
        case "serve" -> ServeCommand.execute(rest, out, cwd, env);
        case "generate" -> generate(rest, out);
        default -> throw new ConfigException("Unknown command '" + command
            + "'; use run, sql, report, serve, inspect or generate (jobs/dualflow help)");
      };
    } catch (ConfigException | ReferenceDataException | ReportException
        | WarehouseViews.MissingWarehouseException e) {
      err.println("dualflow: " + e.getMessage());
      return USAGE;
    } catch (QualityGate.QualityGateException e) {
      err.println("dualflow: " + e.getMessage());
      return INPUT;
    } catch (WarehouseLock.BusyException e) {
      err.println("dualflow: " + e.getMessage());
      return BUSY;
    } catch (Exception e) {
      // Spark's SparkException is a checked Scala exception that javac cannot see coming.
      InputFileException input = findCause(e, InputFileException.class);
      if (input != null) {
        err.println("dualflow: " + input.getMessage());
        return INPUT;
      }
      LOG.error("Run failed", e);
      if (outOfMemory(e)) {
        // The task's thread usually ends the JVM with 52 itself; when the failed job reaches
        // this thread first, end it the same way (jobs/dualflow prints what to do).
        return OUT_OF_MEMORY;
      }
      err.println("dualflow: run failed: " + oneLine(e) + " (stack trace above)");
      return RUNTIME;
    } catch (OutOfMemoryError e) {
      LOG.error("Run failed", e);
      return OUT_OF_MEMORY;
    }
  }

  static String usage() {
    StringBuilder sb = new StringBuilder(USAGE_TEXT);
    for (JobKey k : JobKey.values()) {
      String need = k.key().startsWith("input.") ? " (at least one input.* key)"
          : k.defaultValue() == null ? " (required)" : " (default: " + k.defaultValue() + ")";
      sb.append(String.format("%n  %-15s %s%s", k.key(), k.description(), need));
    }
    return sb.toString();
  }

  private static int run(List<String> args, PrintStream out, Path cwd, Sessions sessions)
      throws Exception {
    Path jobFile = null;
    List<String> overrides = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (a.equals("--set")) {
        if (i + 1 >= args.size()) {
          throw new ConfigException("Invalid --set: it needs key=value after it");
        }
        overrides.add(args.get(++i));
      } else if (a.startsWith("--set=")) {
        overrides.add(a.substring("--set=".length()));
      } else if (a.startsWith("-")) {
        throw new ConfigException("Unknown option " + a + " for run; see jobs/dualflow help");
      } else if (jobFile == null) {
        jobFile = Path.of(a);
      } else {
        throw new ConfigException("Unexpected argument " + a + ": run takes one job file");
      }
    }
    if (jobFile == null) {
      throw new ConfigException("Missing job file: jobs/dualflow run <job-file>, e.g. "
          + "jobs/dualflow run jobs/sample.properties");
    }
    String runId = Pipeline.newRunId();
    // Every log line of the run carries its id (run_id in JSON logs).
    org.apache.logging.log4j.ThreadContext.put("run_id", runId);
    try {
      JobConfig config = JobConfig.load(jobFile, overrides, cwd);
      PreparedRun prepared = Pipeline.prepare(config);
      LOG.info("Run {} of job {}: {}", runId, config.jobFile(), config.settings());
      long sparkStart = System.nanoTime();
      SparkSession spark = sessions.open("dualflow run " + config.jobFile().getFileName());
      LOG.info("Spark {} started, master {} ({})", spark.version(),
          spark.sparkContext().master(),
          String.format("%.1f s", (System.nanoTime() - sparkStart) / 1e9));
      try {
        RunResult result = Pipeline.run(spark, config, prepared, runId);
        RunSummary.print(result, config, cwd, out);
        return OK;
      } finally {
        sessions.release(spark);
      }
    } finally {
      org.apache.logging.log4j.ThreadContext.remove("run_id");
    }
  }

  /** Writes generated Comtrade-format input (the benchmark's), without Spark. */
  private static int generate(List<String> args, PrintStream out) throws java.io.IOException {
    Long rows = null;
    Path dir = null;
    long seed = 1;
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (i + 1 >= args.size() || !List.of("--rows", "--out", "--seed").contains(a)) {
        throw new ConfigException("Invalid generate arguments at '" + a + "': use "
            + "jobs/dualflow generate --rows N --out <dir> [--seed S]");
      }
      String v = args.get(++i);
      switch (a) {
        case "--rows" -> rows = count("--rows", v);
        case "--out" -> dir = Path.of(v);
        default -> seed = count("--seed", v);
      }
    }
    if (rows == null || dir == null) {
      throw new ConfigException("Missing --rows or --out: jobs/dualflow generate --rows 1000000 "
          + "--out target/bench-input");
    }
    long started = System.nanoTime();
    org.dualflow.generate.ComtradeGenerator.Summary s =
        org.dualflow.generate.ComtradeGenerator.generate(rows, dir, seed);
    out.printf("Wrote %,d Comtrade rows (%,d malformed on purpose) in %d files, %,d MB, to %s "
        + "in %.1f s (seed %d)%n", s.rows(), s.malformedRows(), s.files(), s.bytes() >> 20,
        dir.toAbsolutePath(), (System.nanoTime() - started) / 1e9, seed);
    return OK;
  }

  /** A positive whole number, with an optional k or M suffix (10M = 10,000,000). */
  static long count(String option, String text) {
    String t = text.trim().replace("_", "");
    long unit = t.endsWith("M") ? 1_000_000L : t.endsWith("k") ? 1_000L : 1L;
    try {
      long n = Long.parseLong(unit == 1 ? t : t.substring(0, t.length() - 1)) * unit;
      if (n > 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new ConfigException("Invalid " + option + " '" + text + "': use a whole number "
        + "above 0, like 1000000 or 10M");
  }

  static String oneLine(Throwable e) {
    return Pipeline.oneLine(e);
  }

  /**
   * Whether a failure is a heap exhausted: an {@link OutOfMemoryError} among its causes, or, for
   * a failed Spark task, named in the message (the task's error reaches the driver as text).
   */
  static boolean outOfMemory(Throwable e) {
    return findCause(e, OutOfMemoryError.class) != null
        || Stream.iterate(e, Objects::nonNull, Throwable::getCause)
            .anyMatch(t -> String.valueOf(t.getMessage()).contains("java.lang.OutOfMemoryError"));
  }

  static <T extends Throwable> T findCause(Throwable e, Class<T> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return null;
  }
}

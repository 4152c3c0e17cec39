package org.dualflow.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.hadoop.conf.Configuration;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.dualflow.classify.MatchTable;
import org.dualflow.ingest.Ingest;
import org.dualflow.ingest.InputDiscovery;
import org.dualflow.ingest.InputFileException;
import org.dualflow.ingest.SourceFormat;
import org.dualflow.reference.ReferenceData;
import org.dualflow.reference.ReferenceDataException;
import org.dualflow.reference.ReferenceFiles;

/**
 * Entry point of {@code jobs/dualflow} and of {@code spark-submit --class org.dualflow.cli.Main}.
 *
 * <p>Exit codes: 0 success; 2 usage or configuration (bad job file, unknown key, missing input,
 * unreadable reference file); 3 input (an empty or unreadable input file) or quality gate (a
 * file rejecting more than quality.max-reject-ratio); 4 runtime failure.
 * A user's mistake is one line on stderr, never a stack trace.
 */
public final class Main {

  static final int OK = 0;
  static final int USAGE = 2;
  static final int INPUT = 3;
  static final int RUNTIME = 4;

  private static final Logger LOG = LogManager.getLogger(Main.class);

  static final String USAGE_TEXT = String.join("\n",
      "usage: jobs/dualflow run <job-file> [--set key=value ...] [--master <url>]",
      "       jobs/dualflow sql --warehouse <dir> [--format table|csv] [--limit N] \"<query>\"",
      "       jobs/dualflow generate --rows N --out <dir> [--seed S]   (benchmark input)",
      "",
      "Job file keys:");

  private Main() {
  }

  public static void main(String[] args) {
    int code = execute(args, System.out, System.err);
    System.exit(code);
  }

  /** Runs a command and returns its exit code; never exits the JVM. */
  static int execute(String[] args, PrintStream out, PrintStream err) {
    try {
      if (args.length == 0 || args[0].equals("help") || args[0].equals("--help")
          || args[0].equals("-h")) {
        (args.length == 0 ? err : out).println(usage());
        return args.length == 0 ? USAGE : OK;
      }
      String command = args[0];
      List<String> rest = List.of(args).subList(1, args.length);
      return switch (command) {
        case "run" -> run(rest, out);
        case "sql" -> SqlCommand.execute(rest, out);
        case "generate" -> generate(rest, out);
        default -> throw new ConfigException("Unknown command '" + command
            + "'; use run, sql or generate (jobs/dualflow help)");
      };
    } catch (ConfigException | ReferenceDataException e) {
      err.println("dualflow: " + e.getMessage());
      return USAGE;
    } catch (RunJob.QualityGateException e) {
      err.println("dualflow: " + e.getMessage());
      return INPUT;
    } catch (Exception e) {
      // Spark's SparkException is a checked Scala exception that javac cannot see coming.
      InputFileException input = findCause(e, InputFileException.class);
      if (input != null) {
        err.println("dualflow: " + input.getMessage());
        return INPUT;
      }
      LOG.error("Run failed", e);
      err.println("dualflow: run failed: " + oneLine(e) + " (stack trace above)");
      return RUNTIME;
    }
  }

  static String usage() {
    StringBuilder sb = new StringBuilder(USAGE_TEXT);
    for (JobKey k : JobKey.values()) {
      sb.append(String.format("%n  %-15s %s%s", k.key(), k.description(),
          k.defaultValue() == null ? " (required)" : " (default: " + k.defaultValue() + ")"));
    }
    return sb.toString();
  }

  private static int run(List<String> args, PrintStream out) {
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
    String runId = ZonedDateTime.now(ZoneOffset.UTC)
        .format(DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")) + "-"
        + HexFormat.of().toHexDigits((byte) ThreadLocalRandom.current().nextInt(256))
        + HexFormat.of().toHexDigits((byte) ThreadLocalRandom.current().nextInt(256));
    // Every log line of the run carries its id (run_id in JSON logs).
    org.apache.logging.log4j.ThreadContext.put("run_id", runId);
    JobConfig config = JobConfig.load(jobFile, overrides, Path.of("").toAbsolutePath());
    RunJob.PreparedRun prepared = prepare(config);
    LOG.info("Run {} of job {}: {}", runId, config.jobFile(), config.settings());
    long sparkStart = System.nanoTime();
    SparkSession spark = session("dualflow run " + config.jobFile().getFileName());
    LOG.info("Spark {} started, master {} ({})", spark.version(), spark.sparkContext().master(),
        String.format("%.1f s", (System.nanoTime() - sparkStart) / 1e9));
    try {
      RunJob.Result result = RunJob.run(spark, config, prepared, runId);
      RunSummary.print(result, config, out);
      return OK;
    } finally {
      spark.stop();
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

  /** Loads and checks everything a run needs, before Spark starts. */
  static RunJob.PreparedRun prepare(JobConfig config) {
    ReferenceData reference = ReferenceData.load(new ReferenceFiles(config.referenceDir()));
    Map<String, List<org.dualflow.reference.CodeListEntry>> lists;
    try {
      lists = reference.codeLists().select(config.lists());
    } catch (IllegalArgumentException e) {
      throw new ConfigException("Invalid lists in " + config.origin(JobKey.LISTS) + ": "
          + e.getMessage());
    }
    Map<String, SourceFormat> formats;
    try {
      formats = org.dualflow.ingest.SourceCatalog.resolve(config.inputs().keySet(),
          config.sourceOptions(), reference.countries(), reference.fx());
    } catch (IllegalArgumentException e) {
      throw new ConfigException("Invalid input in " + config.jobFile() + ": " + e.getMessage());
    }
    Configuration hadoop = hadoopConfFromSparkProperties();
    List<Ingest.InputRef> inputs = new ArrayList<>();
    for (Map.Entry<String, List<String>> e : config.inputs().entrySet()) {
      for (String location : e.getValue()) {
        try {
          inputs.addAll(InputDiscovery.expand(e.getKey(), location, hadoop));
        } catch (InputDiscovery.NoMatchException miss) {
          String key = "input." + e.getKey();
          String origin = config.origins().getOrDefault(key, config.jobFile().toString());
          throw new ConfigException("Cannot find input for " + key + ": " + location + " ("
              + miss.getMessage() + "); fix the path in " + origin
              + (origin.startsWith("--set") ? "" : " or pass --set " + key + "=<path>"));
        }
      }
    }
    Map<String, String> hadoopSettings = new java.util.HashMap<>();
    hadoop.forEach(e -> hadoopSettings.put(e.getKey(), e.getValue()));
    for (Ingest.InputRef in : inputs) {
      Ingest.checkHeader(in, formats.get(in.source()), hadoopSettings);
    }
    return new RunJob.PreparedRun(reference, inputs, formats, MatchTable.build(lists,
        reference.hsConversion()));
  }

  /**
   * Spark settings dualflow needs, applied only where the user (spark-submit, --conf) set
   * nothing. The master is never among them.
   */
  static final Map<String, String> SPARK_DEFAULTS = Map.of(
      "spark.sql.session.timeZone", "UTC",
      "spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS",
      "spark.sql.sources.partitionOverwriteMode", "static",
      // The survey of the input is cached and read a few times; compressing the cache makes
      // Spark gather dictionary and run-length statistics over every value of every column
      // (a tenth of the job's CPU when it cached whole rows) for memory it spills anyway.
      "spark.sql.inMemoryColumnarStorage.compressed", "false",
      "spark.hadoop.fs.file.impl", org.dualflow.publish.NioLocalFileSystem.class.getName());

  /**
   * Hadoop settings as Spark will see them: defaults plus spark.hadoop.* properties. Input
   * discovery uses them before Spark starts; since Hadoop caches one file system per scheme,
   * they must agree with the session's.
   */
  static Configuration hadoopConfFromSparkProperties() {
    Configuration conf = new Configuration();
    Map<String, String> spark = new java.util.HashMap<>(SPARK_DEFAULTS);
    Properties sys = System.getProperties();
    sys.stringPropertyNames().forEach(name -> spark.put(name, sys.getProperty(name)));
    spark.forEach((name, value) -> {
      if (name.startsWith("spark.hadoop.")) {
        conf.set(name.substring("spark.hadoop.".length()), value);
      }
    });
    return conf;
  }

  /** The session, configured by spark-submit, with {@link #SPARK_DEFAULTS} where unset. */
  static SparkSession session(String appName) {
    SparkConf conf = new SparkConf().setIfMissing("spark.app.name", appName);
    SPARK_DEFAULTS.forEach(conf::setIfMissing);
    if (conf.get("spark.master", "local").startsWith("local")) {
      // Spark SQL would otherwise leave an empty spark-warehouse/ wherever the job was started;
      // dualflow's tables live in the job's own warehouse, not in Spark's.
      conf.setIfMissing("spark.sql.warehouse.dir", Path.of(System.getProperty("java.io.tmpdir"),
          "dualflow-spark-warehouse").toUri().toString());
    }
    return SparkSession.builder().config(conf).getOrCreate();
  }

  /** An exception as one line: the first non-blank line of its message, or its type. */
  static String oneLine(Throwable e) {
    String m = e.getMessage();
    return m == null ? e.getClass().getSimpleName()
        : m.lines().map(String::strip).filter(l -> !l.isEmpty()).findFirst()
            .orElse(e.getClass().getSimpleName());
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

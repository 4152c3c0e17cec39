package org.dualflow.pipeline;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.dualflow.classify.MatchTable;
import org.dualflow.ingest.Ingest;
import org.dualflow.ingest.InputDiscovery;
import org.dualflow.ingest.InputFileException;
import org.dualflow.ingest.SourceFormat;
import org.dualflow.reference.CodeListEntry;
import org.dualflow.reference.ReferenceData;
import org.dualflow.reference.ReferenceFiles;

/**
 * The pipeline's entry points: {@link #prepare} checks a job on the driver before Spark starts,
 * {@link #run} runs it on a session.
 *
 * <p>Failures a user can fix arrive as {@link ConfigException} (the job file or its inputs),
 * {@link org.dualflow.reference.ReferenceDataException}, {@link
 * org.dualflow.ingest.InputFileException} (an input file), {@link
 * QualityGate.QualityGateException} or {@link org.dualflow.publish.WarehouseLock.BusyException}
 * (another run holds the warehouse); anything else is a fault.
 */
public final class Pipeline {

  private Pipeline() {
  }

  /** Prepares and runs {@code config} on {@code spark} under a new run id. */
  public static RunResult run(SparkSession spark, JobConfig config) throws Exception {
    return run(spark, config, prepare(config), newRunId());
  }

  /**
   * Runs a prepared job.
   *
   * @throws Exception a failed Spark job arrives as Spark's checked SparkException
   */
  public static RunResult run(SparkSession spark, JobConfig config, PreparedRun prepared,
      String runId) throws Exception {
    return new PipelineRun(spark, config, prepared, runId).execute();
  }

  /** A run id: UTC start time and four random hex digits, like 20241102T060000Z-3fa2. */
  public static String newRunId() {
    return ZonedDateTime.now(ZoneOffset.UTC)
        .format(DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")) + "-"
        + HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt(1 << 16));
  }

  /**
   * Loads and checks everything a run needs, before Spark starts: reference data, code lists,
   * source formats, every input file listed (each once) and its header read.
   *
   * @throws ConfigException naming the key or file and the fix
   */
  public static PreparedRun prepare(JobConfig config) {
    ReferenceData reference = ReferenceData.load(new ReferenceFiles(config.referenceDir()));
    for (String group : config.analytics().originGroups()) {
      if (!reference.groups().all().containsKey(group)) {
        throw new ConfigException("Invalid analytics.origin-groups in "
            + config.origin(JobKey.ANALYTICS_ORIGIN_GROUPS) + ": '" + group
            + "' is not a group of country-groups.csv; groups: "
            + String.join(", ", reference.groups().all().keySet()));
      }
    }
    Map<String, List<CodeListEntry>> lists;
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
    Configuration hadoop = SparkSettings.hadoopConf();
    List<Ingest.InputRef> inputs = inputs(config, hadoop);
    Map<String, String> hadoopSettings = SparkSettings.hadoopSettings();
    for (Ingest.InputRef in : inputs) {
      try {
        Ingest.checkHeader(in, formats.get(in.source()), hadoopSettings);
      } catch (InputFileException e) {
        // A file under the wrong key: say which key it belongs under.
        String other = e.isHeaderMismatch() ? Inspect.otherSource(in, reference,
            hadoopSettings) : null;
        if (other == null) {
          throw e;
        }
        throw new InputFileException(e.getMessage() + "; it reads as " + other + " data: give "
            + "it as input." + other + " (see jobs/dualflow inspect " + in.uri() + ")", e);
      }
    }
    return new PreparedRun(reference, inputs, formats, MatchTable.build(lists,
        reference.hsConversion()));
  }

  /**
   * Every input file, each once. A file that two locations of one source reach (a folder and a
   * file in it) is read once; a file given to two sources is a mistake: it would be read as
   * both.
   */
  static List<Ingest.InputRef> inputs(JobConfig config, Configuration hadoop) {
    Map<String, Ingest.InputRef> byUri = new LinkedHashMap<>();
    for (Map.Entry<String, List<String>> e : config.inputs().entrySet()) {
      String key = "input." + e.getKey();
      String origin = config.origins().getOrDefault(key, config.jobFile().toString());
      for (String location : e.getValue()) {
        List<Ingest.InputRef> found;
        try {
          found = InputDiscovery.expand(e.getKey(), location, hadoop);
        } catch (InputDiscovery.NoMatchException miss) {
          throw new ConfigException("Cannot find input for " + key + ": " + location + " ("
              + miss.getMessage() + "); fix the path in " + origin
              + (origin.startsWith("--set") ? "" : " or pass --set " + key + "=<path>"));
        }
        for (Ingest.InputRef in : found) {
          Ingest.InputRef before = byUri.putIfAbsent(in.uri(), in);
          if (before != null && !before.source().equals(in.source())) {
            throw new ConfigException("Invalid input in " + origin + ": " + in.uri()
                + " is given as input." + before.source() + " and as " + key
                + "; a file is of one source, remove it from the other");
          }
        }
      }
    }
    return new ArrayList<>(byUri.values());
  }

  static String appVersion() {
    String version = Pipeline.class.getPackage().getImplementationVersion();
    return version == null ? "dev" : version;
  }

  /** An exception as one line: the first non-blank line of its message, or its type. */
  public static String oneLine(Throwable e) {
    String m = e.getMessage();
    return m == null ? e.getClass().getSimpleName()
        : m.lines().map(String::strip).filter(l -> !l.isEmpty()).findFirst()
            .orElse(e.getClass().getSimpleName());
  }
}

package org.dualflow.pipeline;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Optional;

/** Every key a job file may set, declared once with its meaning and default. */
public enum JobKey {
  INPUT_COMTRADE("input.comtrade", null, true,
      "UN Comtrade final-data CSV input: a file, a directory or a glob; comma-separated for several"),
  INPUT_GACC("input.gacc", null, true,
      "China customs (GACC) statistics exports; options input.gacc.flow, .period, .encoding"),
  INPUT_DECLARATIONS("input.declarations", null, true,
      "Shipment-level import declarations; options input.declarations.mapping, .encoding, .reporter"),
  INPUT_COMEXT("input.comext", null, true, "Eurostat Comext relational CSV"),
  WAREHOUSE("warehouse", null, true, "Output directory (local path or URI) holding one folder per table"),
  LISTS("lists", "chpl", false,
      "Code lists to apply: id (newest version), id@version or id@all; comma-separated"),
  PERIODS("periods", "all", false,
      "Months the run covers and replaces, like 2021-01..2024-12 or 2024-03; last:3 = the "
          + "three latest months in the input; all = every month in the input"),
  REFERENCE_DIR("reference.dir", "bundled", true,
      "Directory whose files replace the bundled reference files of the same name"),
  ANALYTICS_ENABLED("analytics.enabled", "true", false,
      "false: stop at flows_monthly and leave the analytics tables as they are (benchmarks, "
          + "quick re-ingests)"),
  ANALYTICS_BASELINE("analytics.baseline", "2021-03..2022-02", false,
      "Months whose mean is the pre-war baseline of baseline_change and transit_signals"),
  ANALYTICS_SOURCE_PRIORITY("analytics.source-priority", "comtrade,gacc,comext,declarations",
      false, "Which source the analytics use when several report the same side of a flow"),
  ANALYTICS_TRANSIT_THRESHOLD("analytics.transit-threshold", "2", false,
      "Times its baseline a hub's imports from the origin group and exports to Russia must "
          + "both reach in a month to count as risen"),
  ANALYTICS_MIN_COVERAGE("analytics.min-coverage", "0.75", false,
      "Share (0-1) of the baseline window's months that must be covered (reported monthly by "
          + "a side of every pair) for a baseline; below it the baseline is null"),
  ANALYTICS_TRANSIT_PERSISTENCE("analytics.transit-persistence", "3/4", false,
      "N/M: a re-export signal needs N of the latest M covered months risen"),
  ANALYTICS_TRANSIT_MIN_VALUE("analytics.transit-min-value-usd", "10000", false,
      "Value (US dollars) both series of a hub's HS6-month must reach to count as risen"),
  ANALYTICS_ORIGIN_GROUPS("analytics.origin-groups", "greater_china,sanctioning_coalition",
      false, "Country groups (country-groups.csv) whose exports to the hubs transit_signals "
          + "follows; comma-separated"),
  ANALYTICS_CIF_FOB_WINDOW("analytics.cif-fob-window", "baseline", false,
      "Months the CIF/FOB factors are estimated over, like 2021-03..2022-02; baseline = the "
          + "baseline window"),
  ANALYTICS_CIF_FOB_RANGE("analytics.cif-fob-range", "1.0..1.2", false,
      "Smallest and largest CIF/FOB factor an estimate may give, like 1.0..1.2"),
  CATALOG_REGISTER("catalog.register", "auto", false,
      "Register every table in the Spark catalog after publishing: auto (when the session has "
          + "a Hive metastore), true or false"),
  CATALOG_DATABASE("catalog.database", "dualflow", false,
      "Database the tables are registered in"),
  REPORT_ENABLED("report.enabled", "false", false,
      "true: after publishing, write the HTML report of the warehouse to report.dir/index.html"),
  REPORT_DIR("report.dir", JobConfig.REPORT_BESIDE, true,
      "Folder the report is written to (created if missing; not inside the warehouse)"),
  INGEST_SPLIT_SIZE("ingest.split-size", "auto", false,
      "Size of the splits an uncompressed text file larger than it is read in, one task each: "
          + "auto (each task's share of the input, 8-128 MB), a size like 64m or 1g, or none "
          + "(one task per file)"),
  QUALITY_MAX_REJECT_RATIO("quality.max-reject-ratio", "0.1", false,
      "Largest share (0-1) of a file's records that may be rejected (duplicates and aggregate "
          + "areas not counted); above it the run fails with exit code 3 and publishes "
          + "nothing; none turns the gate off"),
  QUALITY_WARN_REJECT_RATIO("quality.warn-reject-ratio", "0.01", false,
      "Share (0-1) of a file's records rejected above which the summary names the file with "
          + "its most frequent reasons and an example line");

  private final String key;
  private final String defaultValue;
  private final boolean isPath;
  private final String description;

  JobKey(String key, String defaultValue, boolean isPath, String description) {
    this.key = key;
    this.defaultValue = defaultValue;
    this.isPath = isPath;
    this.description = description;
  }

  public String key() {
    return key;
  }

  public String defaultValue() {
    return defaultValue;
  }

  public boolean isPath() {
    return isPath;
  }

  public String description() {
    return description;
  }

  /** {@code input.<source>} or {@code input.<source>.<option>}, for any source. */
  public static boolean isSourceKey(String key) {
    return key.matches("input\\.[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)?");
  }

  public static Optional<JobKey> of(String key) {
    return Arrays.stream(values()).filter(k -> k.key.equals(key)).findFirst();
  }

  /** The known key closest to a misspelt one, for "did you mean". */
  public static JobKey closest(String key) {
    return Arrays.stream(values())
        .min(Comparator.comparingInt(k -> distance(k.key, key)))
        .orElseThrow();
  }

  static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}

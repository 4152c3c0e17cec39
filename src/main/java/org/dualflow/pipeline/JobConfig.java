package org.dualflow.pipeline;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.dualflow.Periods;

/**
 * A job file after parsing, overrides and checks: immutable, paths resolved.
 *
 * <p>Relative paths in a job file resolve against the job file's own directory, so a job file
 * means the same wherever it is run from; relative paths given with {@code --set} resolve
 * against the current directory, where the user typed them. Values with a URI scheme
 * ({@code hdfs://}, {@code s3a://}, {@code file:}) are used as they are.
 */
public record JobConfig(Path jobFile, Map<String, String> settings, Map<String, String> origins,
    Map<String, List<String>> inputs, Map<String, Map<String, String>> sourceOptions,
    String warehouse, String lists, Periods periods, Path referenceDir, Double maxRejectRatio,
    Double warnRejectRatio,
    org.dualflow.analytics.AnalyticsSettings analytics) {

  /**
   * The default of report.dir: the warehouse's path with {@code -report} added, a folder beside
   * it (target/warehouse gives target/warehouse-report), so that two warehouses in one folder
   * never share a report and no folder inside the warehouse is taken for a table.
   */
  public static final String REPORT_BESIDE = "<warehouse>-report";

  /**
   * The split size of {@code ingest.split-size} in bytes: null for auto, {@link Long#MAX_VALUE}
   * for none.
   */
  public Long splitBytes() {
    return splitBytes(settings.get(JobKey.INGEST_SPLIT_SIZE.key()));
  }

  private static final java.util.regex.Pattern SIZE = java.util.regex.Pattern.compile(
      "(\\d{1,15})\\s*([kmg]?)b?", java.util.regex.Pattern.CASE_INSENSITIVE);

  /**
   * @param text auto, none, or bytes with an optional k, m or g (binary multiples)
   * @throws IllegalArgumentException saying what is allowed
   */
  static Long splitBytes(String text) {
    if (text.equals("auto")) {
      return null;
    }
    if (text.equals("none")) {
      return Long.MAX_VALUE;
    }
    java.util.regex.Matcher m = SIZE.matcher(text.trim());
    long bytes = m.matches() ? Long.parseLong(m.group(1)) << switch (
        m.group(2).toLowerCase(java.util.Locale.ROOT)) {
          case "k" -> 10;
          case "m" -> 20;
          case "g" -> 30;
          default -> 0;
        } : 0;
    if (bytes <= 0) {
      throw new IllegalArgumentException("'" + text + "' is not a size; use auto, none or a "
          + "size like 64m or 1g");
    }
    return bytes;
  }

  /** Where a key was set: the job file, or "--set key" on the command line. */
  public String origin(JobKey key) {
    return origins.get(key.key());
  }

  /**
   * @param overrides {@code key=value} pairs from {@code --set}, applied after the file
   * @throws ConfigException naming the file or key and the fix
   */
  public static JobConfig load(Path jobFile, List<String> overrides, Path cwd) {
    Path file = cwd.resolve(jobFile).toAbsolutePath().normalize();
    if (!Files.isRegularFile(file)) {
      throw new ConfigException("Cannot find job file " + jobFile + " (resolved to " + file
          + "); pass the path of a .properties file such as jobs/sample.properties");
    }
    Properties props = new Properties();
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      props.load(in);
    } catch (IOException | IllegalArgumentException e) {
      throw new ConfigException("Cannot read job file " + file + ": " + e.getMessage());
    }
    Path jobDir = file.getParent();
    Map<String, String> raw = new TreeMap<>();
    Map<String, Path> base = new TreeMap<>();
    Map<String, String> from = new TreeMap<>();   // where each key was set, for messages
    for (String name : props.stringPropertyNames()) {
      raw.put(name.trim(), props.getProperty(name).trim());
      base.put(name.trim(), jobDir);
      from.put(name.trim(), file.toString());
    }
    for (String o : overrides) {
      int eq = o.indexOf('=');
      if (eq <= 0) {
        throw new ConfigException("Invalid --set " + o + ": expected key=value, e.g. --set "
            + "periods=2024-01..2024-12");
      }
      String key = o.substring(0, eq).trim();
      raw.put(key, o.substring(eq + 1).trim());
      base.put(key, cwd);
      from.put(key, "--set " + key);
    }
    for (String key : raw.keySet()) {
      if (JobKey.of(key).isEmpty() && !JobKey.isSourceKey(key)) {
        throw new ConfigException("Unknown key " + key + " in " + from.get(key) + " (did you mean "
            + JobKey.closest(key).key() + "?); known keys: " + Arrays.stream(JobKey.values())
            .map(JobKey::key).toList());
      }
    }

    Map<String, String> settings = new LinkedHashMap<>();
    for (JobKey k : JobKey.values()) {
      String value = raw.get(k.key());
      if (value != null && k.isPath()) {
        value = resolveAll(value, base.get(k.key()));
      }
      if (value == null || value.isEmpty()) {
        value = k.defaultValue();
      }
      if (value != null) {
        settings.put(k.key(), value);
      }
    }
    // Any source: input.<source> (paths) and input.<source>.<option> (mapping is a path).
    Map<String, List<String>> inputs = new LinkedHashMap<>();
    Map<String, Map<String, String>> sourceOptions = new TreeMap<>();
    for (Map.Entry<String, String> e : raw.entrySet()) {
      String key = e.getKey();
      if (!JobKey.isSourceKey(key) || e.getValue().isEmpty()) {
        continue;
      }
      String[] parts = key.split("\\.");
      if (parts.length == 2) {
        String value = resolveAll(e.getValue(), base.get(key));
        settings.put(key, value);
        List<String> locations = new ArrayList<>();
        for (String part : value.split(",")) {
          if (!part.isBlank()) {
            locations.add(part.trim());
          }
        }
        inputs.put(parts[1], Collections.unmodifiableList(locations));
      } else {
        String value = parts[2].equals("mapping") ? resolve(e.getValue(), base.get(key))
            : e.getValue();
        settings.put(key, value);
        sourceOptions.computeIfAbsent(parts[1], x -> new TreeMap<>()).put(parts[2], value);
      }
    }
    for (String source : inputs.keySet()) {
      boolean ownMapping = sourceOptions.getOrDefault(source, Map.of()).containsKey("mapping");
      if (!ownMapping && !org.dualflow.ingest.SourceCatalog.isKnown(source)) {
        String key = "input." + source;
        String closest = org.dualflow.ingest.SourceCatalog.known().stream()
            .map(k -> "input." + k)
            .min(java.util.Comparator.comparingInt(k -> JobKey.distance(k, key))).orElseThrow();
        throw new ConfigException("Unknown key " + key + " in " + from.get(key)
            + " (did you mean " + closest + "?); sources: "
            + org.dualflow.ingest.SourceCatalog.known() + ", or read a new one with " + key
            + ".mapping=<mapping file>");
      }
    }
    for (String source : sourceOptions.keySet()) {
      if (!inputs.containsKey(source)) {
        throw new ConfigException("Invalid input." + source + ".* in " + from.getOrDefault(
            "input." + source, file.toString()) + ": options are set but input." + source
            + " is not; set input." + source + "=<files> or remove the options");
      }
    }

    String origin = file.toString();
    java.util.function.Function<JobKey, String> where = k -> from.getOrDefault(k.key(), origin);
    String warehouse = settings.get(JobKey.WAREHOUSE.key());
    if (warehouse == null) {
      throw new ConfigException("Missing key warehouse in " + origin + ": set warehouse=<output "
          + "directory>, e.g. warehouse=../target/warehouse");
    }
    if (warehouse.contains(",")) {
      throw new ConfigException("Invalid warehouse in " + where.apply(JobKey.WAREHOUSE) + ": '" + warehouse
          + "' is several paths; give one directory");
    }
    if (!warehouse.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*") && Files.isRegularFile(Path.of(warehouse))) {
      throw new ConfigException("Invalid warehouse in " + where.apply(JobKey.WAREHOUSE) + ": "
          + warehouse + " is a file; "
          + "point warehouse at a directory (it is created if missing)");
    }
    if (inputs.isEmpty()) {
      throw new ConfigException("Missing input in " + origin + ": set input.comtrade, "
          + "input.gacc, input.declarations or input.comext, e.g. "
          + "input.comtrade=../sample-data/comtrade");
    }
    try {
      splitBytes(settings.get(JobKey.INGEST_SPLIT_SIZE.key()));
    } catch (IllegalArgumentException e) {
      throw new ConfigException("Invalid ingest.split-size in " + where.apply(
          JobKey.INGEST_SPLIT_SIZE) + ": " + e.getMessage());
    }
    Double maxRejectRatio = ratio(settings, JobKey.QUALITY_MAX_REJECT_RATIO, where);
    Double warnRejectRatio = ratio(settings, JobKey.QUALITY_WARN_REJECT_RATIO, where);
    Periods periods;
    try {
      periods = Periods.parse(settings.get(JobKey.PERIODS.key()));
    } catch (IllegalArgumentException e) {
      throw new ConfigException("Invalid periods in " + where.apply(JobKey.PERIODS) + ": "
          + e.getMessage());
    }
    Path referenceDir = null;
    String ref = settings.get(JobKey.REFERENCE_DIR.key());
    if (!ref.equals(JobKey.REFERENCE_DIR.defaultValue())) {
      referenceDir = Path.of(ref.startsWith("file:") ? ref.substring(5) : ref);
      if (!Files.isDirectory(referenceDir)) {
        throw new ConfigException("Invalid reference.dir in " + where.apply(JobKey.REFERENCE_DIR)
            + ": " + ref
            + " is not a directory; remove the key to use the bundled reference data");
      }
    }
    Map<String, String> origins = new TreeMap<>();
    for (JobKey k : JobKey.values()) {
      origins.put(k.key(), where.apply(k));
    }
    org.dualflow.analytics.AnalyticsSettings analytics = analyticsSettings(settings, where);
    if (!List.of("true", "false").contains(settings.get(JobKey.ANALYTICS_ENABLED.key()))) {
      throw new ConfigException("Invalid analytics.enabled in " + where.apply(
          JobKey.ANALYTICS_ENABLED) + ": '" + settings.get(JobKey.ANALYTICS_ENABLED.key())
          + "'; use true or false");
    }
    if (!List.of("auto", "true", "false").contains(settings.get(JobKey.CATALOG_REGISTER.key()))) {
      throw new ConfigException("Invalid catalog.register in " + where.apply(
          JobKey.CATALOG_REGISTER) + ": '" + settings.get(JobKey.CATALOG_REGISTER.key())
          + "'; use auto, true or false");
    }
    if (!settings.get(JobKey.CATALOG_DATABASE.key()).matches("[A-Za-z_][A-Za-z0-9_]*")) {
      throw new ConfigException("Invalid catalog.database in " + where.apply(
          JobKey.CATALOG_DATABASE) + ": '" + settings.get(JobKey.CATALOG_DATABASE.key())
          + "'; use letters, digits and _ (like dualflow)");
    }
    if (!List.of("true", "false").contains(settings.get(JobKey.REPORT_ENABLED.key()))) {
      throw new ConfigException("Invalid report.enabled in " + where.apply(
          JobKey.REPORT_ENABLED) + ": '" + settings.get(JobKey.REPORT_ENABLED.key())
          + "'; use true or false");
    }
    String reportDir = settings.get(JobKey.REPORT_DIR.key());
    if (reportDir.equals(REPORT_BESIDE)) {
      reportDir = warehouse.replaceAll("/+$", "") + "-report";
      settings.put(JobKey.REPORT_DIR.key(), reportDir);
    }
    String reportProblem = reportDirProblem(reportDir, warehouse);
    if (reportProblem != null) {
      throw new ConfigException("Invalid report.dir in " + where.apply(JobKey.REPORT_DIR) + ": "
          + reportProblem);
    }
    from.forEach(origins::putIfAbsent);
    return new JobConfig(file, Collections.unmodifiableMap(settings), origins,
        Collections.unmodifiableMap(inputs), Collections.unmodifiableMap(sourceOptions),
        warehouse, settings.get(JobKey.LISTS.key()), periods, referenceDir, maxRejectRatio,
        warnRejectRatio,
        analytics);
  }

  /**
   * Why a report folder cannot be used, or null: a file, or the warehouse or a folder inside
   * it (every folder of a warehouse is read as a table). Local paths only; URIs are checked
   * when written.
   */
  public static String reportDirProblem(String dir, String warehouse) {
    String uri = "^[a-zA-Z][a-zA-Z0-9+.-]*:.*";
    if (dir.matches(uri) || warehouse.matches(uri)) {
      return null;
    }
    Path report = Path.of(dir).toAbsolutePath().normalize();
    if (Files.isRegularFile(report)) {
      return report + " is a file; give a folder (it is created if missing)";
    }
    if (report.startsWith(Path.of(warehouse).toAbsolutePath().normalize())) {
      return report + " is inside the warehouse " + warehouse + ", where every folder is read "
          + "as a table; put it beside, like " + warehouse.replaceAll("/+$", "") + "-report";
    }
    return null;
  }

  /** A share between 0 and 1, or null for none. */
  private static Double ratio(Map<String, String> settings, JobKey key,
      java.util.function.Function<JobKey, String> where) {
    String text = settings.get(key.key());
    if (text.equals("none")) {
      return null;
    }
    double value;
    try {
      value = Double.parseDouble(text);
    } catch (NumberFormatException e) {
      value = Double.NaN;
    }
    if (Double.isNaN(value) || value < 0 || value > 1) {
      throw new ConfigException("Invalid " + key.key() + " in " + where.apply(key) + ": '"
          + text + "' is not a share between 0 and 1, like 0.05, or none");
    }
    return value;
  }

  private static String resolveAll(String value, Path base) {
    List<String> out = new ArrayList<>();
    for (String part : value.split(",")) {
      String p = part.trim();
      if (!p.isEmpty()) {
        out.add(resolve(p, base));
      }
    }
    return String.join(",", out);
  }

  /** A path relative to {@code base}, unless it is absolute or a URI. */
  public static String resolve(String value, Path base) {
    if (value.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*") || value.startsWith("/")) {
      return value;
    }
    if (value.startsWith("~/")) {
      return Path.of(System.getProperty("user.home")).resolve(value.substring(2)).toString();
    }
    return base.resolve(value).normalize().toString();
  }

  /** The analytics settings, each checked with a message naming its key and the fix. */
  private static org.dualflow.analytics.AnalyticsSettings analyticsSettings(
      Map<String, String> settings, java.util.function.Function<JobKey, String> where) {
    Periods baseline = monthRange(settings, where, JobKey.ANALYTICS_BASELINE);
    List<String> priority = commaList(settings.get(JobKey.ANALYTICS_SOURCE_PRIORITY.key()));
    double threshold = number(settings, where, JobKey.ANALYTICS_TRANSIT_THRESHOLD, 1, 1000,
        "like 2");
    double coverage = number(settings, where, JobKey.ANALYTICS_MIN_COVERAGE, 0, 1, "like 0.75");
    String persistence = settings.get(JobKey.ANALYTICS_TRANSIT_PERSISTENCE.key());
    java.util.regex.Matcher nOfM = java.util.regex.Pattern.compile("(\\d+)/(\\d+)")
        .matcher(persistence);
    if (!nOfM.matches() || Integer.parseInt(nOfM.group(1)) < 1
        || Integer.parseInt(nOfM.group(1)) > Integer.parseInt(nOfM.group(2))) {
      throw new ConfigException("Invalid analytics.transit-persistence in "
          + where.apply(JobKey.ANALYTICS_TRANSIT_PERSISTENCE) + ": '" + persistence
          + "'; use N/M with 1 <= N <= M, like 3/4");
    }
    double minValue = number(settings, where, JobKey.ANALYTICS_TRANSIT_MIN_VALUE, 0, 1e15,
        "like 10000");
    List<String> groups = commaList(settings.get(JobKey.ANALYTICS_ORIGIN_GROUPS.key()));
    if (groups.isEmpty()) {
      throw new ConfigException("Invalid analytics.origin-groups in "
          + where.apply(JobKey.ANALYTICS_ORIGIN_GROUPS)
          + ": empty; name country groups like greater_china,sanctioning_coalition");
    }
    Periods factorWindow = settings.get(JobKey.ANALYTICS_CIF_FOB_WINDOW.key()).equals("baseline")
        ? baseline : monthRange(settings, where, JobKey.ANALYTICS_CIF_FOB_WINDOW);
    String range = settings.get(JobKey.ANALYTICS_CIF_FOB_RANGE.key());
    String[] bounds = range.split("\\.\\.", -1);
    double min;
    double max;
    try {
      min = Double.parseDouble(bounds[0]);
      max = Double.parseDouble(bounds[bounds.length - 1]);
    } catch (NumberFormatException e) {
      min = Double.NaN;
      max = Double.NaN;
    }
    if (bounds.length != 2 || !(min >= 1.0) || !(max >= min) || max > 3) {
      throw new ConfigException("Invalid analytics.cif-fob-range in "
          + where.apply(JobKey.ANALYTICS_CIF_FOB_RANGE) + ": '" + range
          + "'; use MIN..MAX with 1 <= MIN <= MAX <= 3, like 1.0..1.2");
    }
    return org.dualflow.analytics.AnalyticsSettings.of(baseline, priority, threshold)
        .withCoverage(coverage)
        .withTransit(Integer.parseInt(nOfM.group(1)), Integer.parseInt(nOfM.group(2)),
            java.math.BigDecimal.valueOf(minValue), groups)
        .withFactor(factorWindow, min, max);
  }

  private static List<String> commaList(String value) {
    return Arrays.stream(value.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList();
  }

  private static Periods monthRange(Map<String, String> settings,
      java.util.function.Function<JobKey, String> where, JobKey key) {
    String value = settings.get(key.key());
    try {
      Periods p = Periods.parse(value);
      if (p.from() != null) {
        return p;
      }
    } catch (IllegalArgumentException e) {
      // the message below says what is expected
    }
    throw new ConfigException("Invalid " + key.key() + " in " + where.apply(key) + ": '" + value
        + "'; use a month range like 2021-03..2022-02");
  }

  private static double number(Map<String, String> settings,
      java.util.function.Function<JobKey, String> where, JobKey key, double min, double max,
      String example) {
    String value = settings.get(key.key());
    try {
      double d = Double.parseDouble(value);
      if (d >= min && d <= max) {
        return d;
      }
    } catch (NumberFormatException e) {
      // the message below says what is expected
    }
    throw new ConfigException("Invalid " + key.key() + " in " + where.apply(key) + ": '" + value
        + "'; use a number from " + plain(min) + " to " + plain(max)
        + ", " + example);
  }

  /** A bound as plain decimal text, for messages. */
  private static String plain(double d) {
    return java.math.BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
  }
}

package org.dualflow.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.dualflow.classify.MatchRow;
import org.dualflow.classify.MatchTable;
import org.dualflow.generate.ComtradeGenerator;
import org.dualflow.reference.Countries;
import org.dualflow.reference.ReferenceData;
import org.dualflow.reference.ReferenceFiles;

/**
 * The side-by-side benchmark (run it with {@code jobs/benchmark}): for each size, generated
 * Comtrade files go through
 * <ul>
 *   <li>the job, {@code jobs/dualflow run} as a user runs it, from raw CSV to
 *       {@code flows_monthly} with {@code trade_records}, {@code rejected_records} and
 *       {@code dual_use_flows} written, once with the analytics tables off and once on;
 *   <li>the same work written by hand for DuckDB ({@link DuckDbPipeline}), once writing
 *       {@code flows_monthly} only and once writing the same four tables as the job;
 *   <li>with {@code --single-file true}, the job on the same rows as one file.
 * </ul>
 * Each runs in its own process, timed from launch to exit, its peak resident memory read from
 * {@code /proc}. Every {@code flows_monthly} must agree with DuckDB's to the cent by tier and
 * year, or the benchmark fails.
 */
public final class Benchmark {

  record Measure(double seconds, long peakRssBytes, double startupSeconds, List<String> log) {
  }

  public static void main(String[] args) throws Exception {
    List<Long> sizes = new ArrayList<>(List.of(1_000_000L, 10_000_000L));
    Path dir = Path.of("target/bench");
    long seed = 1;
    boolean singleFile = false;
    String driverMemory = System.getenv().getOrDefault("DUALFLOW_DRIVER_MEMORY", "");
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--rows" -> {
          sizes.clear();
          for (String s : args[i + 1].split(",")) {
            sizes.add(org.dualflow.cli.MainAccess.count("--rows", s));
          }
        }
        case "--dir" -> dir = Path.of(args[i + 1]);
        case "--seed" -> seed = Long.parseLong(args[i + 1]);
        case "--single-file" -> singleFile = Boolean.parseBoolean(args[i + 1]);
        default -> throw new IllegalArgumentException("Unknown option " + args[i]
            + "; use --rows 1M,10M,50M --dir <dir> --seed S --single-file true|false");
      }
    }
    Path project = Path.of(System.getProperty("dualflow.projectDir", "")).toAbsolutePath();
    Files.createDirectories(dir);
    dir = dir.toAbsolutePath();
    Path matches = dir.resolve("matches.csv");
    Path countries = dir.resolve("countries.csv");
    writeReference(matches, countries);

    List<String> results = new ArrayList<>();
    results.add("| rows | engine | wall s | start-up s | rows/s | rows/s above start-up | "
        + "peak RSS MiB | against |");
    results.add("|---:|---|---:|---:|---:|---:|---:|---|");
    for (long rows : sizes) {
      Path input = dir.resolve("input-" + rows);
      long generateStart = System.nanoTime();
      ComtradeGenerator.Summary g = ComtradeGenerator.generate(rows, input, seed);
      System.err.printf("generated %,d rows (%,d malformed), %d files, %,d MB in %.1f s%n",
          g.rows(), g.malformedRows(), g.files(), g.bytes() >> 20,
          (System.nanoTime() - generateStart) / 1e9);

      Path warehouse = dir.resolve("job-wh-" + rows);
      Measure jobRun = job(project, dir, "job-" + rows, input, warehouse, false, driverMemory);
      Measure analyticsRun = job(project, dir, "job-analytics-" + rows, input,
          dir.resolve("job-analytics-wh-" + rows), true, driverMemory);

      Path duckOut = dir.resolve("duckdb-" + rows);
      Measure duck = duckDb(input, matches, countries, duckOut, "flows");
      String check = compare(warehouse.resolve("flows_monthly"), duckOut);
      Path duckTables = dir.resolve("duckdb-tables-" + rows);
      Measure duckFour = duckDb(input, matches, countries, duckTables, "tables");
      compare(warehouse.resolve("flows_monthly"), duckTables.resolve("flows_monthly"));

      double ratio = jobRun.seconds() / duck.seconds();
      results.add(row(rows, "dualflow job", jobRun, String.format("%.2f× DuckDB "
          + "flows_monthly, %.2f× DuckDB four tables", ratio,
          jobRun.seconds() / duckFour.seconds())));
      results.add(row(rows, "dualflow job, analytics on", analyticsRun, String.format(
          "%.2f× the job with analytics off", analyticsRun.seconds() / jobRun.seconds())));
      results.add(row(rows, "DuckDB, flows_monthly only", duck, ""));
      results.add(row(rows, "DuckDB, the four tables", duckFour, ""));
      System.err.printf("%,d rows: job %.1f s (start-up %.1f s), with analytics %.1f s, DuckDB "
          + "%.1f s (four tables %.1f s), ratio %.2f; %s%n", rows, jobRun.seconds(),
          jobRun.startupSeconds(), analyticsRun.seconds(), duck.seconds(), duckFour.seconds(),
          ratio, check);
      for (String line : analyticsRun.log()) {
        if (line.contains("Stage ")) {
          System.err.println("  " + line);
        }
      }
      if (singleFile) {
        Path one = dir.resolve("input-" + rows + "-one-file");
        concatenate(input, one.resolve("comtrade-one.csv"));
        Path oneWarehouse = dir.resolve("job-one-file-wh-" + rows);
        Measure oneRun = job(project, dir, "job-one-file-" + rows, one, oneWarehouse, false,
            driverMemory);
        compare(oneWarehouse.resolve("flows_monthly"), duckOut);
        double many = rows / (jobRun.seconds() - jobRun.startupSeconds());
        double single = rows / (oneRun.seconds() - oneRun.startupSeconds());
        results.add(row(rows, "dualflow job, one file", oneRun, String.format(
            "%.0f%% of the throughput from %d files", 100 * single / many, g.files())));
      }
    }
    PrintStream out = System.out;
    out.println();
    out.printf("Machine: %d cores, %s, Java %s, %s%n", Runtime.getRuntime().availableProcessors(),
        memTotal(), System.getProperty("java.version"), osName());
    results.forEach(out::println);
  }

  /** Runs the job on {@code input}, analytics on or off; fails the benchmark if it fails. */
  private static Measure job(Path project, Path dir, String name, Path input, Path warehouse,
      boolean analytics, String driverMemory) throws Exception {
    deleteTree(warehouse);
    Path job = dir.resolve(name + ".properties");
    Files.writeString(job, "input.comtrade=" + input + "\nwarehouse=" + warehouse
        + "\nlists=chpl\nanalytics.enabled=" + analytics + "\n");
    Measure run = measure(List.of(project.resolve("jobs/dualflow").toString(), "run",
        job.toString()), driverMemory, "Spark ");
    if (run == null) {
      throw new IllegalStateException("the job " + name + " failed");
    }
    return run;
  }

  /** Runs {@link DuckDbPipeline} in its own JVM in {@code mode} (flows or tables). */
  private static Measure duckDb(Path input, Path matches, Path countries, Path out, String mode)
      throws Exception {
    deleteTree(out);
    Measure run = measure(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
        System.getProperty("java.class.path"), DuckDbPipeline.class.getName(),
        input.toString(), matches.toString(), countries.toString(), out.toString(), mode), "",
        null);
    if (run == null) {
      throw new IllegalStateException("the DuckDB pipeline (" + mode + ") failed");
    }
    return run;
  }

  /** The generated files as one file: the first header, then every file's records. */
  static void concatenate(Path inputDir, Path target) throws IOException {
    deleteTree(target.getParent());
    Files.createDirectories(target.getParent());
    List<Path> files;
    try (var list = Files.list(inputDir)) {
      files = list.filter(p -> p.toString().endsWith(".csv")).sorted().toList();
    }
    try (var out = new java.io.BufferedOutputStream(Files.newOutputStream(target), 1 << 20)) {
      for (int i = 0; i < files.size(); i++) {
        try (var in = new java.io.BufferedInputStream(Files.newInputStream(files.get(i)),
            1 << 20)) {
          if (i > 0) {
            for (int b = in.read(); b >= 0 && b != '\n'; b = in.read()) {
              // the header line again: skipped
            }
          }
          in.transferTo(out);
        }
      }
    }
  }

  /** The job's match table and Comtrade country codes, as CSV files for DuckDB. */
  static void writeReference(Path matches, Path countries) throws IOException {
    ReferenceData reference = ReferenceData.load(new ReferenceFiles(null));
    List<MatchRow> table = MatchTable.build(reference.codeLists().select("chpl"),
        reference.hsConversion());
    List<String> lines = new ArrayList<>();
    lines.add("hs_edition,prefix,list_id,list_version,list_code,tier,is_hs_mapped,exact");
    for (MatchRow m : table) {
      lines.add(String.join(",", m.hsEdition(), m.prefix(), m.listId(), m.listVersion(),
          m.listCode(), m.tier(), String.valueOf(m.hsMapped()),
          String.valueOf(m.exactLength())));
    }
    Files.write(matches, lines);
    Countries c = reference.countries();
    List<String> codes = new ArrayList<>(List.of("code,iso3"));
    for (int code = 0; code < 1000; code++) {
      String iso3 = c.byComtradeCode(code);
      if (iso3 != null) {
        codes.add(code + "," + iso3);
      }
    }
    Files.write(countries, codes);
  }

  /**
   * Runs a command to its end; returns null when it fails. Peak resident memory is the sum of
   * the VmHWM of the process and of each process it starts (the launcher's shell, a few MB, and
   * the job's JVM), polled (it only grows) until the process ends.
   */
  static Measure measure(List<String> command, String driverMemory, String startupMarker)
      throws Exception {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    if (!driverMemory.isEmpty()) {
      pb.environment().put("DUALFLOW_DRIVER_MEMORY", driverMemory);
    }
    pb.environment().remove("SPARK_HOME");
    long start = System.nanoTime();
    Process p = pb.start();
    AtomicLong startup = new AtomicLong(-1);
    List<String> log = java.util.Collections.synchronizedList(new ArrayList<>());
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
          StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          if (startupMarker != null && startup.get() < 0 && line.contains(startupMarker)
              && line.contains(" started, master ")) {
            startup.set(System.nanoTime());
          }
          log.add(line);
        }
      } catch (IOException e) {
        log.add("(output lost: " + e.getMessage() + ")");
      }
    });
    reader.start();
    // Per process: the launcher runs the job's JVM as its child.
    Map<Long, Long> peaks = new HashMap<>();
    while (p.isAlive()) {
      Stream.concat(Stream.of(p.toHandle()), p.toHandle().descendants())
          .forEach(h -> peaks.merge(h.pid(), vmHwm(Path.of("/proc", String.valueOf(h.pid()),
              "status")), Math::max));
      p.waitFor(50, TimeUnit.MILLISECONDS);
    }
    long peak = peaks.values().stream().mapToLong(Long::longValue).sum();
    long end = System.nanoTime();
    reader.join();
    if (p.exitValue() != 0) {
      log.forEach(System.err::println);
      return null;
    }
    return new Measure((end - start) / 1e9, peak,
        startup.get() < 0 ? 0 : (startup.get() - start) / 1e9, List.copyOf(log));
  }

  private static long vmHwm(Path status) {
    try {
      for (String line : Files.readAllLines(status)) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      // the process just ended
    }
    return 0;
  }

  /**
   * Both flows_monthly by tier and year: row counts, records and value to the cent. Returns a
   * one-line account; throws when they differ.
   */
  static String compare(Path jobTable, Path duckTable) throws Exception {
    String by = "SELECT tier, year(period) AS y, count(*) AS cells, sum(records) AS records, "
        + "sum(value_usd) AS usd FROM read_parquet('%s/**/*.parquet', hive_partitioning = true, "
        + "union_by_name = true) GROUP BY ALL";
    try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = db.createStatement()) {
      st.execute("CREATE TABLE j AS " + by.formatted(jobTable));
      st.execute("CREATE TABLE d AS " + by.formatted(duckTable));
      long differ = scalar(st, "SELECT count(*) FROM ((SELECT * FROM j EXCEPT SELECT * FROM d) "
          + "UNION ALL (SELECT * FROM d EXCEPT SELECT * FROM j))");
      String totals = "SELECT sum(cells), sum(records), sum(usd) FROM %s";
      String jobTotals = row(st, totals.formatted("j"));
      String duckTotals = row(st, totals.formatted("d"));
      if (differ != 0 || !jobTotals.equals(duckTotals)) {
        throw new IllegalStateException("flows_monthly differs: job " + jobTotals + ", DuckDB "
            + duckTotals + " (" + differ + " tier-year rows differ)");
      }
      return "flows_monthly identical by tier and year (cells, records, USD: " + jobTotals + ")";
    }
  }

  private static long scalar(Statement st, String sql) throws Exception {
    try (ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static String row(Statement st, String sql) throws Exception {
    try (ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      BigDecimal usd = rs.getBigDecimal(3);
      return rs.getLong(1) + ", " + rs.getLong(2) + ", " + usd.toPlainString();
    }
  }

  private static String row(long rows, String engine, Measure m, String ratio) {
    double above = m.seconds() - m.startupSeconds();
    return String.format("| %,d | %s | %.1f | %s | %,.0f | %s | %,d | %s |", rows, engine,
        m.seconds(), m.startupSeconds() > 0 ? String.format("%.1f", m.startupSeconds()) : "–",
        rows / m.seconds(), m.startupSeconds() > 0 ? String.format("%,.0f", rows / above) : "–",
        m.peakRssBytes() >> 20, ratio);
  }

  private static String memTotal() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemTotal:")) {
          return (Long.parseLong(line.replaceAll("\\D", "")) >> 20) + " GiB RAM";
        }
      }
    } catch (IOException e) {
      // not Linux
    }
    return "RAM unknown";
  }

  private static String osName() {
    return System.getProperty("os.name") + " " + System.getProperty("os.arch");
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var walk = Files.walk(dir)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}

package org.dualflow.report;

import static org.dualflow.report.Html.esc;
import static org.dualflow.report.Html.text;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.dualflow.Periods;
import org.dualflow.analytics.AnalyticsJob;
import org.dualflow.analytics.CorridorMonthly;
import org.dualflow.analytics.PairCoverage;
import org.dualflow.analytics.SupplierShare;
import org.dualflow.analytics.TransitSignals;
import org.dualflow.publish.WarehouseViews;
import org.dualflow.reference.ReferenceData;
import org.dualflow.reference.ReferenceFiles;

/**
 * Writes {@code <out>/index.html}: one self-contained page (styles and SVG charts inline, no
 * script, nothing fetched) with the figures of {@link Figures} for the newest version of the
 * CHPL in the warehouse (or of the first list, when it holds no CHPL), and the run they come
 * from: the newest succeeded run in {@code run_manifest}, which wrote the analytics tables
 * (every run rewrites them whole).
 *
 * <p>The warehouse is read as {@code jobs/dualflow sql} reads it ({@link WarehouseViews}), in a
 * session of its own, so that its views do not replace the caller's. Three views are added,
 * the coverage of every month by the analytics' own rule ({@link PairCoverage} over
 * {@code coverage} and {@code flows_monthly}, with the reference data the run used): the
 * tables have rows only where there was trade, and these say whether a month without a row
 * was reported (a zero) or not (missing).
 */
public final class Report {

  private static final Logger LOG = LogManager.getLogger(Report.class);

  /** The report's file name in its folder. */
  public static final String FILE = "index.html";

  /** The file written and the run whose tables it shows. */
  public record Written(String file, String runId) {
  }

  private Report() {
  }

  /**
   * @param warehouse the warehouse folder (path or URI)
   * @param out the folder to write {@link #FILE} to; created when missing
   * @throws WarehouseViews.MissingWarehouseException when the warehouse does not exist
   * @throws ReportException when it holds no published run, or {@code out} is a file
   */
  public static Written write(SparkSession session, String warehouse, String out) {
    long started = System.nanoTime();
    SparkSession spark = session.newSession();
    try {
      return write(spark, warehouse, out, started);
    } finally {
      spark.sparkContext().setJobDescription(null);
    }
  }

  private static Written write(SparkSession spark, String warehouse, String out, long started) {
    Set<String> views = new TreeSet<>(WarehouseViews.register(spark, warehouse));
    Row run = publishedRun(spark, views, warehouse);
    String runId = run.getAs("run_id");
    Map<String, String> settings = run.getJavaMap(run.fieldIndex("settings"));
    ReferenceData reference = reference(settings);
    views.addAll(coverageViews(spark, views, reference, settings));
    Figures.Scope scope = scope(spark, views, reference);
    List<Figures.Section> sections = scope == null ? List.of()
        : new Figures(spark, views, scope).all();
    String html = page(warehouse, run, scope, sections, runTables(spark, views, runId));
    Path file = new Path(out, FILE);
    writeFile(spark, new Path(out), file, html);
    LOG.info("Report of run {} written to {} ({} figures, {})", runId, file, sections.size(),
        String.format("%.1f s", (System.nanoTime() - started) / 1e9));
    return new Written(file.toString(), runId);
  }

  /** The newest succeeded run; a warehouse without one has nothing to report. */
  private static Row publishedRun(SparkSession spark, Set<String> views, String warehouse) {
    List<Row> runs = views.contains("run_manifest") ? spark.sql("SELECT * FROM run_manifest "
        + "WHERE status = 'succeeded' ORDER BY finished_at DESC, run_id DESC LIMIT 1")
        .collectAsList() : List.of();
    if (runs.isEmpty()) {
      throw new ReportException("Cannot write a report: warehouse " + warehouse + " holds no "
          + "published run (run_manifest has no succeeded run); run a job into it first, e.g. "
          + "jobs/dualflow run jobs/sample.properties");
    }
    return runs.get(0);
  }

  /** The reference data as the run had it: reference.dir, or the bundled files. */
  private static ReferenceData reference(Map<String, String> settings) {
    String dir = settings.getOrDefault("reference.dir", "bundled");
    return ReferenceData.load(new ReferenceFiles(dir.equals("bundled") ? null
        : java.nio.file.Path.of(dir.startsWith("file:") ? dir.substring(5) : dir)));
  }

  /**
   * Registers {@code corridor_months}, {@code hub_months} (origin group greater_china) and
   * {@code supplier_months}: per month of the warehouse, whether each corridor, each hub's two
   * series and each importer's suppliers were reported, by the rule the tables' coverage
   * columns follow. None without {@code coverage} and {@code flows_monthly}.
   */
  private static List<String> coverageViews(SparkSession spark, Set<String> views,
      ReferenceData reference, Map<String, String> settings) {
    if (!views.contains("coverage") || !views.contains("flows_monthly")) {
      return List.of();
    }
    PairCoverage pairs = PairCoverage.of(spark.table("coverage"), spark.table("flows_monthly"));
    CorridorMonthly.coverage(pairs, reference.corridors())
        .createOrReplaceTempView("corridor_months");
    SupplierShare.periodCoverage(pairs).createOrReplaceTempView("supplier_months");
    // Runs record every setting; the fallback is for a manifest from before the key existed.
    Periods window = Periods.parse(settings.getOrDefault("analytics.baseline",
        "2021-03..2022-02"));
    Map<String, Set<String>> origins = new LinkedHashMap<>();
    origins.put("greater_china", reference.groups().members("greater_china"));
    TransitSignals.seriesCoverage(pairs, reference.groups().members("transit_hubs"), origins,
        AnalyticsJob.DESTINATION, window).createOrReplaceTempView("hub_months");
    return List.of("corridor_months", "hub_months", "supplier_months");
  }

  /**
   * The list the figures are about: the CHPL's newest version, else the first list's newest;
   * null when the warehouse has no classified flow.
   */
  private static Figures.Scope scope(SparkSession spark, Set<String> views,
      ReferenceData reference) {
    if (!views.contains("flows_monthly")) {
      return null;
    }
    List<Row> lists = spark.sql("SELECT list_id, max(list_version) AS version FROM flows_monthly "
        + "GROUP BY list_id ORDER BY list_id = 'chpl' DESC, list_id").collectAsList();
    if (lists.isEmpty()) {
      return null;
    }
    Map<String, String> corridors = new LinkedHashMap<>();
    reference.corridors().all().forEach(c -> corridors.put(c.id(), c.description()));
    return new Figures.Scope(lists.get(0).getString(0), lists.get(0).getString(1),
        AnalyticsJob.DESTINATION,
        new ArrayList<>(new TreeSet<>(reference.groups().members("greater_china"))), corridors);
  }

  /** The run's inputs, and which runs wrote the months of the record tables. */
  private static Map<String, Figures.Result> runTables(SparkSession spark, Set<String> views,
      String runId) {
    Map<String, Figures.Result> out = new LinkedHashMap<>();
    out.put("Inputs of run " + runId, result(spark, "SELECT i.source, i.path, i.size_bytes, "
        + "i.sha256, i.rows_read, i.rows_accepted, i.rows_rejected, i.rows_outside_periods "
        + "FROM (SELECT explode(inputs) AS i FROM run_manifest WHERE run_id = "
        + Figures.lit(runId) + ") ORDER BY i.path"));
    out.put("Recent runs", result(spark, "SELECT run_id, status, status_reason, started_at, "
        + "finished_at, size(periods) AS months, size(inputs) AS files FROM run_manifest "
        + "ORDER BY started_at DESC LIMIT 10"));
    if (views.contains("flows_monthly")) {
      out.put("Months of flows_monthly by the run that wrote them", result(spark,
          "SELECT run_id, date_format(min(period), 'yyyy-MM') AS first_month, "
              + "date_format(max(period), 'yyyy-MM') AS last_month, count(DISTINCT period) "
              + "AS months, count(*) AS flows_monthly_rows FROM flows_monthly GROUP BY run_id "
              + "ORDER BY first_month"));
    }
    return out;
  }

  private static Figures.Result result(SparkSession spark, String sql) {
    Dataset<Row> d = spark.sql(sql);
    return new Figures.Result(Arrays.asList(d.columns()), d.collectAsList());
  }

  /** Writes beside the target and renames: a reader never opens half a report. */
  private static void writeFile(SparkSession spark, Path dir, Path file, String html) {
    try {
      FileSystem fs = dir.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (fs.exists(dir) && !fs.getFileStatus(dir).isDirectory()) {
        throw new ReportException("Invalid report folder " + dir + ": it is a file; give a "
            + "folder (it is created if missing)");
      }
      fs.mkdirs(dir);
      Path part = new Path(dir, "." + FILE + ".part");
      try (OutputStream o = fs.create(part, true)) {
        o.write(html.getBytes(StandardCharsets.UTF_8));
      }
      fs.delete(file, false);
      if (!fs.rename(part, file)) {
        throw new IOException("Cannot rename " + part + " to " + file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the report to " + dir, e);
    }
  }

  private static String page(String warehouse, Row run, Figures.Scope scope,
      List<Figures.Section> sections, Map<String, Figures.Result> runTables) {
    String runId = run.getAs("run_id");
    List<String> periods = run.getList(run.fieldIndex("periods"));
    String list = scope == null ? "no classified flows"
        : scope.listId().toUpperCase(java.util.Locale.ROOT) + " " + scope.version();
    StringBuilder sb = new StringBuilder(1 << 16);
    sb.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        .append("<title>dualflow report: ").append(esc(list)).append(", run ").append(esc(runId))
        .append("</title><style>").append(STYLE).append("</style></head><body>")
        .append(Svg.DEFS)
        .append("<header><h1>Dual-use goods to Russia: ").append(esc(list)).append("</h1>")
        .append("<p class=\"meta\">Warehouse <code>").append(esc(warehouse))
        .append("</code>, run <code>").append(esc(runId)).append("</code> (finished ")
        .append(esc(text(run.getAs("finished_at")))).append("), report written ")
        .append(esc(Instant.now().truncatedTo(ChronoUnit.SECONDS).toString()))
        .append(".</p></header><nav><ol>");
    for (Figures.Section s : sections) {
      sb.append("<li><a href=\"#").append(esc(s.id())).append("\">").append(esc(s.title()))
          .append("</a></li>");
    }
    sb.append("<li><a href=\"#run\">The run behind these figures</a></li></ol></nav>")
        .append("<section class=\"read\"><h2>How to read this report</h2><ul>")
        .append("<li>Values are US dollars on a FOB basis: the exporter's report where the "
            + "exporter reported, else the importer's CIF value divided by a CIF/FOB factor "
            + "(see mirror_gaps). FOB and CIF are never added.</li>")
        .append("<li>Missing is not zero: a month that no side of a flow reported has no bar "
            + "or point but a hatched band, \"not reported\". A reported month without trade "
            + "is a zero, drawn as a dot on the zero line.</li>")
        .append("<li>* marks an incomplete figure: some supplier of the total was not reported, "
            + "so the share is over those that were.</li>")
        .append("<li>Every chart shows its numbers in the table beside it, and the SQL query "
            + "they come from below it, with the tables it reads. Run it yourself with "
            + "<code>jobs/dualflow sql --warehouse ").append(esc(warehouse))
        .append(" \"&lt;query&gt;\"</code>, except on the views the report adds: "
            + "<code>corridor_months</code>, <code>hub_months</code> and "
            + "<code>supplier_months</code> say, for every month of the warehouse, whether "
            + "each corridor, each hub's two series and each importer's suppliers were "
            + "reported, by the rule of the tables' own coverage columns (corridor_monthly."
            + "is_covered, transit_signals.is_imports_covered and is_exports_covered, "
            + "supplier_share.is_period_covered), from coverage and flows_monthly.</li>")
        .append("</ul></section>");
    if (scope == null) {
      sb.append("<p class=\"note\">This warehouse holds no classified flows: there is nothing "
          + "to chart.</p>");
    }
    for (Figures.Section s : sections) {
      sb.append("<section id=\"").append(esc(s.id())).append("\"><h2>").append(esc(s.title()))
          .append("</h2><p class=\"lead\">").append(esc(s.lead())).append("</p>");
      if (s.note() != null) {
        sb.append("<p class=\"note\">").append(esc(s.note())).append("</p>");
      }
      for (Figures.Panel p : s.panels()) {
        sb.append("<div class=\"panel\">");
        if (!p.title().isEmpty()) {
          sb.append("<h3>").append(esc(p.title())).append("</h3>");
        }
        sb.append("<div class=\"pair\"><figure>").append(p.svg()).append(p.legend())
            .append("</figure><div class=\"numbers\">").append(p.table())
            .append("</div></div></div>");
      }
      sb.append("<p class=\"source\">Source: ").append(esc(String.join(", ", s.sources())))
          .append(". Query:</p><pre class=\"sql\">").append(esc(s.sql())).append("</pre>")
          .append("</section>");
    }
    sb.append("<section id=\"run\"><h2>The run behind these figures</h2>")
        .append("<p class=\"lead\">The analytics tables are rewritten whole by every run, so "
            + "they are the newest succeeded run's (run_manifest). The record tables keep each "
            + "month from the run that last replaced it.</p><table class=\"facts\"><tbody>");
    fact(sb, "run_id", runId);
    fact(sb, "started_at", text(run.getAs("started_at")));
    fact(sb, "finished_at", text(run.getAs("finished_at")));
    fact(sb, "job_file", text(run.getAs("job_file")));
    fact(sb, "periods", periods.isEmpty() ? "none" : periods.get(0) + ".."
        + periods.get(periods.size() - 1) + " (" + periods.size() + " months)");
    fact(sb, "app_version", text(run.getAs("app_version")));
    fact(sb, "spark_version", text(run.getAs("spark_version")));
    sb.append("</tbody></table>");
    runTables.forEach((title, r) -> sb.append("<h3>").append(esc(title))
        .append("</h3><div class=\"numbers wide\">")
        .append(Html.table(r.columns(), r.rows(), null)).append("</div>"));
    sb.append("</section><footer>Written by dualflow from the warehouse's tables; no script, "
        + "nothing loaded from the network.</footer></body></html>\n");
    return sb.toString();
  }

  private static void fact(StringBuilder sb, String name, String value) {
    sb.append("<tr><th>").append(esc(name)).append("</th><td>").append(esc(value))
        .append("</td></tr>");
  }

  private static final String STYLE = """
      body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#222;
        margin:0 auto;padding:0 24px 48px;max-width:1500px}
      h1{font-size:24px;margin:24px 0 4px}h2{font-size:19px;margin:36px 0 6px;
        border-bottom:1px solid #ddd;padding-bottom:4px}h3{font-size:15px;margin:18px 0 6px}
      .meta,.source{color:#555}.lead{max-width:980px}.note{background:#fff6e0;padding:8px}
      nav ol{columns:2;max-width:980px}
      code,pre{font:12px/1.4 ui-monospace,Menlo,Consolas,monospace}
      pre.sql{background:#f6f8fa;border:1px solid #e3e3e3;padding:10px;overflow:auto;
        max-width:1450px}
      .pair{display:grid;grid-template-columns:660px minmax(0,1fr);gap:16px;align-items:start}
      figure{margin:0}.caption{font-size:12px;color:#444;margin-top:4px}
      .numbers{max-height:360px;overflow:auto;border:1px solid #eee}
      .numbers.wide{max-height:none}
      table{border-collapse:collapse;font-size:12px}
      th,td{padding:2px 8px;border-bottom:1px solid #eee;text-align:left;white-space:nowrap}
      thead th{position:sticky;top:0;background:#fafafa}
      td.num{text-align:right;font-variant-numeric:tabular-nums}td.null{color:#999}
      tr.nr td{color:#888;background:#f7f7f7}tr.incomplete td{background:#fffbea}
      table.facts th{font-weight:600}
      svg.chart{display:block;background:#fff}
      svg .grid{stroke:#eee}svg .axis{stroke:#888}svg .reference{stroke:#D55E00;stroke-width:1.5}
      svg text{font-size:10px;fill:#444}svg .gaplabel{fill:#777;font-size:10px}
      svg .reflabel{fill:#D55E00;paint-order:stroke;stroke:#fff;stroke-width:3px}
      svg .star{font-size:12px;fill:#222}
      svg .incomplete{fill-opacity:.45;stroke:#0072B2;stroke-dasharray:2 1}
      svg .rowlabel{font-size:11px}
      ul.legend{list-style:none;padding:0;margin:4px 0 0;font-size:12px;color:#444}
      ul.legend li{display:inline-block;margin-right:14px}
      .sw{display:inline-block;width:14px;height:10px;margin-right:5px;vertical-align:-1px}
      .sw-bar{background:#0072B2}.sw-incomplete{background:rgba(0,114,178,.45);
        outline:1px dashed #0072B2}
      .sw-zero{width:6px;height:6px;border-radius:3px;background:#0072B2;margin-left:4px}
      .sw-reference{height:0;border-top:2px dashed #D55E00;vertical-align:3px}
      .sw-gap{background:repeating-linear-gradient(45deg,#f2f2f2 0 3px,#b8b8b8 3px 5px)}
      footer{margin-top:40px;color:#777;font-size:12px}
      @media print{.numbers{max-height:none;overflow:visible}}
      """;
}

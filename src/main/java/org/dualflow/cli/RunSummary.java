package org.dualflow.cli;

import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.dualflow.analytics.Headlines;
import org.dualflow.ingest.Survey;
import org.dualflow.pipeline.FileStats;
import org.dualflow.pipeline.JobConfig;
import org.dualflow.pipeline.RunResult;
import org.dualflow.publish.RunManifest;

/** The short report printed at the end of a run: counts, tables, headline figures. */
final class RunSummary {

  private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);

  private RunSummary() {
  }

  /** @param cwd paths under it print relative to it */
  static void print(RunResult result, JobConfig config, Path cwd, PrintStream out) {
    out.printf("dualflow run %s succeeded in %.1f s%n", result.runId(), result.seconds());
    out.println("  job        " + shorten(config.jobFile().toString(), cwd));
    out.println("  warehouse  " + config.warehouse());
    List<String> p = result.periods();
    out.println("  periods    " + monthList(p) + " (" + p.size()
        + (p.size() == 1 ? " month" : " months") + " replaced)");
    out.println("  lists      " + config.lists());
    out.println();

    TextTable inputs = new TextTable(List.of("input", "source", "read", "accepted", "rejected",
        "of which duplicates", "outside periods", "reject %"));
    long[] total = new long[5];
    for (FileStats f : result.files()) {
      inputs.add(List.of(shorten(f.input().uri(), cwd), f.input().source(), n(f.read()),
          n(f.accepted()), n(f.rejected()), n(f.duplicates()), n(f.outside()),
          String.format("%.1f%%", 100 * f.rejectRatio())));
      total[0] += f.read();
      total[1] += f.accepted();
      total[2] += f.rejected();
      total[3] += f.duplicates();
      total[4] += f.outside();
    }
    inputs.add(List.of("total (" + result.files().size() + " files)", "", n(total[0]),
        n(total[1]), n(total[2]), n(total[3]), n(total[4]), ""));
    inputs.print(out, "  ");
    warnings(result.files(), config.warnRejectRatio(), cwd, out);
    if (!result.rejectedByReason().isEmpty()) {
      List<String> reasons = new ArrayList<>();
      result.rejectedByReason().forEach((k, v) -> reasons.add(k + " " + n(v)));
      out.println("  rejected by reason: " + String.join(", ", reasons)
          + "  (details: rejected_records)");
    }
    out.println("  classified: " + n(result.classifiedRecords()) + " records matched a list, "
        + n(result.hsMappedRecords()) + " of the matches through the HS 2017->2022 concordance");
    out.println();

    List<String> written = new ArrayList<>();
    for (RunManifest.Table t : result.manifest().tables()) {
      written.add(t.name() + " " + n(t.rowsWritten()));
    }
    out.println("Tables written: " + String.join(", ", written) + ", quality_report "
        + result.files().size() + ", run_manifest 1");
    out.println();
    headlines(result.headlines(), out);
    out.println();
    if (result.report() != null) {
      out.println("Report:    " + shorten(result.report(), cwd));
    }
    out.println("Query it:  jobs/dualflow sql --warehouse " + shorten(config.warehouse(), cwd)
        + " \"SELECT year(period) AS year, exporter_iso3, sum(value_usd) AS usd FROM flows_monthly"
        + " WHERE source = 'comtrade' AND importer_iso3 = 'RUS' AND reported_by = 'exporter'"
        + " GROUP BY 1, 2 ORDER BY 1, 3 DESC\"");
  }

  /**
   * Files that reject more than the warning level, each with its most frequent reasons and the
   * first line of the most frequent one: what to look at before trusting the totals.
   */
  private static void warnings(List<FileStats> files, Double level, Path cwd, PrintStream out) {
    List<FileStats> over = files.stream()
        .filter(f -> level != null && f.rejectRatio() > level).toList();
    if (over.isEmpty()) {
      return;
    }
    out.printf("  files rejecting more than %s of their records (quality.warn-reject-ratio):%n",
        percent(level));
    for (FileStats f : over) {
      List<String> reasons = new ArrayList<>();
      f.topReasons(3).forEach(r -> reasons.add(r.getKey() + " " + n(r.getValue())));
      out.println("    " + shorten(f.input().uri(), cwd) + "  " + percent(f.rejectRatio())
          + ": " + String.join(", ", reasons));
      f.topReasons(1).forEach(r -> {
        Survey.Example e = f.examples().get(r.getKey());
        if (e != null) {
          out.println("      line " + e.line() + ": " + e.reason());
          if (e.text() != null) {
            out.println("        " + e.text().replace("\n", "\\n").replace("\r", ""));
          }
        }
      });
    }
  }

  private static String percent(double share) {
    return String.format("%.1f%%", 100 * share);
  }

  private static void headlines(Headlines.Figures h, PrintStream out) {
    if (h.listVersion() == null) {
      out.println("Headline: no CHPL flows to Russia in this run's months.");
    } else {
      out.println("Headline: CHPL (" + h.listVersion() + ") goods to Russia as exporters report "
          + "them to UN Comtrade, FOB, USD million");
      TextTable t = new TextTable(List.of("year", "China", "Hong Kong", "all exporters",
          "greater China share", "China HS 8542"));
      for (Headlines.ExporterYear y : h.exporters()) {
        BigDecimal share = y.greaterChinaPercent();
        t.add(List.of(String.valueOf(y.year()), m(y.china()), m(y.hongKong()), m(y.all()),
            share == null ? "" : share + "%", m(y.chinaIntegratedCircuits())));
      }
      t.print(out, "  ");
      gaps(h.gaps(), out);
    }
    if (!h.ownStatistics().isEmpty()) {
      out.println();
      out.println("China's CHPL exports to Russia in the months China customs files cover, "
          + "USD million");
      TextTable t = new TextTable(List.of("year", "months", "China customs (GACC)",
          "UN Comtrade"));
      for (Headlines.OwnStatisticsYear y : h.ownStatistics()) {
        t.add(List.of(String.valueOf(y.year()), String.valueOf(y.months()), m(y.chinaCustoms()),
            m(y.comtrade())));
      }
      t.print(out, "  ");
    }
    if (h.shareVersion() != null) {
      List<String> cells = new ArrayList<>();
      // Consecutive years missing the same suppliers on one line: "2019-2021 (CZE, POL)".
      Map<String, List<Integer>> yearsByMissing = new java.util.LinkedHashMap<>();
      h.shares().forEach(y -> {
        cells.add(y.year() + " " + String.format("%.1f%%", 100 * y.share())
            + (y.covered() ? "" : "*"));
        if (!y.covered()) {
          yearsByMissing.computeIfAbsent(y.missing().isEmpty() ? "months not in the warehouse"
              : String.join(", ", y.missing()), m -> new ArrayList<>()).add(y.year());
        }
      });
      List<String> incomplete = new ArrayList<>();
      yearsByMissing.forEach((missing, years) -> incomplete.add(yearRuns(years) + " ("
          + missing + ")"));
      out.println();
      out.println("Greater China's share of Russia's CHPL (" + h.shareVersion() + ") supply, "
          + "FOB basis, best side of each flow, all sources: " + String.join(", ", cells));
      if (!incomplete.isEmpty()) {
        out.println("  * incomplete: suppliers of Russia not reported in some month, so not in "
            + "the total: " + String.join("; ", incomplete));
      }
    }
    if (!h.hubs().isEmpty()) {
      List<String> top = new ArrayList<>();
      h.hubs().forEach(hub -> top.add(hub.hub() + " +" + m(hub.excessUsd()) + "m over "
          + hub.coveredMonths() + " reported months (" + hub.flaggedCells()
          + " HS6-months signalled)"));
      out.println("Transit hubs whose CHPL exports to Russia rose most above their "
          + h.baseline() + " baseline, since: " + String.join(", ", top)
          + "; hubs without a baseline (fewer than the covered months it needs) are left out");
    }
  }

  /** Years as runs of consecutive years: "2019-2021, 2023". */
  static String yearRuns(List<Integer> years) {
    List<String> runs = new ArrayList<>();
    int i = 0;
    while (i < years.size()) {
      int j = i;
      while (j + 1 < years.size() && years.get(j + 1) == years.get(j) + 1) {
        j++;
      }
      runs.add(i == j ? String.valueOf(years.get(i)) : years.get(i) + "-" + years.get(j));
      i = j + 1;
    }
    return String.join(", ", runs);
  }

  /** The exporters the yearly figures lack months of, one line per exporter. */
  private static void gaps(List<Headlines.ExporterGap> gaps, PrintStream out) {
    Map<String, List<String>> byExporter = new java.util.TreeMap<>();
    gaps.forEach(g -> byExporter.computeIfAbsent(g.exporter(), e -> new ArrayList<>())
        .add(g.year() + " " + g.monthsReported() + " of " + g.months()));
    byExporter.forEach((e, years) -> out.println("  incomplete: " + e + " did not report "
        + "every month monthly, so its trade in the other months is not in these figures ("
        + String.join(", ", years) + " months)"));
  }

  /** Months (yyyy-MM, sorted) as runs of consecutive months: "2021-01..2021-12, 2022-03". */
  static String monthList(List<String> months) {
    if (months.isEmpty()) {
      return "none";
    }
    List<String> runs = new ArrayList<>();
    java.time.YearMonth start = java.time.YearMonth.parse(months.get(0));
    java.time.YearMonth prev = start;
    for (String m : months.subList(1, months.size())) {
      java.time.YearMonth ym = java.time.YearMonth.parse(m);
      if (!ym.equals(prev.plusMonths(1))) {
        runs.add(start.equals(prev) ? start.toString() : start + ".." + prev);
        start = ym;
      }
      prev = ym;
    }
    runs.add(start.equals(prev) ? start.toString() : start + ".." + prev);
    return String.join(", ", runs);
  }

  /** USD millions with one decimal; empty for none. */
  private static String m(BigDecimal usd) {
    return usd == null ? "" : usd.divide(MILLION, 1, RoundingMode.HALF_UP).toPlainString();
  }

  private static String n(long v) {
    return String.format("%,d", v);
  }

  private static String shorten(String path, Path cwd) {
    String p = path.startsWith("file:") ? path.substring(5) : path;
    String base = cwd.toString() + "/";
    return p.startsWith(base) ? p.substring(base.length()) : p;
  }
}

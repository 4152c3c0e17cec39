package org.dualflow.report;

import static org.dualflow.report.Html.esc;
import static org.dualflow.report.Html.text;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The report's figures: each one SQL query over the warehouse's tables (and the coverage views
 * the report adds, see {@link Report}), its rows in a table and drawn as a chart. The query text
 * shown is the one run, with the list and the countries written in.
 *
 * <p>Which months were reported: the tables hold rows where there was trade, so a month without
 * a row is either reported without trade (a zero) or not reported (missing). The coverage views
 * say which, month by month, by the rule the tables' own {@code is_covered} columns follow; a
 * month with rows takes the table's own column.
 */
final class Figures {

  /** A chart with its numbers: one or more SVG drawings, a legend, the table beside them. */
  record Panel(String title, String svg, String legend, String table) {
  }

  /**
   * A figure: what it shows, the tables and views it reads, the query, its panels; a note
   * instead of panels when a table it reads is not in the warehouse.
   */
  record Section(String id, String title, String lead, List<String> sources, String sql,
      List<Panel> panels, String note) {
  }

  /**
   * What the figures are about: one code list version, the imports of one destination,
   * greater China's members, the corridors' descriptions by id.
   */
  record Scope(String listId, String version, String destination, List<String> greaterChina,
      Map<String, String> corridors) {

    String listFilter() {
      return "list_id = " + lit(listId) + " AND list_version = " + lit(version);
    }
  }

  static final String LEGEND_COLUMNS = legend(
      swatch("bar", "value"),
      swatch("incomplete", "* incomplete: a supplier of the total not reported (see the table)"),
      swatch("zero", "reported, no trade: zero"),
      swatch("gap", "hatched: not reported (missing, not zero) or no trade to share"));

  static final String LEGEND_BASELINE = legend(
      swatch("bar", "value, US dollars, FOB basis"),
      swatch("zero", "reported, no trade: zero"),
      swatch("reference", "pre-war baseline: mean of the window's reported months"),
      swatch("gap", "hatched: not reported (missing, not zero)"));

  private final SparkSession spark;
  private final Set<String> views;
  private final Scope scope;

  /**
   * @param views the names registered in {@code spark}: tables and coverage views
   */
  Figures(SparkSession spark, Set<String> views, Scope scope) {
    this.spark = spark;
    this.views = views;
    this.scope = scope;
  }

  List<Section> all() {
    return List.of(share(), corridors(), hubs(), mirrorPairs(), mirrorCells(), outliers(),
        coverage());
  }

  /** Greater China's share of the destination's supply, by year and by month. */
  Section share() {
    String gc = String.join(", ", scope.greaterChina().stream().map(Figures::lit).toList());
    String sql = """
        SELECT m.period_type,
               date_format(m.period, CASE m.period_type WHEN 'year' THEN 'yyyy'
                                     ELSE 'yyyy-MM' END) AS period,
               s.greater_china_usd,
               s.total_usd,
               CASE WHEN s.total_usd > 0 THEN round(100 * CAST(s.greater_china_usd AS DOUBLE)
                                                    / CAST(s.total_usd AS DOUBLE), 1)
               END AS share_percent,
               m.is_period_covered,
               m.missing_suppliers,
               CASE WHEN exists(m.missing_suppliers, x -> x IN (%1$s)) THEN 'not reported'
                    WHEN coalesce(s.total_usd, 0) = 0 THEN 'no trade'
                    WHEN m.is_period_covered THEN 'complete'
                    ELSE 'incomplete' END AS status
        FROM supplier_months m
        LEFT JOIN (
          SELECT period_type, period,
                 coalesce(sum(CASE WHEN supplier_group = 'greater_china'
                                   THEN value_fob_usd END), 0) AS greater_china_usd,
                 max(total_fob_usd) AS total_usd
          FROM supplier_share
          WHERE importer_iso3 = %2$s AND tier = 'ALL' AND %3$s
          GROUP BY period_type, period
        ) s ON s.period_type = m.period_type AND s.period = m.period
        WHERE m.importer_iso3 = %2$s
        ORDER BY m.period_type DESC, m.period""".formatted(gc, lit(scope.destination()),
        scope.listFilter());
    return section("share", "Greater China's share of Russia's " + listName() + " supply",
        "Greater China (" + String.join(", ", scope.greaterChina()) + ") over all suppliers, "
            + "FOB basis, the best side of each flow (supplier_share, tier ALL). A period in "
            + "which a greater China member was not reported has no bar: its share is not "
            + "known. A period in which another supplier was not reported is marked * "
            + "incomplete: the share is over the suppliers reported, an upper bound.",
        List.of("supplier_share", "supplier_months"), sql, r -> {
          List<Panel> panels = new ArrayList<>();
          for (String type : List.of("year", "month")) {
            List<Row> rows = r.stream().filter(x -> type.equals(x.getAs("period_type")))
                .toList();
            List<Svg.Column> cols = new ArrayList<>();
            for (Row x : rows) {
              String label = x.getAs("period");
              String status = x.getAs("status");
              Double share = x.getAs("share_percent");
              String tip = label + ": " + (share == null ? "" : text(share) + "%, ")
                  + "greater China " + text(x.getAs("greater_china_usd")) + " of "
                  + text(x.getAs("total_usd")) + " US dollars, " + status
                  + missingText(x, "missing_suppliers", "suppliers not reported");
              cols.add(share == null || status.equals("not reported")
                  ? Svg.Column.gap(label, status.equals("no trade") ? "no trade" : "not reported",
                      tip)
                  : Svg.Column.of(label, share, status.equals("incomplete"), tip));
            }
            panels.add(new Panel("By " + type, Svg.columns("Greater China's share by " + type
                    + ", percent", cols, Svg::percent, null, null, 640, 210), LEGEND_COLUMNS,
                Html.table(List.of("period", "greater_china_usd", "total_usd", "share_percent",
                    "is_period_covered", "missing_suppliers", "status"), rows,
                    x -> statusClass(x.getAs("status")))));
          }
          return panels;
        });
  }

  /** Every corridor with flows of the list, month by month against its pre-war baseline. */
  Section corridors() {
    String sql = """
        WITH products AS (
          SELECT DISTINCT corridor_id, tier, hs6, baseline_usd, baseline_status
          FROM baseline_change WHERE %1$s
        ), baselines AS (
          SELECT corridor_id, sum(baseline_usd) AS baseline_usd,
                 CASE WHEN bool_or(baseline_status = 'too_few_covered_months')
                      THEN 'too_few_covered_months'
                      WHEN sum(baseline_usd) = 0 THEN 'no_trade_in_window'
                      ELSE 'ok' END AS baseline_status
          FROM products GROUP BY corridor_id
        ), months AS (
          SELECT corridor_id, period, sum(value_fob_usd) AS value_usd,
                 bool_and(is_month_covered) AS is_month_covered,
                 first(missing_pairs) AS missing_pairs
          FROM baseline_change WHERE %1$s
          GROUP BY corridor_id, period
        ), grid AS (
          SELECT c.corridor_id, date_format(c.period, 'yyyy-MM') AS month,
                 coalesce(v.is_month_covered, c.is_covered) AS is_covered,
                 coalesce(v.missing_pairs, c.missing_pairs) AS missing_pairs,
                 v.value_usd, b.baseline_usd, b.baseline_status
          FROM corridor_months c
          JOIN baselines b ON b.corridor_id = c.corridor_id
          LEFT JOIN months v ON v.corridor_id = c.corridor_id AND v.period = c.period
        )
        SELECT corridor_id, month, is_covered,
               CASE WHEN is_covered THEN coalesce(value_usd, 0) END AS value_fob_usd,
               CASE WHEN NOT is_covered THEN value_usd END AS partial_value_usd,
               CASE WHEN is_covered AND baseline_usd > 0
                    THEN round(100 * CAST(coalesce(value_usd, 0) AS DOUBLE)
                               / CAST(baseline_usd AS DOUBLE), 1) END AS index_vs_baseline,
               missing_pairs, baseline_usd, baseline_status
        FROM grid
        ORDER BY corridor_id, month""".formatted(scope.listFilter());
    return section("corridors", "Corridors against their pre-war baseline",
        "Each corridor's monthly value of " + listName() + " goods, US dollars, FOB basis, "
            + "all tiers and HS6 codes together (baseline_change, corridor_monthly), against "
            + "its baseline: the sum of its products' baselines, each the mean of the window's "
            + "reported months (index 100 = the pre-war month). A month in which a pair of the "
            + "corridor was not reported has no bar; what was reported of it is in "
            + "partial_value_usd.",
        List.of("baseline_change", "corridor_months"), sql, r -> {
          List<Panel> panels = new ArrayList<>();
          byKey(r, "corridor_id").entrySet().stream()
              .sorted((a, b) -> Integer.compare(rank(a.getKey()), rank(b.getKey())))
              .forEach(e -> {
                List<Row> rows = e.getValue();
                Row first = rows.get(0);
                Number baseline = first.getAs("baseline_usd");
                List<Svg.Column> cols = new ArrayList<>();
                for (Row x : rows) {
                  cols.add(monthColumn(x.getAs("month"), x.getAs("is_covered"),
                      x.getAs("value_fob_usd"), x.getAs("partial_value_usd"),
                      x.getAs("index_vs_baseline"), x, "missing_pairs"));
                }
                String name = e.getKey() + (scope.corridors().containsKey(e.getKey())
                    ? ": " + scope.corridors().get(e.getKey()) : "");
                panels.add(new Panel(name + " (baseline " + (baseline == null ? "none"
                        : text(baseline) + " US dollars a month") + ", "
                        + first.getAs("baseline_status") + ")",
                    Svg.columns(name + ", US dollars a month", cols, Svg::usd,
                        baseline == null ? null : baseline.doubleValue(),
                        baseline == null ? null : "baseline " + Svg.usd(baseline.doubleValue()),
                        640, 170), LEGEND_BASELINE,
                    Html.table(List.of("month", "is_covered", "value_fob_usd",
                        "partial_value_usd", "index_vs_baseline", "missing_pairs"), rows,
                        x -> Boolean.TRUE.equals(x.getAs("is_covered")) ? null : "nr")));
              });
          return panels;
        });
  }

  /** The transit hubs' imports from greater China and exports to the destination. */
  Section hubs() {
    String sql = """
        WITH t AS (
          SELECT hub_iso3, period,
                 sum(imports_from_origin_usd) AS imports_usd,
                 sum(exports_to_russia_usd) AS exports_usd,
                 bool_and(is_imports_covered) AS imports_covered,
                 bool_and(is_exports_covered) AS exports_covered,
                 count_if(is_re_export_signal) AS re_export_signals,
                 array_join(array_sort(collect_set(signal_status)), ', ') AS signal_statuses
          FROM transit_signals
          WHERE origin_group = 'greater_china' AND %1$s
          GROUP BY hub_iso3, period
        ), baselines AS (
          SELECT hub_iso3, sum(imports_baseline_usd) AS imports_baseline_usd,
                 sum(exports_baseline_usd) AS exports_baseline_usd
          FROM (SELECT DISTINCT hub_iso3, tier, hs6, imports_baseline_usd, exports_baseline_usd
                FROM transit_signals WHERE origin_group = 'greater_china' AND %1$s)
          GROUP BY hub_iso3
        ), grid AS (
          SELECT h.hub_iso3, date_format(h.period, 'yyyy-MM') AS month,
                 coalesce(t.imports_covered, h.is_imports_covered) AS is_imports_covered,
                 coalesce(t.exports_covered, h.is_exports_covered) AS is_exports_covered,
                 t.imports_usd, t.exports_usd, t.re_export_signals, t.signal_statuses,
                 b.imports_baseline_usd, b.exports_baseline_usd
          FROM hub_months h
          JOIN baselines b ON b.hub_iso3 = h.hub_iso3
          LEFT JOIN t ON t.hub_iso3 = h.hub_iso3 AND t.period = h.period
          WHERE h.origin_group = 'greater_china'
        )
        SELECT hub_iso3, month, is_imports_covered,
               CASE WHEN is_imports_covered THEN coalesce(imports_usd, 0) END
                 AS imports_from_greater_china_usd,
               is_exports_covered,
               CASE WHEN is_exports_covered THEN coalesce(exports_usd, 0) END
                 AS exports_to_russia_usd,
               coalesce(re_export_signals, 0) AS re_export_signals, signal_statuses,
               imports_baseline_usd, exports_baseline_usd
        FROM grid
        ORDER BY hub_iso3, month""".formatted(scope.listFilter());
    return section("hubs", "Transit hubs: imports from greater China, exports to Russia",
        "For each transit hub with " + listName() + " flows, its monthly imports from greater "
            + "China and its exports to Russia, US dollars, FOB basis, all HS6 codes together "
            + "(transit_signals), each against its baseline (dashed). A month in which a "
            + "series was not reported has no bar. re_export_signals counts the HS6 codes "
            + "signalled that month (both series at twice their baseline or more, "
            + "persistently); signal_statuses says why the others were not.",
        List.of("transit_signals", "hub_months"), sql, r -> {
          List<Panel> panels = new ArrayList<>();
          byKey(r, "hub_iso3").forEach((hub, rows) -> {
            StringBuilder svg = new StringBuilder();
            for (String[] s : new String[][] {
                {"imports_from_greater_china_usd", "is_imports_covered", "imports_baseline_usd",
                    hub + ": imports from greater China"},
                {"exports_to_russia_usd", "is_exports_covered", "exports_baseline_usd",
                    hub + ": exports to Russia"}}) {
              List<Svg.Column> cols = new ArrayList<>();
              for (Row x : rows) {
                cols.add(monthColumn(x.getAs("month"), x.getAs(s[1]), x.getAs(s[0]), null, null,
                    x, null));
              }
              Number baseline = rows.get(0).getAs(s[2]);
              svg.append("<div class=\"caption\">").append(esc(s[3])).append(" (baseline ")
                  .append(esc(baseline == null ? "none" : text(baseline) + " US dollars a month"))
                  .append(")</div>")
                  .append(Svg.columns(s[3] + ", US dollars a month", cols, Svg::usd,
                      baseline == null ? null : baseline.doubleValue(),
                      baseline == null ? null : "baseline " + Svg.usd(baseline.doubleValue()),
                      640, 150));
            }
            panels.add(new Panel(hub, svg.toString(), LEGEND_BASELINE, Html.table(List.of(
                    "month", "is_imports_covered", "imports_from_greater_china_usd",
                    "is_exports_covered", "exports_to_russia_usd", "re_export_signals",
                    "signal_statuses"), rows,
                x -> Boolean.TRUE.equals(x.getAs("is_imports_covered"))
                    || Boolean.TRUE.equals(x.getAs("is_exports_covered")) ? null : "nr")));
          });
          return panels;
        });
  }

  /** The pairs and years whose two sides disagree most, phantom trade included. */
  Section mirrorPairs() {
    String sql = """
        SELECT exporter_iso3, importer_iso3, date_format(period, 'yyyy') AS year,
               both_reported_months,
               both_cells, both_exporter_usd, both_importer_usd, both_gap_usd,
               exporter_only_cells, exporter_only_usd, importer_only_cells, importer_only_usd,
               round(100 * phantom_export_share, 1) AS phantom_export_percent,
               round(100 * phantom_import_share, 1) AS phantom_import_percent
        FROM mirror_gaps_yearly
        WHERE %s
        ORDER BY abs(both_gap_usd) + exporter_only_usd + importer_only_usd DESC,
                 exporter_iso3, importer_iso3, year
        LIMIT 20""".formatted(scope.listFilter());
    List<String> parts = List.of("gap on the cells both sides report (exporter minus importer)",
        "phantom exports (only the exporter reports them)",
        "phantom imports (only the importer reports them)");
    return section("mirror-pairs", "Largest mirror gaps, by pair and year",
        "What exporters declare against what their partners record, FOB basis "
            + "(mirror_gaps_yearly): the gap on the cells both report, and phantom trade "
            + "in the months both countries reported (both_reported_months). Right of zero the "
            + "exporter reports more, left the importer. The 20 largest by the sum of the "
            + "three.",
        List.of("mirror_gaps_yearly"), sql, r -> {
          List<Svg.HBar> bars = new ArrayList<>();
          for (Row x : r) {
            bars.add(new Svg.HBar(x.getAs("exporter_iso3") + ">" + x.getAs("importer_iso3") + " "
                + x.getAs("year"), new double[] {num(x, "both_gap_usd"),
                num(x, "exporter_only_usd"), -num(x, "importer_only_usd")},
                "months both reported: " + x.getAs("both_reported_months")));
          }
          return List.of(new Panel("", Svg.hbars("Largest mirror gaps by pair and year, US "
                  + "dollars", parts, bars, Svg::usd, 640), partsLegend(parts),
              Html.table(r.columns(), r.rows(), null)));
        });
  }

  /** The flow cells whose two sides disagree most. */
  Section mirrorCells() {
    String sql = """
        SELECT date_format(period, 'yyyy-MM') AS month, exporter_iso3, importer_iso3, tier, hs6,
               mirror_status, is_month_reported_by_both, fob_exporter_usd, cif_importer_usd,
               cif_fob_factor, factor_source, fob_from_importer_usd, gap_usd,
               round(ratio, 3) AS ratio, reconciled_usd
        FROM mirror_gaps
        WHERE %s
        ORDER BY abs(gap_usd) DESC, period, exporter_iso3, importer_iso3, hs6
        LIMIT 20""".formatted(scope.listFilter());
    List<String> parts = List.of("gap: exporter's FOB minus importer's value on a FOB basis");
    return section("mirror-cells", "Largest mirror gaps, by flow cell",
        "Single cells (month, exporter, importer, HS6) with the largest gap between the two "
            + "sides (mirror_gaps), with the CIF/FOB factor used and where it came from.",
        List.of("mirror_gaps"), sql, r -> {
          List<Svg.HBar> bars = new ArrayList<>();
          for (Row x : r) {
            bars.add(new Svg.HBar(x.getAs("month") + " " + x.getAs("exporter_iso3") + ">"
                + x.getAs("importer_iso3") + " " + x.getAs("hs6"),
                new double[] {num(x, "gap_usd")}, x.getAs("mirror_status")));
          }
          return List.of(new Panel("", Svg.hbars("Largest mirror gaps by cell, US dollars",
              parts, bars, Svg::usd, 640), partsLegend(parts), Html.table(r.columns(), r.rows(),
              null)));
        });
  }

  /** The records priced furthest from their group's median, with the firms behind them. */
  Section outliers() {
    String sql = """
        SELECT date_format(u.period, 'yyyy-MM') AS month, u.exporter_iso3, u.importer_iso3,
               u.reported_by, u.hs6, u.value_usd, u.net_kg,
               round(u.usd_per_kg, 2) AS usd_per_kg,
               round(u.median_usd_per_kg, 2) AS median_usd_per_kg,
               round(u.robust_z, 2) AS robust_z, u.group_records,
               u.qty, u.qty_unit, round(u.usd_per_unit, 4) AS usd_per_unit,
               round(u.median_usd_per_unit, 4) AS median_usd_per_unit,
               round(u.robust_z_unit, 2) AS robust_z_unit, u.unit_group_records,
               u.is_outlier, u.is_outlier_unit,
               coalesce(u.direction, u.direction_unit) AS direction,
               t.shipper, t.consignee, t.description,
               concat(regexp_extract(u.source_file, '[^/]+$', 0), ':', u.source_line) AS line,
               u.record_id
        FROM unit_value_outliers u
        LEFT JOIN trade_records t ON t.record_id = u.record_id AND t.period = u.period
        WHERE u.is_outlier OR u.is_outlier_unit
        ORDER BY greatest(abs(coalesce(u.robust_z, 0)), abs(coalesce(u.robust_z_unit, 0))) DESC,
                 u.record_id
        LIMIT 15""";
    List<String> parts = List.of("robust z-score per kilogram", "robust z-score per unit");
    return section("outliers", "Strongest unit-value outliers",
        "Records whose price per kilogram or per unit lies furthest from the median of their "
            + "HS6, month and reporting side (unit_value_outliers: modified z-score of the "
            + "logarithm, flagged beyond 3.5; left of zero cheap, where undervalued or "
            + "misdeclared goods show), with the firms and goods the record names "
            + "(trade_records, shipment-level sources only).",
        List.of("unit_value_outliers", "trade_records"), sql, r -> {
          List<Svg.HBar> bars = new ArrayList<>();
          for (Row x : r) {
            Double kg = Boolean.TRUE.equals(x.getAs("is_outlier")) ? x.getAs("robust_z") : null;
            Double unit = Boolean.TRUE.equals(x.getAs("is_outlier_unit"))
                ? x.getAs("robust_z_unit") : null;
            // The score that flags the record most; both are in the table.
            boolean perKg = kg != null && (unit == null || Math.abs(kg) >= Math.abs(unit));
            String firm = x.getAs("shipper");
            bars.add(new Svg.HBar(x.getAs("month") + " " + x.getAs("hs6") + " "
                + x.getAs("exporter_iso3") + ">" + x.getAs("importer_iso3")
                + (firm == null ? "" : " " + firm),
                new double[] {perKg ? kg : 0, perKg || unit == null ? 0 : unit},
                (String) x.getAs("line")));
          }
          return List.of(new Panel("", Svg.hbars("Strongest unit-value outliers, robust "
                  + "z-score", parts, bars, Svg::plain, 640), partsLegend(parts),
              Html.table(r.columns(), r.rows(), null)));
        });
  }

  /** Who reported which flow in which month, and how: the coverage behind every figure. */
  Section coverage() {
    String sql = """
        SELECT source, reporter_iso3, flow, is_shipment_level,
               count_if(status = 'monthly') AS monthly,
               count_if(status = 'annual_only') AS annual_only,
               count_if(status = 'not_reported') AS not_reported,
               date_format(min(CASE WHEN status = 'monthly' THEN period END), 'yyyy-MM')
                 AS first_monthly,
               date_format(max(CASE WHEN status = 'monthly' THEN period END), 'yyyy-MM')
                 AS last_monthly,
               date_format(min(period), 'yyyy-MM') AS from_month,
               array_join(transform(array_sort(collect_list(struct(period, status))),
                   x -> CASE x.status WHEN 'monthly' THEN 'M' WHEN 'annual_only' THEN 'A'
                        ELSE '.' END), '') AS by_month
        FROM coverage
        GROUP BY source, reporter_iso3, flow, is_shipment_level
        ORDER BY source, reporter_iso3, flow""";
    Map<Character, String[]> styles = Map.of(
        'M', new String[] {Svg.COLORS[0], "mark", "reported monthly"},
        'S', new String[] {Svg.COLORS[1], "mark", "shipment-level extract: covers nothing"},
        'A', new String[] {"#9ecae1", "mark annual", "only inside an annual figure"},
        '.', new String[] {"gap", "gap", "not reported"});
    return section("coverage", "Coverage: who reported what, and when",
        "Every source, reporter and flow over the warehouse's months (coverage): M reported "
            + "monthly, A only within an annual figure, . not reported. A flow is covered in a "
            + "month when its exporter reported its exports or its importer its imports, "
            + "monthly, in a statistical source; shipment-level extracts (declarations) cover "
            + "nothing. Every figure above asks it first.",
        List.of("coverage"), sql, r -> {
          List<String> labels = new ArrayList<>();
          List<String> codes = new ArrayList<>();
          List<String> months = new ArrayList<>();
          for (Row x : r) {
            labels.add(x.getAs("source") + " " + x.getAs("reporter_iso3") + " " + x.getAs("flow"));
            String code = x.getAs("by_month");
            codes.add(Boolean.TRUE.equals(x.getAs("is_shipment_level")) ? code.replace('M', 'S')
                : code);
            if (months.isEmpty()) {
              java.time.YearMonth from = java.time.YearMonth.parse(x.getAs("from_month"));
              for (int i = 0; i < code.length(); i++) {
                months.add(from.plusMonths(i).toString());
              }
            }
          }
          String legend = legend(swatchColor(Svg.COLORS[0], "M reported monthly"),
              swatchColor(Svg.COLORS[1], "reported by a shipment-level extract (covers nothing)"),
              swatchColor("#9ecae1", "A only inside an annual figure"),
              swatch("gap", ". not reported"));
          return List.of(new Panel("", Svg.grid("Coverage by month", labels, codes, months,
              styles, 640), legend, Html.table(r.columns(), r.rows(), null)));
        });
  }

  /**
   * A month's column: the value where the month was reported (a zero is a dot), a gap "not
   * reported" where not, with what was reported of it and the missing pairs in the tooltip.
   */
  private static Svg.Column monthColumn(String month, Boolean covered, Number value,
      Number partial, Number index, Row row, String missingColumn) {
    if (Boolean.TRUE.equals(covered) && value != null) {
      return Svg.Column.of(month, value.doubleValue(), false, month + ": " + text(value)
          + " US dollars" + (index == null ? "" : ", index " + text(index)));
    }
    return Svg.Column.gap(month, "not reported", month + ": not reported"
        + (partial == null ? "" : "; partial value " + text(partial) + " US dollars")
        + (missingColumn == null ? "" : missingText(row, missingColumn, "pairs not reported")));
  }

  private static String missingText(Row row, String column, String what) {
    Object v = row.getAs(column);
    String s = v == null ? "" : text(v);
    return s.isEmpty() ? "" : "; " + what + ": " + s;
  }

  private static String statusClass(String status) {
    return switch (status) {
      case "not reported" -> "nr";
      case "incomplete" -> "incomplete";
      default -> null;
    };
  }

  /** The headline corridors first, the others in order. */
  private static int rank(String corridor) {
    int i = List.of("greater_china_rus", "chn_rus", "hkg_rus").indexOf(corridor);
    return i < 0 ? 3 : i;
  }

  private static double num(Row row, String column) {
    Number n = row.getAs(column);
    return n == null ? 0 : n.doubleValue();
  }

  /** Rows grouped by a column's value, in the order they come. */
  private static Map<String, List<Row>> byKey(Result r, String column) {
    Map<String, List<Row>> out = new LinkedHashMap<>();
    for (Row x : r) {
      out.computeIfAbsent(x.getAs(column), k -> new ArrayList<>()).add(x);
    }
    return out;
  }

  private String listName() {
    return scope.listId().toUpperCase(java.util.Locale.ROOT) + " (" + scope.version() + ")";
  }

  /** A query's rows with its column names. */
  record Result(List<String> columns, List<Row> rows) implements Iterable<Row> {
    @Override
    public java.util.Iterator<Row> iterator() {
      return rows.iterator();
    }

    java.util.stream.Stream<Row> stream() {
      return rows.stream();
    }
  }

  /**
   * Runs a figure's query and draws it; a figure whose tables are not in the warehouse (a
   * warehouse written with analytics.enabled=false) is a note, not a failure.
   */
  private Section section(String id, String title, String lead, List<String> sources,
      String sql, Function<Result, List<Panel>> draw) {
    List<String> missing = sources.stream().filter(s -> !views.contains(s)).toList();
    if (!missing.isEmpty()) {
      return new Section(id, title, lead, sources, sql, List.of(), "Not in this warehouse: "
          + String.join(", ", missing) + " (a warehouse written with analytics.enabled=false "
          + "has no analytics tables; the coverage views need coverage and flows_monthly).");
    }
    spark.sparkContext().setJobDescription("report: " + id);
    Dataset<Row> result = spark.sql(sql);
    Result r = new Result(Arrays.asList(result.columns()), result.collectAsList());
    return new Section(id, title, lead, sources, sql, draw.apply(r), null);
  }

  /** A SQL string literal. */
  static String lit(String s) {
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }

  private static String legend(String... items) {
    return "<ul class=\"legend\">" + String.join("", items) + "</ul>";
  }

  private static String swatch(String kind, String text) {
    return "<li><span class=\"sw sw-" + kind + "\"></span>" + esc(text) + "</li>";
  }

  private static String swatchColor(String color, String text) {
    return "<li><span class=\"sw\" style=\"background:" + esc(color) + "\"></span>" + esc(text)
        + "</li>";
  }

  private static String partsLegend(List<String> parts) {
    String[] items = new String[parts.size()];
    for (int i = 0; i < parts.size(); i++) {
      items[i] = swatchColor(Svg.COLORS[i % Svg.COLORS.length], parts.get(i));
    }
    return legend(items);
  }
}

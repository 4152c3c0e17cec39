package org.dualflow.report;

import static org.dualflow.report.Html.esc;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.DoubleFunction;

/**
 * The charts, drawn as SVG text. Hand-made rather than a charting library: the report must open
 * from disk with no network and need no script, and three kinds of chart (columns over months,
 * signed horizontal bars, a coverage grid) are a few hundred lines, where a JavaScript library
 * bundled into every report would be hundreds of kilobytes to run in the reader's browser and a
 * Java one (JFreeChart with JFreeSVG) a dependency to ship to every cluster for pictures that
 * still need our own gap marking. Every drawn value is a plain element with a tooltip, the same
 * number as in the table beside it; every text passes {@link Html#esc}.
 *
 * <p>Missing is not zero: a column whose period was not reported is no bar but a hatched band
 * named by its reason ("not reported"); a reported zero is a dot on the zero line. Data marks
 * carry the class {@code mark}, gaps {@code gap}.
 */
final class Svg {

  /** Okabe and Ito's palette, distinguishable with the common colour-vision deficiencies. */
  static final String[] COLORS = {"#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9",
      "#D55E00", "#999933", "#000000"};

  /** The hatch of a period not reported, defined once per page and used by every chart. */
  static final String DEFS = "<svg class=\"defs\" width=\"0\" height=\"0\" aria-hidden=\"true\">"
      + "<defs><pattern id=\"not-reported\" width=\"6\" height=\"6\" "
      + "patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\">"
      + "<rect width=\"6\" height=\"6\" fill=\"#f2f2f2\"/>"
      + "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#b8b8b8\" stroke-width=\"2\"/>"
      + "</pattern></defs></svg>";

  /**
   * One column: a value drawn as a bar (outlined and starred when {@code incomplete}), or a
   * gap named by its reason ("not reported", "no trade") and no bar.
   */
  record Column(String label, Double value, String gap, boolean incomplete, String tip) {

    static Column of(String label, double value, boolean incomplete, String tip) {
      return new Column(label, value, null, incomplete, tip);
    }

    static Column gap(String label, String reason, String tip) {
      return new Column(label, null, reason, false, tip);
    }
  }

  /** One horizontal bar: signed parts, stacked outwards from zero, each in its colour. */
  record HBar(String label, double[] parts, String tip) {
  }

  private Svg() {
  }

  /**
   * Columns over periods, with gaps for the periods not reported and an optional dashed
   * reference line (a baseline).
   *
   * @param axis formats the value axis (percent, US dollars)
   */
  static String columns(String name, List<Column> cols, DoubleFunction<String> axis,
      Double reference, String referenceLabel, int width, int height) {
    double x0 = 60;
    double x1 = width - 12;
    double y0 = 12;
    double y1 = height - 30;
    double lo = 0;
    double hi = reference == null ? 0 : reference;
    for (Column c : cols) {
      if (c.gap() == null) {
        lo = Math.min(lo, c.value());
        hi = Math.max(hi, c.value());
      }
    }
    double[] ticks = ticks(lo, hi);
    Scale y = new Scale(ticks[0], ticks[ticks.length - 1], y1, y0);
    StringBuilder sb = open(name, width, height);
    for (double t : ticks) {
      sb.append(line(x0, y.at(t), x1, y.at(t), "grid"));
      sb.append(text(x0 - 5, y.at(t) + 3.5, "end", axis.apply(t), "tick"));
    }
    int n = cols.size();
    double band = n == 0 ? 0 : (x1 - x0) / n;
    // Gaps first, under everything: one band per run of periods missing for one reason.
    for (int i = 0; i < n; ) {
      String reason = cols.get(i).gap();
      int j = i + 1;
      while (reason != null && j < n && reason.equals(cols.get(j).gap())) {
        j++;
      }
      if (reason != null) {
        gapBand(sb, x0 + i * band, y0, (j - i) * band, y1 - y0, reason,
            cols.get(i).label() + (j - i > 1 ? " to " + cols.get(j - 1).label() : ""));
      }
      i = j;
    }
    double zero = y.at(0);
    for (int i = 0; i < n; i++) {
      Column c = cols.get(i);
      if (c.gap() != null) {
        continue;
      }
      double cx = x0 + (i + 0.5) * band;
      if (c.value() == 0) {
        sb.append(String.format(Locale.ROOT,
            "<circle class=\"mark zero\" cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"%s\">",
            cx, zero, COLORS[0])).append(title(c.tip())).append("</circle>");
        continue;
      }
      double bw = Math.max(1, band * 0.78);
      double top = Math.min(zero, y.at(c.value()));
      double h = Math.max(0.5, Math.abs(zero - y.at(c.value())));
      sb.append(rect(cx - bw / 2, top, bw, h, c.incomplete() ? "mark bar incomplete"
          : "mark bar", COLORS[0])).append(title(c.tip())).append("</rect>");
      if (c.incomplete()) {
        sb.append(text(cx, top - 2, "middle", "*", "star"));
      }
    }
    if (reference != null) {
      sb.append("<line class=\"reference\" stroke-dasharray=\"5 3\" ")
          .append(String.format(Locale.ROOT, "x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\">",
              x0, y.at(reference), x1, y.at(reference)))
          .append(title(referenceLabel)).append("</line>");
      sb.append(text(x1 - 2, y.at(reference) - 3, "end", referenceLabel, "reflabel"));
    }
    sb.append(line(x0, zero, x1, zero, "axis"));
    int every = Math.max(1, (int) Math.ceil(n / Math.max(1.0, (x1 - x0) / 54)));
    for (int i = 0; i < n; i += every) {
      sb.append(text(x0 + (i + 0.5) * band, y1 + 14, "middle", cols.get(i).label(), "tick"));
    }
    return sb.append("</svg>").toString();
  }

  /**
   * Horizontal bars, one per row, signed parts stacked outwards from zero (positive to the
   * right), coloured by part; a row whose parts are all zero is a dot on the zero line.
   */
  static String hbars(String name, List<String> partNames, List<HBar> rows,
      DoubleFunction<String> axis, int width) {
    double x0 = 250;
    double x1 = width - 14;
    double rowH = 20;
    double y0 = 6;
    int height = (int) (y0 + Math.max(1, rows.size()) * rowH + 26);
    double lo = 0;
    double hi = 0;
    for (HBar r : rows) {
      double pos = 0;
      double neg = 0;
      for (double p : r.parts()) {
        pos += Math.max(0, p);
        neg += Math.min(0, p);
      }
      lo = Math.min(lo, neg);
      hi = Math.max(hi, pos);
    }
    double[] ticks = ticks(lo, hi);
    Scale x = new Scale(ticks[0], ticks[ticks.length - 1], x0, x1);
    double yEnd = y0 + Math.max(1, rows.size()) * rowH;
    StringBuilder sb = open(name, width, height);
    for (double t : ticks) {
      sb.append(line(x.at(t), y0, x.at(t), yEnd, "grid"));
      sb.append(text(x.at(t), yEnd + 14, "middle", axis.apply(t), "tick"));
    }
    for (int i = 0; i < rows.size(); i++) {
      HBar r = rows.get(i);
      double top = y0 + i * rowH + 4;
      String label = r.label().length() > 40 ? r.label().substring(0, 39) + "\u2026"
          : r.label();
      sb.append("<text class=\"rowlabel\" text-anchor=\"end\" ").append(String.format(
              Locale.ROOT, "x=\"%.1f\" y=\"%.1f\">", x0 - 6, top + 9.5)).append(esc(label))
          .append(title(r.label())).append("</text>");
      double pos = 0;
      double neg = 0;
      boolean drawn = false;
      for (int k = 0; k < r.parts().length; k++) {
        double v = r.parts()[k];
        if (v == 0) {
          continue;
        }
        double from = v > 0 ? pos : neg + v;
        double to = v > 0 ? pos + v : neg;
        if (v > 0) {
          pos += v;
        } else {
          neg += v;
        }
        sb.append(rect(x.at(from), top, Math.max(0.5, x.at(to) - x.at(from)), 12, "mark bar",
                COLORS[k % COLORS.length]))
            .append(title(r.label() + ": " + partNames.get(k) + " " + axis.apply(v)
                + (r.tip() == null ? "" : " (" + r.tip() + ")"))).append("</rect>");
        drawn = true;
      }
      if (!drawn) {
        sb.append(String.format(Locale.ROOT,
            "<circle class=\"mark zero\" cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"%s\">",
            x.at(0), top + 6, COLORS[0])).append(title(r.label() + ": 0")).append("</circle>");
      }
    }
    sb.append(line(x.at(0), y0, x.at(0), yEnd, "axis"));
    return sb.append("</svg>").toString();
  }

  /**
   * A grid of coded cells: one row per series, one column per month, coloured by code
   * ({@code styles}: code to {fill, class, meaning}; a fill of {@code gap} is the hatch).
   */
  static String grid(String name, List<String> rowLabels, List<String> codes,
      List<String> months, Map<Character, String[]> styles, int width) {
    double x0 = 250;
    double x1 = width - 10;
    double y0 = 20;
    double rowH = 14;
    int n = months.size();
    double cell = n == 0 ? 0 : (x1 - x0) / n;
    int height = (int) (y0 + Math.max(1, rowLabels.size()) * rowH + 6);
    StringBuilder sb = open(name, width, height);
    int every = Math.max(1, (int) Math.ceil(n / Math.max(1.0, (x1 - x0) / 54)));
    for (int m = 0; m < n; m += every) {
      sb.append(text(x0 + m * cell, y0 - 6, "start", months.get(m), "tick"));
    }
    for (int r = 0; r < rowLabels.size(); r++) {
      double top = y0 + r * rowH;
      sb.append(text(x0 - 6, top + 10, "end", rowLabels.get(r), "rowlabel"));
      String code = codes.get(r);
      for (int m = 0; m < Math.min(n, code.length()); m++) {
        String[] style = styles.get(code.charAt(m));
        if (style == null) {
          continue;
        }
        boolean gap = style[0].equals("gap");
        sb.append(rect(x0 + m * cell, top, Math.max(0.5, cell - 0.6), rowH - 2, style[1],
                gap ? "url(#not-reported)" : style[0]))
            .append(title(rowLabels.get(r) + ", " + months.get(m) + ": " + style[2]))
            .append("</rect>");
      }
    }
    return sb.append("</svg>").toString();
  }

  /** US dollars in short: 1.2bn, 3.4m, 5.6k. */
  static String usd(double v) {
    double a = Math.abs(v);
    if (a >= 1e9) {
      return trim(v / 1e9) + "bn";
    }
    if (a >= 1e6) {
      return trim(v / 1e6) + "m";
    }
    if (a >= 1e3) {
      return trim(v / 1e3) + "k";
    }
    return trim(v);
  }

  static String percent(double v) {
    return trim(v) + "%";
  }

  static String plain(double v) {
    return trim(v);
  }

  /** At most two decimals, none when whole. */
  private static String trim(double v) {
    String s = String.format(Locale.ROOT, "%.2f", v);
    s = s.replaceAll("0+$", "").replaceAll("\\.$", "");
    return s.equals("-0") ? "0" : s;
  }

  /** Round axis ticks from at most {@code lo} to at least {@code hi}, zero among them. */
  static double[] ticks(double lo, double hi) {
    double span = hi - lo;
    double step = nice(span <= 0 ? 1 : span / 4);
    double from = Math.floor(lo / step) * step;
    double to = Math.ceil(hi / step) * step;
    if (to <= from) {
      to = from + step;
    }
    int count = (int) Math.round((to - from) / step) + 1;
    double[] out = new double[count];
    // Rounded to a little below the step's precision: 0.1 + 0.2 is no label.
    double precision = Math.pow(10, Math.max(0, 2 - Math.floor(Math.log10(step))));
    for (int i = 0; i < count; i++) {
      out[i] = Math.round((from + i * step) * precision) / precision;
    }
    return out;
  }

  private static double nice(double raw) {
    double exp = Math.pow(10, Math.floor(Math.log10(raw)));
    double f = raw / exp;
    double nf = f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10;
    return nf * exp;
  }

  /** A linear map from a value domain to a pixel range. */
  private record Scale(double lo, double hi, double from, double to) {
    double at(double v) {
      return from + (v - lo) / (hi - lo) * (to - from);
    }
  }

  private static void gapBand(StringBuilder sb, double x, double y, double w, double h,
      String reason, String periods) {
    sb.append(rect(x, y, w, h, "gap", "url(#not-reported)"))
        .append(title(periods + ": " + reason)).append("</rect>");
    if (w >= 66) {
      sb.append(text(x + w / 2, y + h / 2, "middle", reason, "gaplabel"));
    } else if (w >= 9) {
      sb.append("<text class=\"gaplabel\" text-anchor=\"middle\" ").append(String.format(
              Locale.ROOT, "transform=\"translate(%.1f %.1f) rotate(-90)\" x=\"0\" y=\"3\">",
              x + w / 2, y + h / 2)).append(esc(reason)).append("</text>");
    }
  }

  private static StringBuilder open(String name, int width, int height) {
    return new StringBuilder().append(String.format(Locale.ROOT,
            "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
                + "height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\">", width, height, width,
            height))
        .append(title(name));
  }

  private static String title(String text) {
    return text == null ? "" : "<title>" + esc(text) + "</title>";
  }

  private static String rect(double x, double y, double w, double h, String cls, String fill) {
    return String.format(Locale.ROOT, "<rect class=\"%s\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
        + "height=\"%.1f\" fill=\"%s\">", cls, x, y, w, h, fill);
  }

  private static String line(double x1, double y1, double x2, double y2, String cls) {
    return String.format(Locale.ROOT, "<line class=\"%s\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
        + "y2=\"%.1f\"/>", cls, x1, y1, x2, y2);
  }

  private static String text(double x, double y, String anchor, String s, String cls) {
    return String.format(Locale.ROOT, "<text class=\"%s\" x=\"%.1f\" y=\"%.1f\" "
        + "text-anchor=\"%s\">", cls, x, y, anchor) + esc(s) + "</text>";
  }
}

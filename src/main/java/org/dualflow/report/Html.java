package org.dualflow.report;

import java.math.BigDecimal;
import java.sql.Date;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Row;

/**
 * HTML text: escaping and the tables of numbers. Every value printed goes through
 * {@link #esc}: firm names, goods descriptions and file names come from customs files and may
 * hold anything, markup included.
 */
final class Html {

  private Html() {
  }

  /** Text safe in element content and in quoted attribute values; null gives "". */
  static String esc(Object value) {
    if (value == null) {
      return "";
    }
    String s = value.toString();
    StringBuilder sb = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> sb.append("&amp;");
        case '<' -> sb.append("&lt;");
        case '>' -> sb.append("&gt;");
        case '"' -> sb.append("&quot;");
        case '\'' -> sb.append("&#39;");
        default -> sb.append(c);
      }
    }
    return sb.toString();
  }

  /**
   * A value as the tables show it: money and counts with thousands separators and the scale
   * the warehouse (or the query's rounding) gives, arrays joined, times in UTC; null as an
   * en dash. Not escaped.
   */
  static String text(Object v) {
    if (v == null) {
      return "\u2013";
    }
    if (v instanceof BigDecimal d) {
      return String.format(Locale.ROOT, "%,." + Math.max(0, d.scale()) + "f", d);
    }
    if (v instanceof Double d) {
      if (d.isNaN() || d.isInfinite()) {
        return d.toString();
      }
      return text(BigDecimal.valueOf(d));
    }
    if (v instanceof Long n) {
      return String.format(Locale.ROOT, "%,d", n);
    }
    if (v instanceof Timestamp t) {
      return t.toInstant().toString();
    }
    if (v instanceof Date d) {
      return d.toString();
    }
    if (v instanceof scala.collection.Iterable<?> it) {
      List<String> parts = new ArrayList<>();
      it.foreach(x -> parts.add(text(x)));
      return String.join(", ", parts);
    }
    return v.toString();
  }

  /**
   * A table of query rows, every column as the query names it. {@code rowClass} may mark rows
   * (a month not reported, say); it returns a CSS class or null.
   */
  static String table(List<String> columns, List<Row> rows,
      java.util.function.Function<Row, String> rowClass) {
    StringBuilder sb = new StringBuilder("<table><thead><tr>");
    for (String c : columns) {
      sb.append("<th>").append(esc(c)).append("</th>");
    }
    sb.append("</tr></thead><tbody>");
    for (Row r : rows) {
      String cls = rowClass == null ? null : rowClass.apply(r);
      sb.append(cls == null ? "<tr>" : "<tr class=\"" + esc(cls) + "\">");
      for (int i = 0; i < columns.size(); i++) {
        Object v = r.get(r.fieldIndex(columns.get(i)));
        boolean number = v instanceof Number;
        sb.append(number ? "<td class=\"num\">" : v == null ? "<td class=\"null\">" : "<td>")
            .append(esc(text(v))).append("</td>");
      }
      sb.append("</tr>");
    }
    if (rows.isEmpty()) {
      sb.append("<tr><td colspan=\"").append(columns.size()).append("\">no rows</td></tr>");
    }
    return sb.append("</tbody></table>").toString();
  }
}

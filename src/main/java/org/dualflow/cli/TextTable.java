package org.dualflow.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** Prints rows as an aligned text table; numbers align right. */
final class TextTable {

  private final List<String> header;
  private final List<List<String>> rows = new ArrayList<>();
  private final boolean[] numeric;

  TextTable(List<String> header) {
    this.header = header;
    this.numeric = new boolean[header.size()];
    java.util.Arrays.fill(numeric, true);
  }

  void add(List<String> row) {
    for (int i = 0; i < row.size(); i++) {
      String v = row.get(i);
      if (!v.isEmpty() && !v.equals("NULL") && !v.matches("-?[0-9][0-9,]*(\\.[0-9]+)?%?")) {
        numeric[i] = false;
      }
    }
    rows.add(row);
  }

  void print(PrintStream out, String indent) {
    int[] width = new int[header.size()];
    for (int i = 0; i < width.length; i++) {
      width[i] = width(header.get(i));
      for (List<String> r : rows) {
        width[i] = Math.max(width[i], width(r.get(i)));
      }
    }
    out.println(indent + line(header, width, false));
    StringBuilder rule = new StringBuilder();
    for (int i = 0; i < width.length; i++) {
      rule.append(i == 0 ? "" : "  ").append("-".repeat(width[i]));
    }
    out.println(indent + rule);
    for (List<String> r : rows) {
      out.println(indent + line(r, width, true));
    }
  }

  /** Columns a text takes on a terminal: East Asian wide characters take two. */
  static int width(String s) {
    return s.codePoints().map(c -> isWide(c) ? 2 : 1).sum();
  }

  private static boolean isWide(int c) {
    return (c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0xA4CF)
        || (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF)
        || (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60)
        || (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x20000 && c <= 0x3FFFD);
  }

  private String line(List<String> cells, int[] width, boolean alignNumbers) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < cells.size(); i++) {
      if (i > 0) {
        sb.append("  ");
      }
      String v = cells.get(i);
      String pad = " ".repeat(width[i] - width(v));
      boolean right = alignNumbers ? numeric[i] : numeric[i] && !rows.isEmpty();
      sb.append(right ? pad + v : v + (i == cells.size() - 1 ? "" : pad));
    }
    return sb.toString();
  }
}

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
      width[i] = header.get(i).length();
      for (List<String> r : rows) {
        width[i] = Math.max(width[i], r.get(i).length());
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

  private String line(List<String> cells, int[] width, boolean alignNumbers) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < cells.size(); i++) {
      if (i > 0) {
        sb.append("  ");
      }
      String v = cells.get(i);
      String pad = " ".repeat(width[i] - v.length());
      boolean right = alignNumbers ? numeric[i] : numeric[i] && !rows.isEmpty();
      sb.append(right ? pad + v : v + (i == cells.size() - 1 ? "" : pad));
    }
    return sb.toString();
  }
}

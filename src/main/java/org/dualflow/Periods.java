package org.dualflow;

import java.io.Serializable;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * The months a run covers: {@code 2021-01..2024-12}, a single month {@code 2024-03}, or all
 * months found in the input ({@link #ALL}). An annual record belongs to January of its year.
 */
public record Periods(YearMonth from, YearMonth to) implements Serializable {

  public static final Periods ALL = new Periods(null, null);

  /**
   * @throws IllegalArgumentException with the expected form when {@code spec} is not one
   */
  public static Periods parse(String spec) {
    String s = spec == null ? "" : spec.trim();
    if (s.isEmpty() || s.equals("all")) {
      return ALL;
    }
    try {
      if (s.contains("..")) {
        String[] parts = s.split("\\.\\.", -1);
        if (parts.length != 2) {
          throw new IllegalArgumentException("'" + s + "' is not a range");
        }
        YearMonth from = YearMonth.parse(parts[0].trim());
        YearMonth to = YearMonth.parse(parts[1].trim());
        if (to.isBefore(from)) {
          throw new IllegalArgumentException("'" + s + "' ends before it starts");
        }
        return new Periods(from, to);
      }
      YearMonth one = YearMonth.parse(s);
      return new Periods(one, one);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("'" + s + "' is not a month range like 2021-01..2024-12"
          + " or a month like 2024-03");
    }
  }

  public boolean isAll() {
    return from == null;
  }

  /** Every month of the range, in order (empty for {@link #ALL}). */
  public List<YearMonth> months() {
    List<YearMonth> out = new ArrayList<>();
    if (!isAll()) {
      for (YearMonth m = from; !m.isAfter(to); m = m.plusMonths(1)) {
        out.add(m);
      }
    }
    return out;
  }

  @Override
  public String toString() {
    return isAll() ? "all" : from.equals(to) ? from.toString() : from + ".." + to;
  }
}

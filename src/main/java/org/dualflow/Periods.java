package org.dualflow;

import java.io.Serializable;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;

/**
 * The months a run covers: {@code 2021-01..2024-12}, a single month {@code 2024-03}, the latest
 * months present in the input ({@code last:3}), or all months found in the input
 * ({@link #ALL}). An annual record belongs to January of its year.
 *
 * @param from first month of a range, null otherwise
 * @param to last month of a range, null otherwise
 * @param last for {@code last:N}, N; 0 otherwise
 */
public record Periods(YearMonth from, YearMonth to, int last) implements Serializable {

  public static final Periods ALL = new Periods(null, null, 0);

  /**
   * @throws IllegalArgumentException with the expected form when {@code spec} is not one
   */
  public static Periods parse(String spec) {
    String s = spec == null ? "" : spec.trim();
    if (s.isEmpty() || s.equals("all")) {
      return ALL;
    }
    if (s.startsWith("last:")) {
      String n = s.substring("last:".length()).trim();
      if (!n.matches("[1-9][0-9]{0,3}")) {
        throw new IllegalArgumentException("'" + s + "' is not like last:3 (a whole number of "
            + "months, 1 or more)");
      }
      return new Periods(null, null, Integer.parseInt(n));
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
        return new Periods(from, to, 0);
      }
      YearMonth one = YearMonth.parse(s);
      return new Periods(one, one, 0);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("'" + s + "' is not a month range like 2021-01..2024-12"
          + ", a month like 2024-03, last:3 or all");
    }
  }

  public boolean isAll() {
    return from == null && last == 0;
  }

  /** True for {@code last:N}: the months are known only once the input has been read. */
  public boolean isLatest() {
    return last > 0;
  }

  /** Every month of a range, in order (empty for {@link #ALL} and {@code last:N}). */
  public List<YearMonth> months() {
    List<YearMonth> out = new ArrayList<>();
    if (from != null) {
      for (YearMonth m = from; !m.isAfter(to); m = m.plusMonths(1)) {
        out.add(m);
      }
    }
    return out;
  }

  /**
   * The months this covers, given the months present in the input: the range, every present
   * month for {@link #ALL}, or the N latest present months for {@code last:N} (present ones
   * only, so that a month missing from the input is never replaced by nothing).
   */
  public List<YearMonth> resolve(Collection<YearMonth> present) {
    if (from != null) {
      return months();
    }
    List<YearMonth> sorted = new ArrayList<>(new TreeSet<>(present));
    return isAll() ? sorted : sorted.subList(Math.max(0, sorted.size() - last), sorted.size());
  }

  @Override
  public String toString() {
    return isAll() ? "all" : isLatest() ? "last:" + last
        : from.equals(to) ? from.toString() : from + ".." + to;
  }
}

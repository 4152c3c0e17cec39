package org.dualflow.ingest;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** Parsing of numeric fields into the DECIMAL types of the canonical record. */
final class FieldValues {

  private FieldValues() {
  }

  /**
   * Parses {@code text} as a non-negative decimal rounded (half-up) to {@code scale} places that
   * must fit DECIMAL({@code precision}, {@code scale}). Plain and scientific notation are read;
   * thousands separators are not (they are rejected as not numeric).
   *
   * @return null when {@code text} is empty
   */
  static BigDecimal decimal(String column, String text, int precision, int scale)
      throws Rejection {
    String t = text.trim();
    if (t.isEmpty()) {
      return null;
    }
    BigDecimal v;
    try {
      v = new BigDecimal(t);
    } catch (NumberFormatException e) {
      throw new Rejection(Rejection.NOT_NUMERIC, column + " '" + abbreviate(t)
          + "' is not a number");
    }
    if (v.signum() < 0) {
      throw new Rejection(Rejection.NEGATIVE_VALUE, column + " " + t + " is negative");
    }
    // Checked before rounding too, so that 1E+999999999 is refused without being expanded.
    if (v.precision() - v.scale() > precision - scale
        || (v = v.setScale(scale, RoundingMode.HALF_UP)).precision() - scale > precision - scale) {
      throw new Rejection(Rejection.VALUE_OVERFLOW, column + " " + abbreviate(t)
          + " does not fit DECIMAL(" + precision + "," + scale + ")");
    }
    return v;
  }

  /** Parses a whole number, or null when empty. */
  static Integer integer(String column, String text) throws Rejection {
    String t = text.trim();
    if (t.isEmpty()) {
      return null;
    }
    try {
      return Integer.valueOf(t);
    } catch (NumberFormatException e) {
      throw new Rejection(Rejection.NOT_NUMERIC, column + " '" + abbreviate(t)
          + "' is not a whole number");
    }
  }

  static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 37) + "...";
  }
}

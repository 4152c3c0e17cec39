package org.dualflow.ingest;

import java.math.BigDecimal;
import java.util.List;
import java.util.regex.Pattern;

/**
 * How a layout writes its numbers: the decimal mark and the grouping separator, named by an
 * example. A layout (a mapping, or a job option) declares it; it is never guessed from a value,
 * because a value cannot tell: {@code 1,234} is one thousand two hundred and thirty-four in an
 * English export and one point two three four in a Russian one.
 *
 * <ul>
 *   <li>{@code 1234.5}: a decimal point, no grouping (also scientific notation, {@code 1.4E4})
 *   <li>{@code 1,234.5}: comma groups of three, a decimal point ({@code grouping} is the same)
 *   <li>{@code 1234,5}: a decimal comma, no grouping
 *   <li>{@code 1 234,5}: space groups (ordinary, no-break or narrow no-break), a decimal comma
 *   <li>{@code 1.234,5}: point groups, a decimal comma
 * </ul>
 *
 * A value written otherwise (groups not of three, the wrong mark) is not a number of the layout
 * and is rejected, never read into another number.
 *
 * <p>{@code auto} decides per file by the convention of its delimiter, never per value: a
 * semicolon-separated file (what spreadsheets in decimal-comma locales save) is {@code 1 234,5},
 * any other {@code 1,234.5}.
 */
public final class NumberLayout {

  /** The layouts by their example, as a mapping or a job option names them. */
  public static final List<String> NAMES = List.of("1234.5", "1,234.5", "1234,5", "1 234,5",
      "1.234,5", "auto");

  /** The layout {@code auto} means in a file separated by {@code delimiter}. */
  public static String forDelimiter(char delimiter) {
    return delimiter == ';' ? "1 234,5" : "1,234.5";
  }

  private static final String SIGN = "-?";

  private final String name;
  private final Pattern form;
  private final String grouping;
  private final boolean decimalComma;

  private NumberLayout(String name, String form, String grouping, boolean decimalComma) {
    this.name = name;
    this.form = form == null ? null : Pattern.compile(form);
    this.grouping = grouping;
    this.decimalComma = decimalComma;
  }

  /**
   * @param name one of {@link #NAMES}, or {@code grouping} for {@code 1,234.5}
   * @throws IllegalArgumentException naming the layouts there are
   */
  public static NumberLayout of(String name) {
    return switch (name.trim()) {
      case "auto" -> new NumberLayout("auto", null, "", false);
      case "1234.5" -> new NumberLayout("1234.5", null, "", false);
      case "1,234.5", "grouping" -> new NumberLayout("1,234.5",
          SIGN + "([1-9]\\d{0,2}(,\\d{3})+|\\d+)(\\.\\d*)?", ",", false);
      case "1234,5" -> new NumberLayout("1234,5", SIGN + "\\d+(,\\d*)?", "", true);
      case "1 234,5" -> new NumberLayout("1 234,5",
          SIGN + "([1-9]\\d{0,2}([ \\u00a0\\u202f]\\d{3})+|\\d+)(,\\d*)?", " \u00a0\u202f",
          true);
      case "1.234,5" -> new NumberLayout("1.234,5",
          SIGN + "([1-9]\\d{0,2}(\\.\\d{3})+|\\d+)(,\\d*)?", ".", true);
      default -> throw new IllegalArgumentException("'" + name + "' is not a number layout; "
          + "use one of " + String.join(", ", NAMES) + " (a decimal point or comma, groups by "
          + "comma, space or point; auto: by the file's delimiter)");
    };
  }

  public String name() {
    return name;
  }

  /**
   * @param text a trimmed, non-empty value
   * @return the number, or null when the text is not a number written in this layout
   */
  public BigDecimal parse(String text) {
    String plain = text;
    if (form != null) {
      if (!form.matcher(text).matches()) {
        return null;
      }
      StringBuilder sb = new StringBuilder(text.length());
      for (int i = 0; i < text.length(); i++) {
        char c = text.charAt(i);
        if (grouping.indexOf(c) >= 0) {
          continue;
        }
        sb.append(decimalComma && c == ',' ? '.' : c);
      }
      plain = sb.toString();
    }
    try {
      return new BigDecimal(plain);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  @Override
  public String toString() {
    return name;
  }
}

package org.dualflow.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

/** A number means what its layout says it means; a value written otherwise is no number. */
class NumberLayoutTest {

  private static BigDecimal read(String layout, String text) {
    return NumberLayout.of(layout).parse(text);
  }

  @Test
  void theSameTextIsADifferentNumberUnderEachLayoutAndNoneIsGuessed() {
    // 1234,567: one thousand two hundred and thirty-four point five six seven with a decimal
    // comma; not a number where commas group thousands (it would have been read as 1234567).
    assertThat(read("1234,5", "1234,567")).isEqualByComparingTo("1234.567");
    assertThat(read("1,234.5", "1234,567")).isNull();
    assertThat(read("1234.5", "1234,567")).isNull();
    assertThat(read("1234,5", "48548,00")).isEqualByComparingTo("48548.00");
    assertThat(read("1,234.5", "1,234,567.25")).isEqualByComparingTo("1234567.25");
    assertThat(read("1,234.5", "1,234")).isEqualByComparingTo("1234");
    assertThat(read("1,234.5", "12,34")).isNull();                // groups of three or none
    assertThat(read("1,234.5", "0,750")).isNull();                // not 750: no group after 0
    assertThat(read("1.234,5", "0.750")).isNull();
    assertThat(read("1,234.5", "0.750")).isEqualByComparingTo("0.75");
    assertThat(read("1 234,5", "1 234 567,89")).isEqualByComparingTo("1234567.89");
    assertThat(read("1 234,5", "1\u00a0234\u00a0567,89")).isEqualByComparingTo("1234567.89");
    assertThat(read("1 234,5", "1234,5")).isEqualByComparingTo("1234.5");
    assertThat(read("1.234,5", "1.234.567,89")).isEqualByComparingTo("1234567.89");
    assertThat(read("1.234,5", "1.234")).isEqualByComparingTo("1234");
    assertThat(read("1234.5", "1.4161E4")).isEqualByComparingTo("14161");
    assertThat(read("grouping", "7,000,000")).isEqualByComparingTo("7000000");
    assertThat(read("1234,5", "-12,5")).isEqualByComparingTo("-12.5");   // negative: its own reason later
  }

  @Test
  void anUnknownLayoutNamesTheLayoutsThereAre() {
    assertThatThrownBy(() -> NumberLayout.of("1.234"))
        .hasMessage("'1.234' is not a number layout; use one of 1234.5, 1,234.5, 1234,5, "
            + "1 234,5, 1.234,5, auto (a decimal point or comma, groups by comma, space or "
            + "point; auto: by the file's delimiter)");
    // auto is decided per file by its delimiter: the semicolon files of decimal-comma locales.
    assertThat(NumberLayout.forDelimiter(';')).isEqualTo("1 234,5");
    assertThat(NumberLayout.forDelimiter(',')).isEqualTo("1,234.5");
  }
}

package org.dualflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.YearMonth;
import org.junit.jupiter.api.Test;

class PeriodsTest {
  @Test
  void parsesRangesSingleMonthsAndAll() {
    assertThat(Periods.parse("2021-01..2024-12").months()).hasSize(48)
        .startsWith(YearMonth.of(2021, 1)).endsWith(YearMonth.of(2024, 12));
    assertThat(Periods.parse("2024-03").months()).containsExactly(YearMonth.of(2024, 3));
    assertThat(Periods.parse("").isAll()).isTrue();
    assertThat(Periods.parse("all").isAll()).isTrue();
    assertThatThrownBy(() -> Periods.parse("2024-05..2024-01")).hasMessageContaining("ends before");
    assertThatThrownBy(() -> Periods.parse("2024-13")).hasMessageContaining("is not a month");
    assertThat(Periods.parse("last:3").isLatest()).isTrue();
    assertThat(Periods.parse("last:3").toString()).isEqualTo("last:3");
    assertThatThrownBy(() -> Periods.parse("last:0")).hasMessageContaining("is not like last:3");
    assertThatThrownBy(() -> Periods.parse("last:x")).hasMessageContaining("is not like last:3");
  }
}

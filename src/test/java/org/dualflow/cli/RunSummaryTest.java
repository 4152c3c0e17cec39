package org.dualflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RunSummaryTest {
  @Test
  void monthsPrintAsRunsOfConsecutiveMonths() {
    assertThat(RunSummary.monthList(List.of())).isEqualTo("none");
    assertThat(RunSummary.monthList(List.of("2024-03"))).isEqualTo("2024-03");
    assertThat(RunSummary.monthList(List.of("2023-11", "2023-12", "2024-01")))
        .isEqualTo("2023-11..2024-01");
    assertThat(RunSummary.monthList(List.of("2021-12", "2022-01", "2022-03")))
        .isEqualTo("2021-12..2022-01, 2022-03");
  }

  @Test
  void yearsPrintAsRunsOfConsecutiveYears() {
    assertThat(RunSummary.yearRuns(List.of(2019, 2020, 2021, 2023))).isEqualTo("2019-2021, 2023");
    assertThat(RunSummary.yearRuns(List.of(2024))).isEqualTo("2024");
  }
}

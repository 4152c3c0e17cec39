package org.dualflow.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.dualflow.ingest.Ingest;
import org.dualflow.ingest.Survey;
import org.junit.jupiter.api.Test;

/** The reject ratio the quality gate judges, and the gate itself. */
class RejectRatioTest {

  private static FileStats file(String uri, long read, long accepted, long rejected,
      long outside, long undated, long duplicates) {
    return new FileStats(new Ingest.InputRef("comtrade", uri, 1), "sha", read, accepted,
        rejected, outside, undated, accepted, Map.of("duplicate", duplicates, "not_numeric",
        rejected - duplicates), BigDecimal.ZERO, BigDecimal.ZERO, 0, BigDecimal.ZERO,
        Map.of("not_numeric", new Survey.Example(14, "primaryValue 'abc' is not a number",
            "M,2022,...,abc")), FileStats.Later.NONE);
  }

  @Test
  void rejectsOtherThanDuplicatesOverTheRecordsInTheRunsMonths() {
    // 100 read, 10 outside: 90 in scope; 9 rejected of which 3 duplicates: 6 / 90.
    assertThat(file("f.csv", 100, 81, 9, 10, 1, 3).rejectRatio())
        .isCloseTo(6.0 / 90, within(1e-12));
  }

  @Test
  void aFileWithNothingDatedInTheRunsMonthsIsNotJudgedByItsUndatedLines() {
    // A December file in a run of October: 240 outside, 2 lines whose month cannot be read.
    assertThat(file("f.csv", 242, 0, 2, 240, 2, 0).rejectRatio()).isZero();
    // Had one line of the run's months been in it, the undated lines would count.
    assertThat(file("f.csv", 243, 1, 2, 240, 2, 0).rejectRatio())
        .isCloseTo(2.0 / 3, within(1e-12));
  }

  @Test
  void theGateNamesEveryFileOverTheLimitAndNothingWithoutOne() {
    List<FileStats> files = List.of(file("a.csv", 4, 2, 2, 0, 0, 0),   // 50%
        file("b.csv", 10, 9, 1, 0, 0, 0),                               // 10%: not above
        file("c.csv", 10, 7, 3, 0, 0, 2));                              // 10% once duplicates go
    assertThat(QualityGate.violations(files, 0.1)).containsExactly("a.csv rejects 50.0% (2 of 4: "
        + "not_numeric 2, e.g. line 14: primaryValue 'abc' is not a number)");
    assertThat(QualityGate.violations(files, null)).isEmpty();
    assertThatThrownBy(() -> QualityGate.check(files, 0.1, "r1", false))
        .isInstanceOf(QualityGate.QualityGateException.class)
        .hasMessage("Quality gate: a.csv rejects 50.0% (2 of 4: not_numeric 2, e.g. line 14: "
            + "primaryValue 'abc' is not a number), above "
            + "quality.max-reject-ratio 0.1; nothing was published (details: quality_report "
            + "and run_manifest of run r1)");
  }
}

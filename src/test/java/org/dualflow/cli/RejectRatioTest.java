package org.dualflow.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.dualflow.ingest.Ingest;
import org.junit.jupiter.api.Test;

class RejectRatioTest {

  private static RunJob.FileStats file(long read, long accepted, long rejected, long outside,
      long undated, long duplicates) {
    RunJob.FileStats f = new RunJob.FileStats(new Ingest.InputRef("comtrade", "f.csv", 1));
    f.read = read;
    f.accepted = accepted;
    f.rejected = rejected;
    f.outside = outside;
    f.undatedRejects = undated;
    f.byReason.put("duplicate", duplicates);
    return f;
  }

  @Test
  void rejectsOtherThanDuplicatesOverTheRecordsInTheRunsMonths() {
    // 100 read, 10 outside: 90 in scope; 9 rejected of which 3 duplicates: 6 / 90.
    assertThat(file(100, 81, 9, 10, 1, 3).rejectRatio()).isCloseTo(6.0 / 90, within(1e-12));
  }

  @Test
  void aFileWithNothingDatedInTheRunsMonthsIsNotJudgedByItsUndatedLines() {
    // A December file in a run of October: 240 outside, 2 lines whose month cannot be read.
    assertThat(file(242, 0, 2, 240, 2, 0).rejectRatio()).isZero();
    // Had one line of the run's months been in it, the undated lines would count.
    assertThat(file(243, 1, 2, 240, 2, 0).rejectRatio()).isCloseTo(2.0 / 3, within(1e-12));
  }
}

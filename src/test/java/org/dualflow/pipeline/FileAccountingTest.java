package org.dualflow.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.sql.Date;
import java.time.YearMonth;
import java.util.List;
import java.util.Map;
import org.dualflow.ingest.Ingest;
import org.dualflow.ingest.Survey;
import org.junit.jupiter.api.Test;

/**
 * Per-file accounting on tallies worked out by hand: the run's months applied, duplicates moved
 * from accepted to rejected, conservation checked.
 */
class FileAccountingTest {

  private static final Ingest.InputRef A = new Ingest.InputRef("comtrade", "a.csv", 100);
  private static final Ingest.InputRef B = new Ingest.InputRef("comtrade", "b.csv", 50);
  /** Path order: the survey's file index 0 is a.csv, 1 is b.csv. */
  private static final List<String> FILES = List.of("a.csv", "b.csv");

  private static Survey.Tally accepted(String month, boolean countable, long n, String usd) {
    return new Survey.Tally("accepted", null, Date.valueOf(month + "-01"), month, countable, n,
        new BigDecimal(usd), null);
  }

  private static Survey.Tally rejected(String reason, String month, long n, long line) {
    return new Survey.Tally("rejected", reason, month == null ? null
        : Date.valueOf(month + "-01"), month == null ? "unknown" : month, null, n,
        BigDecimal.ZERO, new Survey.Example(line, reason + " at " + line, "text"));
  }

  /**
   * a.csv, 10 records: January 5 countable (50.00) and 1 not (a TOTAL line, 7.00), 1 not
   * numeric, 1 whose month cannot be read, and February 2 countable (20.00). b.csv, 3 records:
   * January 3 countable (30.00), of which the duplicate check rejects 1 repeat (10.00) and 1
   * conflicting repeat (12.00).
   */
  private static Survey.Files survey(long aRecords) {
    return new Survey.Files(Map.of(
        0, List.of(accepted("2023-01", true, 5, "50.00"), accepted("2023-01", false, 1, "7.00"),
            rejected("not_numeric", "2023-01", 1, 9), rejected("field_count", null, 1, 4),
            accepted("2023-02", true, 2, "20.00")),
        1, List.of(accepted("2023-01", true, 3, "30.00"))),
        Map.of(0, "sha-a", 1, "sha-b"), Map.of(0, aRecords, 1, 3L));
  }

  private static final List<Survey.DuplicateTally> DUPLICATES = List.of(
      new Survey.DuplicateTally(1, "duplicate", true, 1, new BigDecimal("10.00")),
      new Survey.DuplicateTally(1, "conflicting_duplicate", true, 1, new BigDecimal("12.00")));

  private static String line(FileStats f) {
    return f.input().uri() + " " + f.sha256() + " read " + f.read() + " accepted "
        + f.accepted() + " rejected " + f.rejected() + " outside " + f.outside() + " undated "
        + f.undatedRejects() + " countable " + f.countable() + " " + f.valueAccepted() + " "
        + f.valueCountable() + " " + f.byReason() + " duplicates " + f.duplicates();
  }

  @Test
  void aRunOfJanuaryCountsFebruaryAsOutsideAndMovesDuplicatesToRejected() {
    FileAccounting.Result r = FileAccounting.count(List.of(B, A), FILES, survey(10),
        DUPLICATES, List.of(YearMonth.of(2023, 1)));
    // In input order (b first). a: 6 accepted (57.00, of which 50.00 countable), 2 rejected,
    // 2 outside: 10. b: 3 - 2 repeats = 1 accepted (30.00 - 22.00 = 8.00), 2 rejected: 3.
    assertThat(r.files()).extracting(FileAccountingTest::line).containsExactly(
        "b.csv sha-b read 3 accepted 1 rejected 2 outside 0 undated 0 countable 1 8.00 8.00 "
            + "{conflicting_duplicate=1, duplicate=1} duplicates 2",
        "a.csv sha-a read 10 accepted 6 rejected 2 outside 2 undated 1 countable 5 57.00 "
            + "50.00 {field_count=1, not_numeric=1} duplicates 0");
    assertThat(r.present()).containsExactly(YearMonth.of(2023, 1));
    // Duplicates are not judged by the gate: b rejects nothing else.
    assertThat(r.files().get(0).rejectRatio()).isZero();
    assertThat(r.files().get(1).rejectRatio()).isEqualTo(2.0 / 8);
  }

  @Test
  void aRunOfEveryMonthHasNothingOutsideAndPresentsEveryDatedMonth() {
    FileAccounting.Result r = FileAccounting.count(List.of(A, B), FILES, survey(10),
        DUPLICATES, null);
    assertThat(line(r.files().get(0))).isEqualTo("a.csv sha-a read 10 accepted 8 rejected 2 "
        + "outside 0 undated 1 countable 7 77.00 70.00 {field_count=1, not_numeric=1} "
        + "duplicates 0");
    assertThat(r.present()).containsExactly(YearMonth.of(2023, 1), YearMonth.of(2023, 2));
  }

  @Test
  void recordsThatDoNotAddUpAreABugNamedWithTheFile() {
    assertThatThrownBy(() -> FileAccounting.count(List.of(A, B), FILES, survey(11), DUPLICATES,
        List.of(YearMonth.of(2023, 1))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("Conservation broken for a.csv: read 11 but accepted 6 + rejected 2 + "
            + "outside 2");
  }

  @Test
  void eachReasonKeepsItsFirstLineAsTheExample() {
    // not_numeric in January (line 9) and February (line 7), field_count undated (line 4).
    Survey.Files survey = new Survey.Files(Map.of(0, List.of(
            rejected("not_numeric", "2023-01", 1, 9), rejected("not_numeric", "2023-02", 1, 7),
            rejected("field_count", null, 1, 4))), Map.of(0, "sha-a"), Map.of(0, 3L));
    FileStats a = FileAccounting.count(List.of(A), List.of("a.csv"), survey, List.of(), null)
        .files().get(0);
    assertThat(a.examples().get("not_numeric").line()).isEqualTo(7);
    assertThat(a.examples().get("field_count").reason()).isEqualTo("field_count at 4");
    assertThat(a.topReasons(3)).extracting(Map.Entry::getKey)
        .containsExactly("not_numeric", "field_count");
  }

  @Test
  void lastNThatCannotReadTheNewestMonthFailsTheGateInsteadOfLeavingItOutQuietly() {
    // January read; February's three records all lack an exchange rate, so last:1 counted
    // back to January and February is "after the run's months".
    Survey.Files survey = new Survey.Files(Map.of(0, List.of(
            accepted("2023-01", true, 5, "50.00"), rejected("missing_fx_rate", "2023-02", 3, 7))),
        Map.of(0, "sha-a"), Map.of(0, 8L));
    List<FileStats> files = FileAccounting.count(List.of(A), List.of("a.csv"), survey,
        List.of(), List.of(YearMonth.of(2023, 1))).files();
    assertThat(files.get(0).outside()).isEqualTo(3);
    assertThat(files.get(0).later().rejected()).isEqualTo(3);
    assertThat(files.get(0).rejectRatio()).isZero();
    // 3 of the 8 records in and after the run's months: 37.5%.
    assertThat(QualityGate.laterViolations(files, 0.1)).containsExactly("a.csv rejects 3 "
        + "records dated after the run's months (missing_fx_rate 3), 37.5% of its records in "
        + "and after them, so last:N left those months out");
    // A range run owns its months: what lies after them is simply outside.
    assertThatThrownBy(() -> QualityGate.check(files, 0.1, "r", true))
        .isInstanceOf(QualityGate.QualityGateException.class);
    QualityGate.check(files, 0.1, "r", false);
  }
}

package org.dualflow.pipeline;

import java.math.BigDecimal;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.dualflow.ingest.Ingest;
import org.dualflow.ingest.Ingested;
import org.dualflow.ingest.Survey;

/**
 * Per-file accounting: the survey's tallies (made while reading, before duplicates were known)
 * and the duplicate check's tallies turned into each file's counts and values for the run's
 * months. A pure function of its arguments; no Spark.
 */
final class FileAccounting {

  /** Every input's numbers, in input order, and the months the records of the run fall in. */
  record Result(List<FileStats> files, SortedSet<YearMonth> present) {
  }

  private FileAccounting() {
  }

  /**
   * @param inputs the run's files, in the order they are reported
   * @param files the input URIs in path order: the survey's file indices refer to it
   * @param survey the survey's per-file tallies
   * @param duplicates the duplicate check's tallies (each occurrence that is not kept)
   * @param months the run's months; null: every month
   * @return the counts, with the run's months applied and duplicates moved from accepted to
   *     rejected; present holds the months of the records in scope, accepted or rejected
   * @throws IllegalStateException when a file's records do not add up (read = accepted +
   *     rejected + outside): a bug, never a user's mistake
   */
  static Result count(List<Ingest.InputRef> inputs, List<String> files, Survey.Files survey,
      List<Survey.DuplicateTally> duplicates, List<YearMonth> months) {
    Map<String, Counter> byUri = new HashMap<>();
    for (Ingest.InputRef in : inputs) {
      byUri.put(in.uri(), new Counter());
    }
    TreeSet<YearMonth> present = new TreeSet<>();
    for (int i = 0; i < files.size(); i++) {
      Counter f = byUri.get(files.get(i));
      f.sha256 = survey.sha256().get(i);
      f.read = survey.records().getOrDefault(i, 0L);
      for (Survey.Tally t : survey.of(i)) {
        boolean accepted = t.status().equals(Ingested.ACCEPTED);
        if (!accepted && !t.status().equals(Ingested.REJECTED)) {
          throw new IllegalStateException("unknown row status " + t.status());
        }
        if (Survey.isOutside(t.period(), months)) {
          f.outside += t.n();
          if (YearMonth.from(t.period().toLocalDate()).isAfter(months.get(months.size() - 1))) {
            f.later += t.n();
            if (!accepted) {
              f.laterRejected += t.n();
              f.laterByReason.merge(t.reasonCode(), t.n(), Long::sum);
            }
          }
          continue;
        }
        if (accepted) {
          f.add(t.n(), t.usd(), Boolean.TRUE.equals(t.countable()));
        } else {
          f.reject(t.reasonCode(), t.n());
          if (t.example() != null) {
            f.examples.merge(t.reasonCode(), t.example(),
                (a, b) -> a.line() <= b.line() ? a : b);
          }
          if ("unknown".equals(t.periodKey())) {
            f.undatedRejects += t.n();
          }
        }
        if (!"unknown".equals(t.periodKey())) {
          present.add(YearMonth.parse(t.periodKey()));
        }
      }
    }
    for (Survey.DuplicateTally d : duplicates) {
      Counter f = byUri.get(files.get(d.file()));
      f.add(-d.n(), d.usd().negate(), Boolean.TRUE.equals(d.countable()));
      f.reject(d.reasonCode(), d.n());
    }
    List<FileStats> out = new ArrayList<>();
    for (Ingest.InputRef in : inputs) {
      Counter f = byUri.get(in.uri());
      if (f.read != f.accepted + f.rejected + f.outside) {
        throw new IllegalStateException("Conservation broken for " + in.uri() + ": read "
            + f.read + " but accepted " + f.accepted + " + rejected " + f.rejected
            + " + outside " + f.outside);
      }
      out.add(new FileStats(in, f.sha256, f.read, f.accepted, f.rejected, f.outside,
          f.undatedRejects, f.countable, f.byReason, f.valueAccepted, f.valueCountable, 0,
          BigDecimal.ZERO, f.examples, new FileStats.Later(f.later, f.laterRejected,
              f.laterByReason)));
    }
    return new Result(List.copyOf(out), Collections.unmodifiableSortedSet(present));
  }

  /** One file's running counts. */
  private static final class Counter {
    String sha256;
    long read;
    long accepted;
    long rejected;
    long outside;
    long undatedRejects;
    long countable;
    final Map<String, Long> byReason = new TreeMap<>();
    final Map<String, Survey.Example> examples = new HashMap<>();
    long later;
    long laterRejected;
    final Map<String, Long> laterByReason = new TreeMap<>();
    BigDecimal valueAccepted = BigDecimal.ZERO;
    BigDecimal valueCountable = BigDecimal.ZERO;

    void add(long n, BigDecimal usd, boolean isCountable) {
      accepted += n;
      valueAccepted = valueAccepted.add(usd);
      if (isCountable) {
        countable += n;
        valueCountable = valueCountable.add(usd);
      }
    }

    void reject(String reason, long n) {
      rejected += n;
      byReason.merge(reason, n, Long::sum);
    }
  }
}

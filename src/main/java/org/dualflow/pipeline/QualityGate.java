package org.dualflow.pipeline;

import java.util.List;
import java.util.Map;
import org.dualflow.ingest.Survey;

/**
 * {@code quality.max-reject-ratio}: a run stops, publishing no data, when a file rejects a
 * larger share of its records (duplicates not counted, see {@link FileStats#rejectRatio()}).
 */
public final class QualityGate {

  /** The run stopped because a file's reject share is above the limit. Exit code 3. */
  public static final class QualityGateException extends RuntimeException {
    QualityGateException(String message) {
      super(message);
    }
  }

  private QualityGate() {
  }

  /** True when the file is over {@code limit} (null: no limit). */
  static boolean isOver(FileStats file, Double limit) {
    return limit != null && file.rejectRatio() > limit;
  }

  /**
   * One description per file over {@code limit}, in input order: its share, its most frequent
   * reasons, and the first line of the most frequent one.
   */
  static List<String> violations(List<FileStats> files, Double limit) {
    return files.stream().filter(f -> isOver(f, limit))
        .map(f -> String.format("%s rejects %.1f%% (%d of %d: %s)", f.input().uri(),
            100 * f.rejectRatio(), f.rejected() - f.rejectedByDesign(), f.read() - f.outside(),
            reasons(f)))
        .toList();
  }

  /** "not_numeric 2, e.g. line 14: primaryValue 'abc' is not a number; field_count 1". */
  static String reasons(FileStats f) {
    List<String> parts = new java.util.ArrayList<>();
    for (Map.Entry<String, Long> r : f.topReasons(3)) {
      Survey.Example e = parts.isEmpty() ? f.examples().get(r.getKey()) : null;
      parts.add(r.getKey() + " " + r.getValue() + (e == null ? ""
          : ", e.g. line " + e.line() + ": " + e.reason()));
    }
    return String.join("; ", parts);
  }

  /**
   * For {@code last:N} runs, one description per file whose records dated after the run's
   * months are rejected above the limit: the newest month could not be read, so last:N counted
   * back from the month before it and would have published nothing of it without a word.
   */
  static List<String> laterViolations(List<FileStats> files, Double limit) {
    return files.stream().filter(f -> limit != null && laterShare(f) > limit)
        .map(f -> String.format("%s rejects %d records dated after the run's months (%s), "
                + "%.1f%% of its records in and after them, so last:N left those months out",
            f.input().uri(), f.later().rejected(), String.join(", ", f.later().byReason()
                .entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).toList()),
            100 * laterShare(f)))
        .toList();
  }

  /**
   * Rejected records after the run's months over the records in and after them: a new month
   * that cannot be read weighs, one stray line dated 2099 in a big file does not.
   */
  private static double laterShare(FileStats f) {
    long base = f.read() - f.outside() + f.later().records();
    return base == 0 ? 0 : (double) f.later().rejected() / base;
  }

  /**
   * @param latest true for a {@code last:N} run: rejected records after its months count too
   * @throws QualityGateException naming every file over the limit
   */
  static void check(List<FileStats> files, Double limit, String runId, boolean latest) {
    List<String> over = new java.util.ArrayList<>(violations(files, limit));
    if (latest) {
      over.addAll(laterViolations(files, limit));
    }
    if (!over.isEmpty()) {
      throw new QualityGateException("Quality gate: " + String.join("; ", over)
          + ", above quality.max-reject-ratio " + limit + "; nothing was published (details: "
          + "quality_report and run_manifest of run " + runId + ")");
    }
  }
}

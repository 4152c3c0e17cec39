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
   * @throws QualityGateException naming every file over the limit
   */
  static void check(List<FileStats> files, Double limit, String runId) {
    List<String> over = violations(files, limit);
    if (!over.isEmpty()) {
      throw new QualityGateException("Quality gate: " + String.join("; ", over)
          + ", above quality.max-reject-ratio " + limit + "; nothing was published (details: "
          + "quality_report and run_manifest of run " + runId + ")");
    }
  }
}

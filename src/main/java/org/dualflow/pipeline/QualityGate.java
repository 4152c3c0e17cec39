package org.dualflow.pipeline;

import java.util.List;

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

  /** One description per file over {@code limit}, in input order. */
  static List<String> violations(List<FileStats> files, Double limit) {
    return files.stream().filter(f -> isOver(f, limit))
        .map(f -> String.format("%s rejects %.1f%% (%d of %d)", f.input().uri(),
            100 * f.rejectRatio(), f.rejected() - f.rejectedByDesign(), f.read() - f.outside()))
        .toList();
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

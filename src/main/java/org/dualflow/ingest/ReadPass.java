package org.dualflow.ingest;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Map;
import org.apache.spark.broadcast.Broadcast;

/**
 * Which rows a read of the input files emits. A run reads its files more than once instead of
 * caching every parsed row: parsing runs at about 280,000 rows per second per core, while
 * building Spark's in-memory cache of 50-column rows was the largest single cost of a run.
 *
 * <ul>
 *   <li>{@link Mode#ALL}: every record, all columns, then one {@link Ingested#FILE} row.
 *   <li>{@link Mode#SURVEY}: every record with only the columns that counting, periods and the
 *       duplicate check need ({@link #SURVEY_COLUMNS}), then the {@code FILE} row.
 *   <li>{@link Mode#ACCEPTED}: records the reader accepted, all columns.
 *   <li>{@link Mode#REJECTED}: the records at the lines the survey found rejected (by the
 *       reader, or as duplicates), all columns. Other lines are split but not parsed, and files
 *       without rejected lines are not opened.
 * </ul>
 *
 * <p>The later passes check each file's SHA-256 against the survey's: a file that changed
 * between two reads fails the run instead of making tables that disagree with the counts.
 */
public final class ReadPass implements Serializable {

  public enum Mode { ALL, SURVEY, ACCEPTED, REJECTED }

  /** The columns a survey row carries; the others are null. */
  public static final String[] SURVEY_COLUMNS = {"source", "source_file", "source_line",
      "source_key", "row_status", "reason_code", "reason", "period", "period_key",
      "is_countable", "value_usd", "content_hash", "file_sha256", "file_records"};

  private static final int[] SURVEY_INDEXES = Arrays.stream(SURVEY_COLUMNS)
      .mapToInt(Ingested.SCHEMA::fieldIndex).toArray();

  private final Mode mode;
  private final Map<String, String> expectedSha256;
  private final Broadcast<Lines> rejectedLines;

  /**
   * Lines by file URI, sorted; a file in {@code everyLine} is read whole instead (too many lines
   * to list). Files in neither have no rejected lines.
   */
  public record Lines(Map<String, long[]> byFile, java.util.Set<String> everyLine)
      implements Serializable {
  }

  private ReadPass(Mode mode, Map<String, String> expectedSha256, Broadcast<Lines> rejectedLines) {
    this.mode = mode;
    this.expectedSha256 = expectedSha256;
    this.rejectedLines = rejectedLines;
  }

  public static ReadPass all() {
    return new ReadPass(Mode.ALL, null, null);
  }

  public static ReadPass survey() {
    return new ReadPass(Mode.SURVEY, null, null);
  }

  /** @param sha256 by file URI, from the survey */
  public static ReadPass accepted(Map<String, String> sha256) {
    return new ReadPass(Mode.ACCEPTED, Map.copyOf(sha256), null);
  }

  /**
   * @param sha256 by file URI, from the survey
   * @param rejectedLines the lines of the records the survey rejected
   */
  public static ReadPass rejected(Map<String, String> sha256, Broadcast<Lines> rejectedLines) {
    return new ReadPass(Mode.REJECTED, Map.copyOf(sha256), rejectedLines);
  }

  public Mode mode() {
    return mode;
  }

  /** True when the pass ends each file with its {@code FILE} row. */
  boolean emitsFileRows() {
    return mode == Mode.ALL || mode == Mode.SURVEY;
  }

  /** False for a file this pass has nothing to take from. */
  boolean reads(String uri) {
    return mode != Mode.REJECTED || rejectedLines.value().byFile().containsKey(uri)
        || rejectedLines.value().everyLine().contains(uri);
  }

  /** False for a record this pass need not parse. */
  boolean parses(String uri, long line) {
    if (mode != Mode.REJECTED || rejectedLines.value().everyLine().contains(uri)) {
      return true;
    }
    long[] lines = rejectedLines.value().byFile().get(uri);
    return lines != null && Arrays.binarySearch(lines, line) >= 0;
  }

  /** The row to emit for a parsed record, or null to skip it. */
  Object[] select(Object[] row, String uri, long line) {
    return switch (mode) {
      case ALL -> row;
      case SURVEY -> {
        Object[] narrow = Ingested.newRow();
        for (int i : SURVEY_INDEXES) {
          narrow[i] = row[i];
        }
        yield narrow;
      }
      case ACCEPTED -> Ingested.ACCEPTED.equals(row[Ingested.ROW_STATUS]) ? row : null;
      case REJECTED -> row;   // a wanted line (see parses); Spark keeps the rejected ones
    };
  }

  /**
   * @throws InputFileException when the file's digest differs from the survey's
   */
  void checkDigest(String uri, String sha256) {
    if (expectedSha256 == null) {
      return;
    }
    String expected = expectedSha256.get(uri);
    if (expected != null && !expected.equals(sha256)) {
      throw new InputFileException("Cannot read " + uri + ": it changed while the run was "
          + "reading it (SHA-256 " + expected + " at the first read, " + sha256 + " now); "
          + "run again once the file is complete and no longer being written");
    }
  }
}

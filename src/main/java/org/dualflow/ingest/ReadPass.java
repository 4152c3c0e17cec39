package org.dualflow.ingest;

import java.io.Serializable;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.broadcast.Broadcast;

/**
 * Which rows a read of the input files emits. A run reads each file once in full, and again
 * only where it must: parsing runs at about 280,000 rows per second per core, and building
 * Spark's in-memory cache of 50-column rows was the largest single cost of a run.
 *
 * <ul>
 *   <li>{@link Mode#ALL}: every record, all columns, then one {@link Ingested#FILE} row.
 *   <li>{@link Mode#SURVEY}: the run's read: the records the reader accepted, all columns,
 *       while each file's tallies, digest and rejected lines go to a {@link Survey.Collector}.
 *   <li>{@link Mode#REJECTED}: the records at the lines the survey found rejected (by the
 *       reader, or as duplicates), all columns. Other lines are split but not parsed, and files
 *       without rejected lines are not opened.
 * </ul>
 *
 * <p>The rejected pass checks each file's SHA-256 against the survey's, and every pass checks
 * each split of a file read in splits against the pre-scan's ({@link FileSplits}): a file that
 * changed between two reads fails the run instead of making tables that disagree with the
 * counts.
 */
public final class ReadPass implements Serializable {

  public enum Mode { ALL, SURVEY, REJECTED }

  private final Mode mode;
  private final Map<String, Integer> fileIndex;
  private final Map<String, String> expectedSha256;
  private final Broadcast<Lines> rejectedLines;
  private final Survey.Collector collector;

  /**
   * Lines by file URI, sorted; a file in {@code everyLine} is read whole instead (too many lines
   * to list). Files in neither have no rejected lines.
   */
  public record Lines(Map<String, long[]> byFile, java.util.Set<String> everyLine)
      implements Serializable {
  }

  private ReadPass(Mode mode, Map<String, String> expectedSha256, Broadcast<Lines> rejectedLines,
      Map<String, Integer> fileIndex, Survey.Collector collector) {
    this.mode = mode;
    this.collector = collector;
    this.fileIndex = fileIndex;
    this.expectedSha256 = expectedSha256;
    this.rejectedLines = rejectedLines;
  }

  public static ReadPass all() {
    return new ReadPass(Mode.ALL, null, null, null, null);
  }

  /**
   * @param files the input URIs in path order: the tallies' file indices refer to this order
   * @param collector where each file's (or split's) tallies go, registered on the driver
   */
  public static ReadPass survey(List<String> files, Survey.Collector collector) {
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < files.size(); i++) {
      index.put(files.get(i), i);
    }
    return new ReadPass(Mode.SURVEY, null, null, index, collector);
  }

  /**
   * @param sha256 by file URI, from the survey
   * @param rejectedLines the lines of the records the survey rejected
   */
  public static ReadPass rejected(Map<String, String> sha256, Broadcast<Lines> rejectedLines) {
    return new ReadPass(Mode.REJECTED, Map.copyOf(sha256), rejectedLines, null, null);
  }

  public Mode mode() {
    return mode;
  }

  /** A survey's tally for a file. */
  Survey.FileTally tally(String uri) {
    return new Survey.FileTally(fileIndex.get(uri));
  }

  /** Hands the survey's tally of a file, or of a split of one, to the driver. */
  void collect(String uri, FileSplits.Split split, Survey.Part part) {
    collector.add(Map.entry(Survey.partKey(uri, split), part));
  }

  /** False for a file this pass has nothing to take from. */
  boolean reads(String uri) {
    return mode != Mode.REJECTED || rejectedLines.value().byFile().containsKey(uri)
        || rejectedLines.value().everyLine().contains(uri);
  }

  /** False for a file, or a split of one (null: the whole file), this pass has nothing from. */
  boolean reads(String uri, FileSplits.Split split) {
    if (!reads(uri)) {
      return false;
    }
    if (mode != Mode.REJECTED || split == null
        || rejectedLines.value().everyLine().contains(uri)) {
      return true;
    }
    long[] lines = rejectedLines.value().byFile().get(uri);
    int at = Arrays.binarySearch(lines, split.firstLine());
    at = at >= 0 ? at : -at - 1;
    return at < lines.length && split.holdsLine(lines[at]);
  }

  /** False for a record this pass need not parse. */
  boolean parses(String uri, long line) {
    if (mode != Mode.REJECTED || rejectedLines.value().everyLine().contains(uri)) {
      return true;
    }
    long[] lines = rejectedLines.value().byFile().get(uri);
    return lines != null && Arrays.binarySearch(lines, line) >= 0;
  }

  /** True for a parsed record this pass emits. */
  boolean emits(Object[] row) {
    return switch (mode) {
      case ALL, REJECTED -> true;    // REJECTED: a wanted line (see parses)
      case SURVEY -> Ingested.ACCEPTED.equals(row[Ingested.ROW_STATUS]);
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

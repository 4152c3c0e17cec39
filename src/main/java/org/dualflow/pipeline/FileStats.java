package org.dualflow.pipeline;

import java.math.BigDecimal;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.dualflow.ingest.Ingest;
import org.dualflow.ingest.Rejection;
import org.dualflow.ingest.Survey;

/**
 * One input file's numbers, for the summary, the manifest, the quality report and the gate.
 * Records are counted once each: {@code read = accepted + rejected + outside}.
 *
 * @param read records in the file (the header not counted)
 * @param accepted records accepted in the run's months (duplicates not among them)
 * @param rejected records rejected in the run's months, duplicates included
 * @param outside records of months outside the run's periods, whatever their status
 * @param undatedRejects rejected records whose month cannot be read
 * @param countable accepted records that add to sums ({@code is_countable})
 * @param byReason rejected records by reason code, in code order
 * @param classified countable records that matched a list (each record once)
 * @param examples per reason code, the file's first line rejected for it
 * @param later the records dated after the run's last month (counted in {@code outside})
 */
public record FileStats(Ingest.InputRef input, String sha256, long read, long accepted,
    long rejected, long outside, long undatedRejects, long countable, Map<String, Long> byReason,
    BigDecimal valueAccepted, BigDecimal valueCountable, long classified,
    BigDecimal valueClassified, Map<String, Survey.Example> examples, Later later) {

  /** Records dated after the run's months, how many were rejected, and why. */
  public record Later(long records, long rejected, Map<String, Long> byReason) {
    public static final Later NONE = new Later(0, 0, Map.of());

    public Later {
      byReason = Collections.unmodifiableSortedMap(new TreeMap<>(byReason));
    }
  }

  public FileStats {
    byReason = Collections.unmodifiableSortedMap(new TreeMap<>(byReason));
    examples = Map.copyOf(examples);
  }

  public long duplicates() {
    return byReason.getOrDefault(Rejection.DUPLICATE, 0L)
        + byReason.getOrDefault(Rejection.CONFLICTING_DUPLICATE, 0L);
  }

  /**
   * Rejected records that are no defect of the file: duplicates, aggregate areas, codes the
   * reporter withheld and rows of another measure (see {@link Rejection#BY_DESIGN}).
   */
  public long rejectedByDesign() {
    return byReason.entrySet().stream().filter(e -> Rejection.BY_DESIGN.contains(e.getKey()))
        .mapToLong(Map.Entry::getValue).sum();
  }

  /**
   * Rejected records other than duplicates and aggregate areas, over records in the run's
   * months. Lines whose month cannot be read count wherever the run is; but a file with nothing
   * dated in the run's months is not the run's to judge (a monthly run would otherwise fail
   * forever on an old file's one unreadable line).
   */
  public double rejectRatio() {
    long inScope = read - outside;
    if (inScope - undatedRejects <= 0) {
      return 0;
    }
    return (double) (rejected - rejectedByDesign()) / inScope;
  }

  /** The same file with what classification found in it. */
  public FileStats withClassified(long records, BigDecimal value) {
    return new FileStats(input, sha256, read, accepted, rejected, outside, undatedRejects,
        countable, byReason, valueAccepted, valueCountable, records, value, examples, later);
  }

  /**
   * The reasons the file's defects were rejected for, most frequent first (duplicates and
   * aggregate areas, which are no defects, left out), at most {@code n}.
   */
  public List<Map.Entry<String, Long>> topReasons(int n) {
    return byReason.entrySet().stream()
        .filter(e -> !Rejection.BY_DESIGN.contains(e.getKey()))
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed()
            .thenComparing(Map.Entry.comparingByKey()))
        .limit(n).toList();
  }
}

package org.dualflow.ingest;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.hex;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lpad;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.min_by;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.shiftright;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.translate;

import java.math.BigDecimal;
import java.sql.Date;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The first read of a run's input, made cheap: the reading task tallies each file's records
 * itself (by status, reason, month and countability, with their value) and hands Spark only
 * fixed-width rows, one per accepted record (its key hash, location, content hash, month and
 * value), for the duplicate check. Strings and wide rows, what made Spark slow, stay out.
 *
 * <p>Row kinds ({@code kind}): {@link #KEY} per accepted record, {@link #REJECTED_LINE} per
 * rejected record (its line, for the pass that writes {@code rejected_records}), {@link #TALLY}
 * per (file, status, reason, month, countable) and one {@link #FILE} per file with its digest
 * and record count; a file read in splits has these per split, added up in {@link Files}
 * (examples: the first line of its kind wins). A record's location is {@code file << 40 | line}, {@code file} being the
 * file's position in path order, so the smallest location is the first in path order.
 */
public final class Survey {

  public static final int KEY = 0;
  public static final int TALLY = 1;
  public static final int FILE = 2;
  public static final int REJECTED_LINE = 3;

  static final int LINE_BITS = 40;

  public static final StructType SCHEMA = new StructType()
      .add("kind", DataTypes.IntegerType, false)
      .add("file", DataTypes.IntegerType, false)
      .add("loc", DataTypes.LongType, true)
      .add("key_hi", DataTypes.LongType, true)
      .add("key_lo", DataTypes.LongType, true)
      .add("content_hash", DataTypes.LongType, true)
      .add("period", DataTypes.DateType, true)
      .add("value_usd", Ingested.SCHEMA.apply("value_usd").dataType(), true)
      .add("is_countable", DataTypes.BooleanType, true)
      .add("row_status", DataTypes.StringType, true)
      .add("reason_code", DataTypes.StringType, true)
      .add("period_key", DataTypes.StringType, true)
      .add("n", DataTypes.LongType, true)
      .add("sum_usd", DataTypes.createDecimalType(38, 2), true)
      .add("sha256", DataTypes.StringType, true)
      .add("example_line", DataTypes.LongType, true)
      .add("example_reason", DataTypes.StringType, true)
      .add("example_text", DataTypes.StringType, true);

  /** An example line keeps this many characters of its text: enough to recognise it. */
  static final int EXAMPLE_CHARS = 200;

  private Survey() {
  }

  static long location(int file, long line) {
    return ((long) file << LINE_BITS) | line;
  }

  /** The survey rows of one parsed record: a key or a rejected line, and its tally. */
  static final class FileTally {
    private final int file;
    private final Map<List<Object>, Object[]> buckets = new LinkedHashMap<>();

    FileTally(int file) {
      this.file = file;
    }

    /** Counts the record and returns its row. */
    Row add(Object[] row, long line, long[] keyHash) {
      Boolean countable = (Boolean) row[Ingested.IS_COUNTABLE];
      BigDecimal value = (BigDecimal) row[Ingested.VALUE_USD];
      String status = (String) row[Ingested.ROW_STATUS];
      List<Object> bucket = java.util.Arrays.asList(status, row[Ingested.REASON_CODE],
          row[Ingested.PERIOD], row[Ingested.PERIOD_KEY], countable);
      Object[] tally = buckets.computeIfAbsent(bucket, b -> new Object[] {0L, null, null,
          null, null});
      tally[0] = (Long) tally[0] + 1;
      if (value != null) {
        tally[1] = tally[1] == null ? value : ((BigDecimal) tally[1]).add(value);
      }
      long loc = location(file, line);
      if (Ingested.ACCEPTED.equals(status)) {
        return RowFactory.create(KEY, file, loc, keyHash[0], keyHash[1],
            row[Ingested.CONTENT_HASH], row[Ingested.PERIOD], value, countable, null, null, null,
            null, null, null, null, null, null);
      }
      if (tally[2] == null) {            // the first line of its kind: the example
        String text = (String) row[Ingested.RAW_LINE];
        tally[2] = line;
        tally[3] = row[Ingested.REASON];
        tally[4] = text == null || text.length() <= EXAMPLE_CHARS ? text
            : text.substring(0, EXAMPLE_CHARS) + "...";
      }
      return RowFactory.create(REJECTED_LINE, file, loc, null, null, null, row[Ingested.PERIOD],
          null, null, null, null, null, null, null, null, null, null, null);
    }

    /** The tally rows and the file row, at the end of the file. */
    List<Row> finish(String sha256, long records) {
      List<Row> out = new ArrayList<>();
      buckets.forEach((b, t) -> out.add(RowFactory.create(TALLY, file, null, null, null, null,
          b.get(2), null, b.get(4), b.get(0), b.get(1), b.get(3), t[0], t[1], null, t[2], t[3],
          t[4])));
      out.add(RowFactory.create(FILE, file, null, null, null, null, null, null, null, null, null,
          null, records, null, sha256, null, null, null));
      return out;
    }
  }

  /** The tally and file rows (a few per file), collected on the driver. */
  public static List<Row> tallies(Dataset<Row> survey) {
    return survey.filter(col("kind").isin(TALLY, FILE)).collectAsList();
  }

  /**
   * The distinct months of the accepted records: what {@code last:N} counts back from. Months
   * that only rejected lines carry are not among them (one bad line dated 2099 must not push a
   * real month out of the window).
   */
  public static List<YearMonth> acceptedMonths(List<Row> tallies) {
    TreeSet<YearMonth> months = new TreeSet<>();
    for (Row r : tallies) {
      Tally t = r.<Integer>getAs("kind") == TALLY ? Tally.of(r) : null;
      if (t != null && t.period() != null && Ingested.ACCEPTED.equals(t.status())) {
        months.add(YearMonth.from(t.period().toLocalDate()));
      }
    }
    return List.copyOf(months);
  }

  /** True when a record of this month is outside the run's months (null: every month). */
  public static boolean isOutside(Date period, List<YearMonth> months) {
    return months != null && period != null
        && !months.contains(YearMonth.from(period.toLocalDate()));
  }

  /** The accepted records inside the run's months. */
  static Dataset<Row> keys(Dataset<Row> survey, List<YearMonth> months) {
    return inMonths(survey.filter(col("kind").equalTo(KEY)), months);
  }

  /** The rows of the run's months, and those of unknown month. */
  private static Dataset<Row> inMonths(Dataset<Row> rows, List<YearMonth> months) {
    if (months == null) {
      return rows;
    }
    Object[] dates = months.stream().map(m -> Date.valueOf(m.atDay(1))).toArray();
    return rows.filter(col("period").isNull().or(col("period").isin(dates)));
  }

  /**
   * The record ids seen more than once among the accepted records in the run's months, with
   * the occurrence to keep, as {@link Ingest#markDuplicates} takes them: {@code dup_id,
   * kept_file, kept_line, kept_hash, kept_loc}. One hash aggregation over longs (a string key
   * or a {@code min} over a struct would make Spark sort every row); cached.
   *
   * @param files the input URIs in path order (a location's file is its index here)
   */
  public static Dataset<Row> duplicates(Dataset<Row> survey, List<YearMonth> months,
      List<String> files) {
    Column[] uris = files.stream().map(f -> lit(f)).toArray(Column[]::new);
    Column keptFile = element_at(array(uris),
        shiftright(col("kept_loc"), LINE_BITS).cast(DataTypes.IntegerType).plus(1));
    Column keptLine = col("kept_loc").bitwiseAND(lit((1L << LINE_BITS) - 1));
    return keys(survey, months)
        .groupBy("key_hi", "key_lo")
        .agg(count(lit(1)).as("n"), min("loc").as("kept_loc"),
            min_by(col("content_hash"), col("loc")).as("kept_hash"))
        .filter(col("n").gt(1))
        .select(concat(hex64(col("key_hi")), hex64(col("key_lo"))).as("dup_id"),
            col("key_hi"), col("key_lo"), keptFile.as("kept_file"), keptLine.as("kept_line"),
            col("kept_hash"), col("kept_loc"))
        .cache();
  }

  /** 16 lower-case hex digits, as {@link Ingested#recordId} writes them. */
  private static Column hex64(Column hash) {
    return translate(lpad(hex(hash), 16, "0"), "ABCDEF", "abcdef");
  }

  /** The occurrences {@code duplicates} rejects: every one but the kept one. */
  static Dataset<Row> rejectedOccurrences(Dataset<Row> survey, List<YearMonth> months,
      Dataset<Row> duplicates) {
    Dataset<Row> dups = duplicates.select(col("key_hi").as("d_hi"), col("key_lo").as("d_lo"),
        col("kept_loc"), col("kept_hash"));
    return keys(survey, months)
        .join(broadcast(dups), col("key_hi").equalTo(col("d_hi"))
            .and(col("key_lo").equalTo(col("d_lo"))))
        .filter(not(col("loc").equalTo(col("kept_loc"))));
  }

  /** The duplicates of one file with one reason and countability, and their value. */
  public record DuplicateTally(int file, String reasonCode, Boolean countable, long n,
      BigDecimal usd) {
  }

  /**
   * The duplicates by file, reason and countability, with their value: what turns the tallies
   * (made before duplicates were known) into the run's counts.
   */
  public static List<DuplicateTally> duplicateTallies(Dataset<Row> survey,
      List<YearMonth> months, Dataset<Row> duplicates) {
    Column reason = org.apache.spark.sql.functions.when(
        col("content_hash").equalTo(col("kept_hash")), lit(Rejection.DUPLICATE))
        .otherwise(lit(Rejection.CONFLICTING_DUPLICATE));
    return rejectedOccurrences(survey, months, duplicates)
        .groupBy(col("file"), reason.as("reason_code"), col("is_countable"))
        .agg(count(lit(1)).as("n"), sum("value_usd").as("usd"))
        .collectAsList().stream()
        .map(r -> new DuplicateTally(r.<Integer>getAs("file"), r.getAs("reason_code"),
            r.getAs("is_countable"), r.<Long>getAs("n"),
            r.isNullAt(r.fieldIndex("usd")) ? BigDecimal.ZERO : r.getAs("usd")))
        .toList();
  }

  /** Above this many rejected records a run reads the files with rejects whole again. */
  static final long MAX_LISTED_LINES = 1_000_000;

  /**
   * The lines of the records the run rejects (by the reader, or as duplicates), by file URI:
   * what a {@link ReadPass#rejected} read parses. Lines of rejects outside the run's months may
   * be among them (the pass leaves them out like any read).
   *
   * @param rejected rejected records by file URI, as counted
   */
  public static ReadPass.Lines rejectedLines(Dataset<Row> survey, List<YearMonth> months,
      Dataset<Row> duplicates, List<String> files, Map<String, Long> rejected) {
    TreeSet<String> withRejects = new TreeSet<>();
    rejected.forEach((file, n) -> {
      if (n > 0) {
        withRejects.add(file);
      }
    });
    long total = rejected.values().stream().mapToLong(Long::longValue).sum();
    if (total > MAX_LISTED_LINES) {
      return new ReadPass.Lines(Map.of(), withRejects);
    }
    List<Row> locs = new ArrayList<>(inMonths(survey.filter(col("kind").equalTo(REJECTED_LINE)),
        months).select("loc").collectAsList());
    locs.addAll(rejectedOccurrences(survey, months, duplicates).select("loc").collectAsList());
    Map<String, List<Long>> byFile = new HashMap<>();
    for (Row r : locs) {
      long loc = r.getLong(0);
      String file = files.get((int) (loc >>> LINE_BITS));
      byFile.computeIfAbsent(file, f -> new ArrayList<>()).add(loc & ((1L << LINE_BITS) - 1));
    }
    Map<String, long[]> out = new HashMap<>();
    byFile.forEach((file, lines) -> out.put(file,
        lines.stream().mapToLong(Long::longValue).sorted().toArray()));
    return new ReadPass.Lines(out, java.util.Set.of());
  }

  /** A rejected line, to show what a reason looks like in a file. */
  public record Example(long line, String reason, String text) {
  }

  /**
   * One file's tally row, for the run's counting.
   *
   * @param example for rejected records, the first line of its kind; null otherwise
   */
  public record Tally(String status, String reasonCode, Date period, String periodKey,
      Boolean countable, long n, BigDecimal usd, Example example) {

    static Tally of(Row r) {
      BigDecimal usd = r.getAs("sum_usd");
      Long line = r.getAs("example_line");
      return new Tally(r.getAs("row_status"), r.getAs("reason_code"), r.getAs("period"),
          r.getAs("period_key"), r.getAs("is_countable"), r.<Long>getAs("n"),
          usd == null ? BigDecimal.ZERO : usd, line == null ? null
              : new Example(line, r.getAs("example_reason"), r.getAs("example_text")));
    }
  }

  /** The tallies of each file (by index), and each file's digest and record count. */
  public record Files(Map<Integer, List<Tally>> tallies, Map<Integer, String> sha256,
      Map<Integer, Long> records) {

    public static Files of(List<Row> rows) {
      Map<Integer, List<Tally>> tallies = new HashMap<>();
      Map<Integer, String> sha = new HashMap<>();
      Map<Integer, Long> records = new HashMap<>();
      for (Row r : rows) {
        int file = r.<Integer>getAs("file");
        if (r.<Integer>getAs("kind") == FILE) {
          // A file read in splits has a file row per split: the same digest, its own count.
          sha.put(file, r.getAs("sha256"));
          records.merge(file, r.<Long>getAs("n"), Long::sum);
        } else {
          tallies.computeIfAbsent(file, f -> new ArrayList<>()).add(Tally.of(r));
        }
      }
      return new Files(tallies, sha, records);
    }

    public List<Tally> of(int file) {
      return Objects.requireNonNullElse(tallies.get(file), List.of());
    }
  }
}

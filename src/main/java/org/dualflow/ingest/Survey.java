package org.dualflow.ingest;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

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
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.AccumulatorV2;

/**
 * What a run learns from its one full read of the input, besides the accepted rows it writes
 * straight to {@code trade_records}: each reading task tallies its records itself (by status,
 * reason, month and countability, with their value), notes the lines it rejected, and hands
 * these to the driver through a {@link Collector} when its file or split ends. The duplicate
 * check then runs over the written {@code trade_records} ({@link #duplicates}), reading only
 * the record ids.
 *
 * <p>Row kinds ({@code kind}): {@link #TALLY} per (file, status, reason, month, countable) and
 * one {@link #FILE} per file with its digest and record count; a file read in splits has these
 * per split, added up in {@link Files} (examples: the first line of its kind wins).
 */
public final class Survey {

  public static final int TALLY = 1;
  public static final int FILE = 2;

  public static final StructType SCHEMA = new StructType()
      .add("kind", DataTypes.IntegerType, false)
      .add("file", DataTypes.IntegerType, false)
      .add("period", DataTypes.DateType, true)
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

  /**
   * What a record says (not where it was read), as {@code trade_records} holds it: two
   * records with the same id are a {@code duplicate} when these are all equal (nulls equal),
   * a {@code conflicting_duplicate} otherwise.
   */
  static final List<String> CONTENT = List.of("freq", "flow", "reporter_iso3", "partner_iso3",
      "partner2_iso3", "origin_iso3", "trading_iso3", "hs_code", "hs_edition", "value_usd",
      "value_orig", "currency_orig", "net_kg", "qty", "qty_unit", "customs_code",
      "transport_mode", "supply_mode", "shipper", "consignee", "consignee_id", "manufacturer",
      "description", "document_id", "period");

  private Survey() {
  }

  /** A row of {@link #SCHEMA}, its fields taken by name. */
  static Row row(Object... values) {
    return new org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema(values, SCHEMA);
  }

  /** What one task learnt of a file or of a split of one. */
  public record Part(List<Row> rows, long[] rejectedLines, boolean tooManyLines)
      implements java.io.Serializable {
  }

  /** The tallies of one file (or split) as its records are read. */
  static final class FileTally {
    private final int file;
    private final Map<List<Object>, Object[]> buckets = new LinkedHashMap<>();
    private long[] rejectedLines = new long[16];
    private int rejected;
    private boolean tooManyLines;

    FileTally(int file) {
      this.file = file;
    }

    /** Counts a parsed record. */
    void add(Object[] row, long line) {
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
      if (Ingested.ACCEPTED.equals(status)) {
        return;
      }
      if (tally[2] == null) {            // the first line of its kind: the example
        String text = (String) row[Ingested.RAW_LINE];
        tally[2] = line;
        tally[3] = row[Ingested.REASON];
        tally[4] = text == null || text.length() <= EXAMPLE_CHARS ? text
            : text.substring(0, EXAMPLE_CHARS) + "...";
      }
      if (rejected >= MAX_LISTED_LINES) {
        tooManyLines = true;             // the file will be read whole: no need to list more
        return;
      }
      if (rejected == rejectedLines.length) {
        rejectedLines = java.util.Arrays.copyOf(rejectedLines, 2 * rejected);
      }
      rejectedLines[rejected++] = line;
    }

    /** The tally rows and the file row, at the end of the file. */
    Part finish(String sha256, long records) {
      List<Row> out = new ArrayList<>();
      buckets.forEach((b, t) -> out.add(row(TALLY, file, b.get(2), b.get(4), b.get(0),
          b.get(1), b.get(3), t[0], t[1], null, t[2], t[3], t[4])));
      out.add(row(FILE, file, null, null, null, null, null, records, null, sha256, null, null,
          null));
      return new Part(out, java.util.Arrays.copyOf(rejectedLines, rejected), tooManyLines);
    }
  }

  /**
   * Gathers the {@link Part}s of a read on the driver, by file and split. A part read again (a
   * retried task, a stage run again) replaces its earlier copy instead of adding to it: the
   * same bytes give the same part.
   */
  public static final class Collector extends AccumulatorV2<Map.Entry<String, Part>,
      Map<String, Part>> {
    private final Map<String, Part> parts = new HashMap<>();

    /**
     * A collector registered with the session's Spark context, ready for a read. Without a
     * name: Spark shows a named accumulator's value in its UI and event log, rendering it as
     * text on the listener's thread while tasks still merge into it.
     */
    public static Collector register(SparkSession spark) {
      Collector c = new Collector();
      spark.sparkContext().register(c);
      return c;
    }

    @Override
    public boolean isZero() {
      return parts.isEmpty();
    }

    @Override
    public Collector copy() {
      Collector c = new Collector();
      c.parts.putAll(parts);
      return c;
    }

    @Override
    public void reset() {
      parts.clear();
    }

    @Override
    public void add(Map.Entry<String, Part> part) {
      parts.put(part.getKey(), part.getValue());
    }

    @Override
    public void merge(AccumulatorV2<Map.Entry<String, Part>, Map<String, Part>> other) {
      parts.putAll(other.value());
    }

    @Override
    public Map<String, Part> value() {
      return parts;
    }

    /** The tally and file rows of every part read. */
    public List<Row> tallies() {
      return parts.values().stream().flatMap(p -> p.rows().stream()).toList();
    }
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

  /** Accepted records of the tallies inside {@code months} (null: every month). */
  public static long acceptedIn(List<Row> tallies, List<YearMonth> months) {
    long n = 0;
    for (Row r : tallies) {
      if (r.<Integer>getAs("kind") == TALLY) {
        Tally t = Tally.of(r);
        if (Ingested.ACCEPTED.equals(t.status()) && !isOutside(t.period(), months)) {
          n += t.n();
        }
      }
    }
    return n;
  }

  /** True when a record of this month is outside the run's months (null: every month). */
  public static boolean isOutside(Date period, List<YearMonth> months) {
    return months != null && period != null
        && !months.contains(YearMonth.from(period.toLocalDate()));
  }

  /**
   * The occurrences of records seen more than once in {@code tradeRecords}, each but the one
   * to keep (the smallest file in path order, then line): {@code dup_file, dup_line, file}
   * (its index in path order), {@code is_countable, value_usd, period, kept_file, kept_line}
   * and {@code same_content}. Cached.
   *
   * <p>Ids are first compared by a 64-bit hash, with nothing else kept: the hashes are
   * partitioned, sorted and scanned for neighbours that repeat. At 10M records this costs half
   * of a hash aggregation, whose map would hold every id, as nearly all are distinct. Only the
   * records whose hash repeats, rare, are then compared by id and content.
   *
   * @param tradeRecords the accepted records of the run's months, as written
   * @param files the input URIs in path order
   */
  public static Dataset<Row> duplicates(Dataset<Row> tradeRecords, List<String> files) {
    SparkSession spark = tradeRecords.sparkSession();
    Column hash = xxhash64(col("record_id"));
    Dataset<Row> repeated = tradeRecords.select(hash.as("h"))
        .repartition(col("h")).sortWithinPartitions("h")
        .as(Encoders.LONG()).mapPartitions(Survey::repeats, Encoders.LONG())
        .toDF("repeated").persist();
    // Usually none: then the records are not read again.
    Dataset<Row> rows = repeated.isEmpty() ? tradeRecords.limit(0) : tradeRecords;
    List<Row> order = new ArrayList<>();
    for (int i = 0; i < files.size(); i++) {
      order.add(RowFactory.create(files.get(i), i));
    }
    Dataset<Row> fileIndex = spark.createDataFrame(order, new StructType()
        .add("f_uri", DataTypes.StringType).add("file", DataTypes.IntegerType));
    Column content = struct(CONTENT.stream().map(c -> col(c)).toArray(Column[]::new));
    Dataset<Row> candidates = rows
        .join(repeated, hash.equalTo(col("repeated")), "left_semi")
        .join(broadcast(fileIndex), col("source_file").equalTo(col("f_uri")))
        .select(col("record_id"), col("source_file"), col("source_line"), col("file"),
            col("is_countable"), col("value_usd"), col("period"), content.as("content"));
    org.apache.spark.sql.expressions.WindowSpec byRecord = Window.partitionBy("record_id")
        .orderBy("file", "source_line");
    Dataset<Row> duplicates = candidates
        .withColumn("kept_file", first("source_file").over(byRecord))
        .withColumn("kept_line", first("source_line").over(byRecord))
        .withColumn("kept_content", first("content").over(byRecord))
        .filter(col("source_file").notEqual(col("kept_file"))
            .or(col("source_line").notEqual(col("kept_line"))))
        .select(col("source_file").as("dup_file"), col("source_line").as("dup_line"),
            col("file"), col("is_countable"), col("value_usd"), col("period"), col("kept_file"),
            col("kept_line"), col("content").eqNullSafe(col("kept_content"))
                .as("same_content"))
        .cache();
    duplicates.count();
    repeated.unpersist();
    return duplicates;
  }

  /** The values that repeat in a sorted sequence, once per repetition. */
  private static java.util.Iterator<Long> repeats(java.util.Iterator<Long> sorted) {
    List<Long> out = new ArrayList<>();
    Long previous = null;
    while (sorted.hasNext()) {
      Long h = sorted.next();
      if (h.equals(previous)) {
        out.add(h);
      }
      previous = h;
    }
    return out.iterator();
  }

  /** The duplicates of one file with one reason and countability, and their value. */
  public record DuplicateTally(int file, String reasonCode, Boolean countable, long n,
      BigDecimal usd) {
  }

  /** The reason a duplicate occurrence is rejected with. */
  static Column reasonCode() {
    return when(col("same_content"), lit(Rejection.DUPLICATE))
        .otherwise(lit(Rejection.CONFLICTING_DUPLICATE));
  }

  /**
   * The duplicates by file, reason and countability, with their value: what turns the tallies
   * (made before duplicates were known) into the run's counts.
   */
  public static List<DuplicateTally> duplicateTallies(Dataset<Row> duplicates) {
    return duplicates
        .groupBy(col("file"), reasonCode().as("reason_code"), col("is_countable"))
        .agg(count(lit(1)).as("n"), sum("value_usd").as("usd"))
        .collectAsList().stream()
        .map(r -> new DuplicateTally(r.<Integer>getAs("file"), r.getAs("reason_code"),
            r.getAs("is_countable"), r.<Long>getAs("n"),
            r.isNullAt(r.fieldIndex("usd")) ? BigDecimal.ZERO : r.getAs("usd")))
        .toList();
  }

  /** The months holding duplicates, as {@code trade_records} partition values. */
  public static List<String> monthsWithDuplicates(Dataset<Row> duplicates) {
    return duplicates.select(col("period").cast("string")).distinct().collectAsList().stream()
        .map(r -> r.getString(0)).sorted().toList();
  }

  /** Above this many rejected records a run reads the files with rejects whole again. */
  static final long MAX_LISTED_LINES = 1_000_000;

  /**
   * The lines of the records the run rejects (by the reader, or as duplicates), by file URI:
   * what a {@link ReadPass#rejected} read parses. Lines of rejects outside the run's months may
   * be among them (the pass leaves them out like any read).
   *
   * @param parts what the read learnt, by file and split
   * @param rejected rejected records by file URI, as counted
   */
  public static ReadPass.Lines rejectedLines(Map<String, Part> parts, Dataset<Row> duplicates,
      Map<String, Long> rejected) {
    TreeSet<String> withRejects = new TreeSet<>();
    rejected.forEach((file, n) -> {
      if (n > 0) {
        withRejects.add(file);
      }
    });
    long total = rejected.values().stream().mapToLong(Long::longValue).sum();
    if (total > MAX_LISTED_LINES || parts.values().stream().anyMatch(Part::tooManyLines)) {
      return new ReadPass.Lines(Map.of(), withRejects);
    }
    Map<String, List<Long>> byFile = new HashMap<>();
    parts.forEach((key, part) -> {
      List<Long> lines = byFile.computeIfAbsent(partFile(key), f -> new ArrayList<>());
      for (long line : part.rejectedLines()) {
        lines.add(line);
      }
    });
    for (Row r : duplicates.select("dup_file", "dup_line").collectAsList()) {
      byFile.computeIfAbsent(r.getString(0), f -> new ArrayList<>()).add(r.getLong(1));
    }
    Map<String, long[]> out = new HashMap<>();
    byFile.forEach((file, lines) -> {
      if (!lines.isEmpty()) {
        out.put(file, lines.stream().mapToLong(Long::longValue).sorted().toArray());
      }
    });
    return new ReadPass.Lines(out, java.util.Set.of());
  }

  /** A part's key in the {@link Collector}: the file's URI, and the split's index. */
  static String partKey(String uri, FileSplits.Split split) {
    return (split == null ? 0 : split.index()) + " " + uri;
  }

  private static String partFile(String key) {
    return key.substring(key.indexOf(' ') + 1);
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

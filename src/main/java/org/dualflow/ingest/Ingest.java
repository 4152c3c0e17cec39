package org.dualflow.ingest;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.hex;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lpad;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.translate;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import java.io.IOException;
import java.io.Serializable;
import java.sql.Date;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/**
 * Ingest: input files to {@link Ingested} rows, then record ids, the run's period scope and
 * duplicate detection. Nothing here knows about code lists.
 *
 * <p>Each file is read whole by one task (records may span lines, and line numbers must be
 * exact), so parallelism comes from the number of files; bulk customs downloads come as one file
 * per reporter and period, which suits this.
 */
public final class Ingest {

  /** Row status of a row whose month lies outside the run's periods: counted, not written. */
  public static final String OUTSIDE_PERIODS = "outside_periods";

  /** An input file as listed on the driver. */
  public record InputRef(String source, String uri, long sizeBytes) implements Serializable {
  }

  private Ingest() {
  }

  /**
   * Reads every file with the format of its source, one Spark task per file, largest first.
   *
   * @param hadoopConf the driver's Hadoop settings, so executors reach the same file systems
   */
  public static Dataset<Row> read(SparkSession spark, List<InputRef> files,
      Map<String, SourceFormat> formats, Map<String, String> hadoopConf) {
    return read(spark, files, formats, hadoopConf, ReadPass.all());
  }

  /** As {@link #read(SparkSession, List, Map, Map)}, emitting only the rows of {@code pass}. */
  public static Dataset<Row> read(SparkSession spark, List<InputRef> files,
      Map<String, SourceFormat> formats, Map<String, String> hadoopConf, ReadPass pass) {
    List<InputRef> ordered = new ArrayList<>(files);
    ordered.sort(Comparator.comparingLong(InputRef::sizeBytes).reversed()
        .thenComparing(InputRef::uri));
    JavaRDD<Row> rows = JavaSparkContext.fromSparkContext(spark.sparkContext())
        .parallelize(ordered, Math.max(1, ordered.size()))
        .flatMap(new ReadFile(formats, hadoopConf, pass));
    return spark.createDataFrame(rows, Ingested.SCHEMA);
  }

  /**
   * Adds {@code record_id} (a 128-bit hash of the source and the record's natural key, as 32 hex
   * characters) to accepted rows. (Their {@code content_hash} comes from the reader.)
   */
  public static Dataset<Row> withRecordIds(Dataset<Row> ingested) {
    Column[] key = {col("source"), col("source_key")};
    Column[] salted = {lit("dualflow:record"), col("source"), col("source_key")};
    Column id = concat(hex64(xxhash64(key)), hex64(xxhash64(salted)));
    Column accepted = col("row_status").equalTo(Ingested.ACCEPTED);
    return ingested.withColumn("record_id", when(accepted, id));
  }

  /** 16 lower-case hex digits (translate, not lower(): Spark 4's lower() loads ICU). */
  private static Column hex64(Column hash) {
    return translate(lpad(hex(hash), 16, "0"), "ABCDEF", "abcdef");
  }

  /**
   * Marks rows whose month is not one of {@code months} (null: every month) as
   * {@link #OUTSIDE_PERIODS}, accepted and rejected alike (a run only answers for its own
   * months). Rows of unknown month stay.
   */
  public static Dataset<Row> withPeriodScope(Dataset<Row> ingested, List<YearMonth> months) {
    if (months == null) {
      return ingested;
    }
    Object[] dates = months.stream().map(m -> Date.valueOf(m.atDay(1))).toArray();
    Column outside = col("period").isNotNull().and(not(col("period").isin(dates)))
        .and(col("row_status").isin(Ingested.ACCEPTED, Ingested.REJECTED));
    return ingested.withColumn("row_status",
        when(outside, lit(OUTSIDE_PERIODS)).otherwise(col("row_status")));
  }

  /** The distinct months of the records read (accepted or rejected with a readable month). */
  public static List<YearMonth> presentMonths(Dataset<Row> ingested) {
    List<YearMonth> out = new ArrayList<>();
    for (Row r : ingested.filter(col("period").isNotNull()
        .and(col("row_status").isin(Ingested.ACCEPTED, Ingested.REJECTED)))
        .select("period").distinct().collectAsList()) {
      out.add(YearMonth.from(r.getDate(0).toLocalDate()));
    }
    return out;
  }

  /**
   * The same record twice (a file downloaded twice, an overlapping extract) is kept once: the
   * occurrence with the smallest (file, line) stays, every other is rejected as
   * {@code duplicate}, or as {@code conflicting_duplicate} when its values differ.
   */
  public static Dataset<Row> markDuplicates(Dataset<Row> withIds) {
    return markDuplicates(withIds, duplicates(withIds));
  }

  /**
   * The record ids seen more than once among accepted rows, each with the occurrence to keep
   * ({@code dup_id, kept_file, kept_line, kept_hash}); cached, since a run joins it to more
   * than one read of the input.
   *
   * <p>Cheap keys first: the rows are counted by a 64-bit hash of their natural key (a hash
   * aggregation of longs; a string key or a {@code min} over a struct would make Spark sort every
   * row), and only rows whose hash was seen twice are grouped by the exact {@code record_id}
   * (a hash collision lands there and is told apart). {@code withIds} is read twice.
   */
  public static Dataset<Row> duplicates(Dataset<Row> withIds) {
    Dataset<Row> accepted = withIds.filter(col("row_status").equalTo(Ingested.ACCEPTED));
    Column keyHash = xxhash64(col("source"), col("source_key"));
    Dataset<Row> repeatedHashes = accepted.groupBy(keyHash.as("key_hash"))
        .agg(count(lit(1)).as("n"))
        .filter(col("n").gt(1))
        .select("key_hash");
    return accepted
        .join(broadcast(repeatedHashes), keyHash.equalTo(col("key_hash")), "left_semi")
        .groupBy(col("record_id").as("dup_id"))
        .agg(count(lit(1)).as("n"),
            min(struct(col("source_file"), col("source_line"), col("content_hash")))
                .as("kept"))
        .filter(col("n").gt(1))
        .select(col("dup_id"), col("kept.source_file").as("kept_file"),
            col("kept.source_line").as("kept_line"), col("kept.content_hash").as("kept_hash"))
        .cache();
  }

  /** Rejects every occurrence of a record in {@code duplicates} but the one it keeps. */
  public static Dataset<Row> markDuplicates(Dataset<Row> withIds, Dataset<Row> duplicates) {
    Column isDuplicate = col("kept_file").isNotNull()
        .and(not(col("source_file").equalTo(col("kept_file"))
            .and(col("source_line").equalTo(col("kept_line")))));
    Column sameContent = col("content_hash").equalTo(col("kept_hash"));
    Column at = concat(col("kept_file"), lit(":"), col("kept_line").cast("string"));
    return withIds
        .join(broadcast(duplicates), col("record_id").equalTo(col("dup_id")), "left")
        .withColumn("reason_code", when(isDuplicate, when(sameContent, lit(Rejection.DUPLICATE))
            .otherwise(lit(Rejection.CONFLICTING_DUPLICATE))).otherwise(col("reason_code")))
        .withColumn("reason", when(isDuplicate, when(sameContent,
                concat(lit("same record as "), at)).otherwise(
                concat(lit("same key as "), at,
                    lit(" but different values; the first was kept"))))
            .otherwise(col("reason")))
        .withColumn("row_status", when(isDuplicate, lit(Ingested.REJECTED))
            .otherwise(col("row_status")))
        .drop("dup_id", "kept_file", "kept_line", "kept_hash");
  }

  /** Above this many rejected records a run reads the files with rejects whole again. */
  static final long MAX_LISTED_LINES = 1_000_000;

  /**
   * The lines of the records {@code marked} rejects (by the reader or as duplicates), by file:
   * what a {@link ReadPass#rejected} read parses.
   *
   * @param rejected rejected records by file URI, as counted from {@code marked}
   */
  public static ReadPass.Lines rejectedLines(Dataset<Row> marked, Map<String, Long> rejected) {
    java.util.Set<String> files = new java.util.TreeSet<>();
    rejected.forEach((file, n) -> {
      if (n > 0) {
        files.add(file);
      }
    });
    long total = rejected.values().stream().mapToLong(Long::longValue).sum();
    if (total > MAX_LISTED_LINES) {
      return new ReadPass.Lines(Map.of(), files);
    }
    Map<String, List<Long>> byFile = new java.util.TreeMap<>();
    for (Row r : marked.filter(col("row_status").equalTo(Ingested.REJECTED))
        .select("source_file", "source_line").collectAsList()) {
      byFile.computeIfAbsent(r.getString(0), f -> new ArrayList<>()).add(r.getLong(1));
    }
    Map<String, long[]> out = new java.util.HashMap<>();
    byFile.forEach((file, lines) -> out.put(file,
        lines.stream().mapToLong(Long::longValue).sorted().toArray()));
    return new ReadPass.Lines(out, java.util.Set.of());
  }

  /**
   * Opens a file on the driver and checks its first line against its format, so that a file
   * that is empty, not really gzip, wrongly encoded or of another format stops the run before
   * Spark starts.
   *
   * @throws InputFileException naming the file and the problem
   */
  public static void checkHeader(InputRef file, SourceFormat format,
      Map<String, String> hadoopConf) {
    try (InputFile input = InputFile.open(file.uri(), format.encoding(), format.delimiter(),
        hadoopConf)) {
      format.parserFor(header(input.records(), file.uri()), file.uri());
    } catch (IOException e) {
      throw new InputFileException(InputFile.describe(file.uri(), e), e);
    }
  }

  /** The first record as column names. */
  static List<String> header(CsvRecordReader reader, String uri) throws IOException {
    if (!reader.next()) {
      throw new InputFileException("Cannot read " + uri + ": the file is empty "
          + "(no header line); remove it from the input or download it again");
    }
    if (reader.problem() != null) {
      throw new InputFileException("Cannot read " + uri + ": its header line is "
          + "malformed (" + reader.problem() + ")");
    }
    List<String> header = new ArrayList<>(reader.fieldCount());
    for (int i = 0; i < reader.fieldCount(); i++) {
      header.add(reader.field(i));
    }
    return header;
  }

  /** Reads one file into rows: one per record, then one {@link Ingested#FILE} row. */
  static final class ReadFile implements FlatMapFunction<InputRef, Row> {
    private final Map<String, SourceFormat> formats;
    private final Map<String, String> hadoopConf;
    private final ReadPass pass;

    ReadFile(Map<String, SourceFormat> formats, Map<String, String> hadoopConf, ReadPass pass) {
      this.formats = formats;
      this.hadoopConf = hadoopConf;
      this.pass = pass;
    }

    @Override
    public Iterator<Row> call(InputRef file) {
      SourceFormat format = formats.get(file.source());
      if (!pass.reads(file.uri())) {
        return java.util.Collections.emptyIterator();
      }
      return new FileRows(file, format, InputFile.open(file.uri(), format.encoding(),
          format.delimiter(), hadoopConf), pass);
    }
  }

  /** Streams a file's rows, so that memory does not grow with the file. */
  static final class FileRows implements Iterator<Row> {
    private final InputRef file;
    private final SourceFormat format;
    private final InputFile input;
    private final ReadPass pass;
    private SourceFormat.RecordParser parser;
    private long records;
    private Row pending;
    private boolean done;

    FileRows(InputRef file, SourceFormat format, InputFile input) {
      this(file, format, input, ReadPass.all());
    }

    FileRows(InputRef file, SourceFormat format, InputFile input, ReadPass pass) {
      this.file = file;
      this.format = format;
      this.input = input;
      this.pass = pass;
    }

    @Override
    public boolean hasNext() {
      if (pending == null && !done) {
        pending = advance();
      }
      return pending != null;
    }

    @Override
    public Row next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      Row r = pending;
      pending = null;
      return r;
    }

    private Row advance() {
      CsvRecordReader reader = input.records();
      try {
        if (parser == null) {
          parser = format.parserFor(header(reader, file.uri()), file.uri());
        }
        while (reader.next()) {
          records++;
          if (!pass.parses(file.uri(), reader.lineNumber())) {
            continue;
          }
          Object[] row = Ingested.newRow();
          row[Ingested.SOURCE] = format.name();
          row[Ingested.SOURCE_FILE] = file.uri();
          row[Ingested.SOURCE_LINE] = reader.lineNumber();
          parser.parse(reader, row);
          if (Ingested.ACCEPTED.equals(row[Ingested.ROW_STATUS])) {
            row[Ingested.CONTENT_HASH] = Ingested.contentHash(row);
          }
          Object[] emitted = pass.select(row, file.uri(), reader.lineNumber());
          if (emitted != null) {
            return RowFactory.create(emitted);
          }
        }
        String sha256 = input.finishDigest();
        done = true;
        input.close();
        pass.checkDigest(file.uri(), sha256);
        if (!pass.emitsFileRows()) {
          return null;
        }
        Object[] summary = Ingested.newRow();
        summary[Ingested.SOURCE] = format.name();
        summary[Ingested.SOURCE_FILE] = file.uri();
        summary[Ingested.SOURCE_LINE] = 0L;
        summary[Ingested.ROW_STATUS] = Ingested.FILE;
        summary[Ingested.FILE_SHA256] = sha256;
        summary[Ingested.FILE_RECORDS] = records;
        return RowFactory.create(summary);
      } catch (IOException e) {
        closeQuietly();
        throw new InputFileException(InputFile.describe(file.uri(), e), e);
      } catch (RuntimeException e) {
        closeQuietly();
        throw e;
      }
    }

    private void closeQuietly() {
      done = true;
      try {
        input.close();
      } catch (IOException ignored) {
        // the original failure is what matters
      }
    }
  }
}

package org.dualflow.ingest;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.when;

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
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.TaskCompletionListener;

/**
 * Ingest: input files to {@link Ingested} rows (see {@link ReadPass} for which),
 * then the run's period scope and the marking of duplicates. Nothing here knows about code
 * lists.
 *
 * <p>A file is read by one task, or, when it is an uncompressed text file larger than the split
 * size, by several, each a {@link FileSplits.Split} of it found by a pre-scan ({@link #plan}):
 * records may span lines and line numbers must be exact, so splits start where records start,
 * never at a guessed place. Small files share a task.
 */
public final class Ingest {

  /** Row status of a row whose month lies outside the run's periods: counted, not written. */
  public static final String OUTSIDE_PERIODS = "outside_periods";

  /** An input file as listed on the driver. */
  public record InputRef(String source, String uri, long sizeBytes) implements Serializable {
  }

  /** What a task reads of a file: all of it ({@code split} null), or a split. */
  public record Part(InputRef file, FileSplits.Split split) implements Serializable {

    static Part whole(InputRef file) {
      return new Part(file, null);
    }

    long bytes() {
      return split == null ? file.sizeBytes() : split.bytes();
    }
  }

  /** Every file read whole, as a run's passes read files without splits. */
  public static List<Part> whole(List<InputRef> files) {
    return files.stream().map(Part::whole).toList();
  }

  private Ingest() {
  }

  /**
   * Reads every file with the format of its source, largest first: a file per Spark task, or
   * several small files per task (see {@link #tasks}).
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
    return readParts(spark, whole(files), formats, hadoopConf, pass);
  }

  /**
   * Reads the parts of a {@link #plan}: every pass of a run must read the same plan, so that
   * each split is checked against the same pre-scan.
   */
  public static Dataset<Row> readParts(SparkSession spark, List<Part> parts,
      Map<String, SourceFormat> formats, Map<String, String> hadoopConf, ReadPass pass) {
    List<List<Part>> tasks = taskGroups(parts, spark.sparkContext().defaultParallelism());
    ReadFile readFile = new ReadFile(formats, hadoopConf, pass);
    JavaRDD<Row> rows = JavaSparkContext.fromSparkContext(spark.sparkContext())
        .parallelize(tasks, Math.max(1, tasks.size()))
        .flatMap(group -> new Chained(group.iterator(), readFile));
    return spark.createDataFrame(rows, Ingested.SCHEMA);
  }

  /**
   * The split size when none is set: each task's share of the input as {@link #tasks} makes
   * it (about a third of a core's share, between 8 and 128 MB), so that a single large file
   * keeps every core busy.
   */
  public static long autoSplitBytes(List<InputRef> files, int cores) {
    return targetBytes(whole(files), cores);
  }

  /**
   * How each file is to be read: whole, or in splits when it is larger than {@code splitBytes}
   * and may be split (a text file, not gzip, not an archive's member or a workbook's sheet, in
   * an encoding whose quotes and line ends are single bytes, of a format without file-wide
   * checks). The splits come from a pre-scan of each such file ({@link FileSplits#scan}), one
   * Spark task per file: a sequential read at disk speed, hashing, with no parsing of fields.
   *
   * @return the parts in the order of {@code files}, a file's splits in file order
   */
  public static List<Part> plan(SparkSession spark, List<InputRef> files,
      Map<String, SourceFormat> formats, Map<String, String> hadoopConf, long splitBytes) {
    List<InputRef> large = files.stream().filter(f -> f.sizeBytes() > splitBytes
        && !f.uri().contains(InputDiscovery.IN_ARCHIVE)
        && !InputDiscovery.isWorkbook(f.uri()) && formats.get(f.source()).splittable())
        .toList();
    if (large.isEmpty()) {
      return whole(files);
    }
    List<List<FileSplits.Split>> scanned = JavaSparkContext.fromSparkContext(spark.sparkContext())
        .parallelize(large, large.size())
        .map(new PreScan(formats, hadoopConf, splitBytes))
        .collect();
    Map<String, List<FileSplits.Split>> splits = new java.util.HashMap<>();
    for (int i = 0; i < large.size(); i++) {
      splits.put(large.get(i).uri(), scanned.get(i));
    }
    List<Part> parts = new ArrayList<>();
    for (InputRef f : files) {
      List<FileSplits.Split> of = splits.getOrDefault(f.uri(), List.of());
      if (of.isEmpty()) {
        parts.add(Part.whole(f));
      } else {
        of.forEach(split -> parts.add(new Part(f, split)));
      }
    }
    return parts;
  }

  /** The pre-scan of one file, in a task. */
  static final class PreScan
      implements org.apache.spark.api.java.function.Function<InputRef, List<FileSplits.Split>> {
    private final Map<String, SourceFormat> formats;
    private final Map<String, String> hadoopConf;
    private final long splitBytes;

    PreScan(Map<String, SourceFormat> formats, Map<String, String> hadoopConf,
        long splitBytes) {
      this.formats = formats;
      this.hadoopConf = hadoopConf;
      this.splitBytes = splitBytes;
    }

    @Override
    public List<FileSplits.Split> call(InputRef file) {
      SourceFormat format = formats.get(file.source());
      try (java.io.InputStream raw = InputFile.openRaw(file.uri(), hadoopConf)) {
        return new ArrayList<>(FileSplits.scan(raw, file.sizeBytes(), file.uri(),
            format.encoding(), format.delimiter(), splitBytes));
      } catch (IOException e) {
        throw new InputFileException(InputFile.describe(file.uri(), e), e);
      }
    }
  }

  /** What opening a file costs, counted as bytes to read (as Spark's openCostInBytes). */
  static final long OPEN_COST_BYTES = 256 * 1024;
  /** The most a task gathers from small files, and the least worth a task of its own. */
  static final long MAX_TASK_BYTES = 128L << 20;
  static final long MIN_TASK_BYTES = 8L << 20;

  /**
   * The files grouped into tasks, largest first (splits of large files are made before, by
   * {@link #plan}, and are tasks of their own). Small files share a task, up to about a third
   * of each core's share of the input (so that the cores finish together), at least 8 MB and
   * at most 128 MB: a folder of a thousand small files (the
   * sheets of a workbook, a bulk download by reporter and month) becomes a few tasks, each
   * writing one file per month, not a thousand tasks each writing its own small files.
   */
  static List<List<InputRef>> tasks(List<InputRef> files, int cores) {
    return taskGroups(whole(files), cores).stream()
        .map(group -> group.stream().map(Part::file).toList()).toList();
  }

  /** Bytes a task should read: see {@link #tasks}. */
  private static long targetBytes(List<Part> parts, int cores) {
    long total = 0;
    for (Part p : parts) {
      total += p.bytes() + OPEN_COST_BYTES;
    }
    return Math.min(MAX_TASK_BYTES,
        Math.max(MIN_TASK_BYTES, total / (3L * Math.max(1, cores))));
  }

  /** As {@link #tasks}, for files and splits of files; a split is a task of its own. */
  static List<List<Part>> taskGroups(List<Part> parts, int cores) {
    List<Part> ordered = new ArrayList<>(parts);
    ordered.sort(Comparator.comparingLong(Part::bytes).reversed()
        .thenComparing(p -> p.file().uri())
        .thenComparingInt(p -> p.split() == null ? 0 : p.split().index()));
    long target = targetBytes(parts, cores);
    List<List<Part>> tasks = new ArrayList<>();
    List<Part> current = new ArrayList<>();
    long bytes = 0;
    for (Part f : ordered) {
      if (f.split() != null) {
        // A file is split because it is larger than a task's share: each split is a task.
        tasks.add(List.of(f));
        continue;
      }
      long cost = f.bytes() + OPEN_COST_BYTES;
      if (!current.isEmpty() && bytes + cost > target) {
        tasks.add(current);
        current = new ArrayList<>();
        bytes = 0;
      }
      current.add(f);
      bytes += cost;
    }
    if (!current.isEmpty()) {
      tasks.add(current);
    }
    return tasks;
  }

  /** The rows of a task's files, one file after another, each opened when reached. */
  static final class Chained implements Iterator<Row> {
    private final Iterator<Part> files;
    private final ReadFile readFile;
    private Iterator<Row> current = java.util.Collections.emptyIterator();

    Chained(Iterator<Part> files, ReadFile readFile) {
      this.files = files;
      this.readFile = readFile;
    }

    @Override
    public boolean hasNext() {
      while (!current.hasNext()) {
        if (!files.hasNext()) {
          return false;
        }
        current = readFile.call(files.next());
      }
      return true;
    }

    @Override
    public Row next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      return current.next();
    }
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

  /**
   * The same record twice (a file downloaded twice, an overlapping extract) is kept once: the
   * occurrence with the smallest (file, line) stays, every other is rejected as
   * {@code duplicate}, or as {@code conflicting_duplicate} when its values differ.
   *
   * @param duplicates from {@link Survey#duplicates}
   */
  public static Dataset<Row> markDuplicates(Dataset<Row> rows, Dataset<Row> duplicates) {
    // Accepted rows only: a copy outside the run's months is outside, as the survey counted it.
    Column isDuplicate = col("kept_file").isNotNull()
        .and(col("row_status").equalTo(Ingested.ACCEPTED));
    Column at = concat(col("kept_file"), lit(":"), col("kept_line").cast("string"));
    Dataset<Row> occurrences = duplicates.select("dup_file", "dup_line", "kept_file",
        "kept_line", "same_content");
    return rows
        .join(broadcast(occurrences), col("source_file").equalTo(col("dup_file"))
            .and(col("source_line").equalTo(col("dup_line"))), "left")
        .withColumn("reason_code", when(isDuplicate, Survey.reasonCode())
            .otherwise(col("reason_code")))
        .withColumn("reason", when(isDuplicate, when(col("same_content"),
                concat(lit("same record as "), at)).otherwise(
                concat(lit("same key as "), at,
                    lit(" but different values; the first was kept"))))
            .otherwise(col("reason")))
        .withColumn("row_status", when(isDuplicate, lit(Ingested.REJECTED))
            .otherwise(col("row_status")))
        .drop("dup_file", "dup_line", "kept_file", "kept_line", "same_content");
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
  public static List<String> header(RecordReader reader, String uri) throws IOException {
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

  /**
   * Reads one file, or a split of one, into rows: one per record, then one
   * {@link Ingested#FILE} row.
   */
  static final class ReadFile implements FlatMapFunction<Part, Row> {
    private final Map<String, SourceFormat> formats;
    private final Map<String, String> hadoopConf;
    private final ReadPass pass;

    ReadFile(Map<String, SourceFormat> formats, Map<String, String> hadoopConf, ReadPass pass) {
      this.formats = formats;
      this.hadoopConf = hadoopConf;
      this.pass = pass;
    }

    @Override
    public Iterator<Row> call(Part part) {
      InputRef file = part.file();
      SourceFormat format = formats.get(file.source());
      if (!pass.reads(file.uri(), part.split())) {
        return java.util.Collections.emptyIterator();
      }
      InputFile input = part.split() == null
          ? InputFile.open(file.uri(), format.encoding(), format.delimiter(), hadoopConf)
          : InputFile.openSplit(file.uri(), part.split(),
              format.encoding().toLowerCase(java.util.Locale.ROOT).startsWith("auto"),
              hadoopConf);
      FileRows rows = new FileRows(file, part.split(), format, input, pass);
      // A task may end before the iterator does (a limit, a failure elsewhere, a cancelled
      // job): the file is closed with the task, not left to the garbage collector.
      TaskContext task = TaskContext.get();
      if (task != null) {
        task.addTaskCompletionListener((TaskCompletionListener) t -> rows.closeQuietly());
      }
      return rows;
    }
  }

  /**
   * Streams a file's rows, so that memory does not grow with the file. For a split, the rows
   * of its records, and a file row with the split's record count and the file's digest.
   */
  static final class FileRows implements Iterator<Row> {
    private final InputRef file;
    private final FileSplits.Split split;
    private final SourceFormat format;
    private final InputFile input;
    private final ReadPass pass;
    private final Survey.FileTally tally;
    private SourceFormat.RecordParser parser;
    private long records;
    private Row pending;
    private boolean done;

    FileRows(InputRef file, SourceFormat format, InputFile input) {
      this(file, format, input, ReadPass.all());
    }

    FileRows(InputRef file, SourceFormat format, InputFile input, ReadPass pass) {
      this(file, null, format, input, pass);
    }

    FileRows(InputRef file, FileSplits.Split split, SourceFormat format, InputFile input,
        ReadPass pass) {
      this.file = file;
      this.split = split;
      this.format = format;
      this.input = input;
      this.pass = pass;
      this.tally = pass.mode() == ReadPass.Mode.SURVEY ? pass.tally(file.uri()) : null;
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
      RecordReader reader = input.records();
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
            Ingested.setIds(row);
          }
          if (tally != null) {
            tally.add(row, reader.lineNumber());
          }
          if (pass.emits(row)) {
            return RowFactory.create(row);
          }
        }
        String sha256 = input.finishDigest();
        done = true;
        input.close();
        if (split == null) {
          pass.checkDigest(file.uri(), sha256);
        } else {
          checkSplit(sha256);
          sha256 = split.fileSha256();  // the split's bytes are the pre-scan's: so is the file
        }
        if (tally != null) {
          pass.collect(file.uri(), split, tally.finish(sha256, records));
        }
        if (pass.mode() != ReadPass.Mode.ALL) {
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
        throw new InputFileException(input.describe(e), e);
      } catch (RuntimeException e) {
        closeQuietly();
        throw e;
      }
    }

    /**
     * Every pass checks a split's bytes against the pre-scan's, which found its records.
     *
     * @throws InputFileException when they differ
     */
    private void checkSplit(String sha256) {
      if (!split.sha256().equals(sha256)) {
        throw new InputFileException("Cannot read " + file.uri() + ": it changed while the run "
            + "was reading it (SHA-256 of its " + split + ": " + split.sha256() + " at the first "
            + "read, " + sha256 + " now); run again once the file is complete and no longer "
            + "being written");
      }
    }

    void closeQuietly() {
      done = true;
      try {
        input.close();
      } catch (IOException ignored) {
        // the original failure is what matters
      }
    }
  }
}

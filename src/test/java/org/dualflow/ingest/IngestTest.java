package org.dualflow.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.dualflow.Periods;
import org.dualflow.SparkTestSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IngestTest {

  private static Row accepted(String file, long line, String month, String code, String value) {
    Object[] r = Ingested.newRow();
    r[Ingested.SOURCE] = "comtrade";
    r[Ingested.SOURCE_FILE] = file;
    r[Ingested.SOURCE_LINE] = line;
    r[Ingested.FREQ] = "M";
    r[Ingested.FLOW] = "export";
    r[Ingested.REPORTER] = "CHN";
    r[Ingested.PARTNER] = "RUS";
    r[Ingested.HS_CODE] = code;
    r[Ingested.VALUE_USD] = new BigDecimal(value);
    r[Ingested.PERIOD] = Date.valueOf(month + "-01");
    r[Ingested.PERIOD_KEY] = month;
    r[Ingested.ROW_STATUS] = Ingested.ACCEPTED;
    r[Ingested.SOURCE_KEY] = month + "|" + code;      // the natural key: month and commodity
    Ingested.setIds(r);                                // record_id: as the reader
    return new org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema(r,
        Ingested.SCHEMA);
  }

  private static Dataset<Row> frame(Row... rows) {
    return SparkTestSession.get().createDataFrame(List.of(rows), Ingested.SCHEMA);
  }

  @Test
  void recordIdsAreSparksXxhash64OfTheKeyAndIgnoreWhereTheRecordWasRead() {
    // The id as earlier versions computed it, with Spark expressions: it must not change.
    Dataset<Row> keys = SparkTestSession.get().createDataFrame(List.of(
            RowFactory.create("comtrade", "M\u0001202301\u0001854231"),
            RowFactory.create("gacc", "2023-01|CHN|RUS|85423100"),
            RowFactory.create("comtrade", "A\u0001\u00012022\u0001\u0001TOTAL")),
        new org.apache.spark.sql.types.StructType()
            .add("source", "string").add("source_key", "string"));
    org.apache.spark.sql.Column hi = org.apache.spark.sql.functions.xxhash64(
        org.apache.spark.sql.functions.col("source"),
        org.apache.spark.sql.functions.col("source_key"));
    org.apache.spark.sql.Column lo = org.apache.spark.sql.functions.xxhash64(
        org.apache.spark.sql.functions.lit("dualflow:record"),
        org.apache.spark.sql.functions.col("source"),
        org.apache.spark.sql.functions.col("source_key"));
    for (Row r : keys.select(org.apache.spark.sql.functions.col("source"),
        org.apache.spark.sql.functions.col("source_key"), hi, lo).collectAsList()) {
      String expected = String.format("%016x%016x", r.getLong(2), r.getLong(3));
      assertThat(Ingested.recordId(Ingested.keyHash(r.getString(0), r.getString(1))))
          .isEqualTo(expected).matches("[0-9a-f]{32}");
    }
    Row a = accepted("a.csv", 2, "2023-01", "854231", "10.00");
    Row b = accepted("b.csv", 9, "2023-01", "854231", "10.00");
    Row c = accepted("a.csv", 3, "2023-01", "854232", "10.00");
    assertThat(a.<String>getAs("record_id")).isEqualTo(b.<String>getAs("record_id"))
        .isNotEqualTo(c.<String>getAs("record_id"));
  }

  /** Three files under the Comtrade header; returns them in path order. */
  private static List<Path> files(Path dir, String... bodies) throws Exception {
    List<Path> out = new ArrayList<>();
    for (int i = 0; i < bodies.length; i++) {
      Path f = dir.resolve((char) ('a' + i) + ".csv");
      Files.writeString(f, ComtradeFormatTest.HEADER + "\n" + bodies[i]);
      out.add(f);
    }
    return out;
  }

  private static final String JAN = "M,2023,1,202301,156,CHN,X,643,RUS,0,H6,854231,6,C00,0,0,kg,"
      + "1,1,";
  private static final String FEB = "M,2023,2,202302,156,CHN,X,643,RUS,0,H6,854231,6,C00,0,0,kg,"
      + "1,1,";

  @Test
  void theFirstOccurrenceIsKeptAndLaterOnesAreRejectedAsDuplicateOrConflicting(
      @TempDir Path dir) throws Exception {
    // a.csv: January 10 (line 2) and February 10 (line 3); b.csv: January 10 again, and a
    // broken line; c.csv: January with another value.
    List<Path> paths = files(dir, JAN + "10\n" + FEB + "10\n",
        "x,y\n" + JAN + "10\n", JAN + "99\n");
    List<Ingest.InputRef> refs = new ArrayList<>();
    for (Path p : paths) {
      refs.add(new Ingest.InputRef("comtrade", p.toUri().toString(), Files.size(p)));
    }
    List<String> uris = refs.stream().map(Ingest.InputRef::uri).toList();
    Map<String, SourceFormat> formats = Map.of("comtrade",
        new ComtradeFormat(ComtradeFormatTest.COUNTRIES));
    // The survey's read: the accepted records, as the run writes them to trade_records.
    Survey.Collector collector = Survey.Collector.register(SparkTestSession.get());
    Dataset<Row> survey = Ingest.read(SparkTestSession.get(), refs, formats, Map.of(),
        ReadPass.survey(uris, collector)).cache();
    assertThat(survey.count()).isEqualTo(4);
    Dataset<Row> duplicates = Survey.duplicates(survey, uris);

    Dataset<Row> out = Ingest.markDuplicates(Ingest.read(SparkTestSession.get(), refs, formats,
        Map.of()).filter("row_status != 'file'"), duplicates);
    List<String> rows = new ArrayList<>();
    for (Row r : out.orderBy("source_file", "source_line").collectAsList()) {
      String file = r.<String>getAs("source_file");
      rows.add(file.substring(file.lastIndexOf('/') + 1) + ":" + r.getAs("source_line") + " "
          + r.getAs("row_status") + " " + r.getAs("reason_code"));
    }
    assertThat(rows).containsExactly("a.csv:2 accepted null", "a.csv:3 accepted null",
        "b.csv:2 rejected field_count", "b.csv:3 rejected duplicate",
        "c.csv:2 rejected conflicting_duplicate");
    assertThat(out.filter("reason_code = 'duplicate'").first().<String>getAs("reason"))
        .isEqualTo("same record as " + uris.get(0) + ":2");

    // The counts the run makes from the survey: file (by index), reason, countable, n, USD.
    List<String> tallies = Survey.duplicateTallies(duplicates).stream()
        .map(t -> t.file() + " " + t.reasonCode() + " " + t.countable() + " " + t.n() + " "
            + t.usd())
        .sorted().toList();
    assertThat(tallies).containsExactly("1 duplicate true 1 10.00",
        "2 conflicting_duplicate true 1 99.00");
    // Only January's partition of trade_records is written again.
    assertThat(Survey.monthsWithDuplicates(duplicates)).containsExactly("2023-01-01");

    // The rejected pass parses exactly the rejected lines; too many to list: whole files.
    ReadPass.Lines lines = Survey.rejectedLines(collector.value(), duplicates,
        Map.of(uris.get(0), 0L, uris.get(1), 2L, uris.get(2), 1L));
    assertThat(lines.byFile()).containsOnlyKeys(uris.get(1), uris.get(2));
    assertThat(lines.byFile().get(uris.get(1))).containsExactly(2L, 3L);
    assertThat(lines.byFile().get(uris.get(2))).containsExactly(2L);
    ReadPass.Lines many = Survey.rejectedLines(collector.value(), duplicates,
        Map.of(uris.get(0), Survey.MAX_LISTED_LINES, uris.get(1), 2L, uris.get(2), 0L));
    assertThat(many.byFile()).isEmpty();
    assertThat(many.everyLine()).containsExactlyInAnyOrder(uris.get(0), uris.get(1));

    // With only February in the run, January's copies are outside it: no duplicates.
    assertThat(Survey.duplicateTallies(Survey.duplicates(
        survey.filter("period = date'2023-02-01'"), uris))).isEmpty();
    assertThat(Survey.acceptedMonths(collector.tallies())).extracting(Object::toString)
        .containsExactly("2023-01", "2023-02");
    survey.unpersist();
  }

  @Test
  void aCopyOutsideTheRunsMonthsStaysOutsideNotDuplicate() {
    // A source whose key has no month (declarations: the document id): the same document in
    // February (in the run) twice and in January (outside it).
    Row feb1 = withKey(accepted("a.csv", 2, "2023-02", "854231", "1"), "DOC-1");
    Row feb2 = withKey(accepted("b.csv", 2, "2023-02", "854231", "1"), "DOC-1");
    Row jan = withKey(accepted("c.csv", 2, "2023-01", "854231", "1"), "DOC-1");
    Dataset<Row> duplicates = SparkTestSession.get().createDataFrame(List.of(RowFactory.create(
            "b.csv", 2L, "a.csv", 2L, true)),
        new org.apache.spark.sql.types.StructType().add("dup_file", "string")
            .add("dup_line", "long").add("kept_file", "string").add("kept_line", "long")
            .add("same_content", "boolean"));
    Dataset<Row> scoped = Ingest.withPeriodScope(frame(feb1, feb2, jan),
        List.of(java.time.YearMonth.of(2023, 2)));
    assertThat(Ingest.markDuplicates(scoped, duplicates).orderBy("source_file").collectAsList())
        .extracting(r -> r.<String>getAs("row_status") + " " + r.<String>getAs("reason_code"))
        .containsExactly("accepted null", "rejected duplicate", "outside_periods null");
  }

  private static Row withKey(Row row, String key) {
    Object[] r = scala.jdk.javaapi.CollectionConverters.asJava(row.toSeq()).toArray();
    r[Ingested.SOURCE_KEY] = key;
    Ingested.setIds(r);
    return new org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema(r,
        Ingested.SCHEMA);
  }

  @Test
  void rowsOutsideTheRunsMonthsAreMarkedNotDropped() {
    Dataset<Row> scoped = Ingest.withPeriodScope(frame(
        accepted("a.csv", 2, "2022-12", "854231", "1"),
        accepted("a.csv", 3, "2023-01", "854231", "1"),
        accepted("a.csv", 4, "2023-03", "854231", "1"),
        accepted("a.csv", 5, "2023-04", "854231", "1")),
        Periods.parse("2023-01..2023-03").resolve(List.of()));
    assertThat(scoped.orderBy("source_line").collectAsList())
        .extracting(r -> r.<String>getAs("row_status"))
        .containsExactly("outside_periods", "accepted", "accepted", "outside_periods");
  }

  @Test
  void lastNIsTheLatestAcceptedMonthsNotMonthsTheInputLacksNorMonthsOfBadLinesAlone() {
    Dataset<Row> read = frame(
        accepted("a.csv", 2, "2023-09", "854231", "1"),
        accepted("a.csv", 3, "2023-12", "854231", "1"),
        accepted("a.csv", 4, "2023-10", "854231", "1"),
        accepted("a.csv", 5, "2024-02", "854231", "1"),
        accepted("a.csv", 6, "2024-02", "854232", "1"));
    // Accepted: 2023-09, 2023-10, 2023-12, 2024-02. The last three: 10, 12, 02 (not 2024-01,
    // which the input lacks: replacing it would empty a month the warehouse may hold). A line
    // rejected with a month of its own (a typo dated 2099) does not count: it would push a real
    // month out of the window; nor does a file row (no month).
    List<Row> tallies = List.of(tally("accepted", "2023-09"), tally("accepted", "2023-12"),
        tally("accepted", "2023-10"), tally("accepted", "2024-02"),
        tally("rejected", "2099-01"),
        Survey.row(Survey.FILE, 0, null, null, null, null, null, 5L, null, "sha", null, null,
            null));
    List<java.time.YearMonth> months = Periods.parse("last:3")
        .resolve(Survey.acceptedMonths(tallies));
    assertThat(months).extracting(Object::toString)
        .containsExactly("2023-10", "2023-12", "2024-02");
    assertThat(Ingest.withPeriodScope(read, months).orderBy("source_line").collectAsList())
        .extracting(r -> r.<String>getAs("row_status"))
        .containsExactly("outside_periods", "accepted", "accepted", "accepted", "accepted");
  }

  private static Row tally(String status, String month) {
    return Survey.row(Survey.TALLY, 0, Date.valueOf(month + "-01"), true, status, null, month,
        1L, BigDecimal.ONE, null, null, null, null);
  }

  @Test
  void readsGzipBomCrlfAndEndsWithAFileRowCarryingTheDigest(@TempDir Path dir)
      throws Exception {
    String text = "\uFEFF" + ComtradeFormatTest.HEADER + "\r\n"
        + "M,2022,1,202201,156,CHN,X,643,RUS,0,H6,854231,6,C00,0,0,kg,1,1,5\r\n"
        + "broken line\r\n";
    Path file = dir.resolve("x.csv.gz");
    try (var out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(file))) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
    String uri = file.toUri().toString();
    Dataset<Row> rows = Ingest.read(SparkTestSession.get(),
        List.of(new Ingest.InputRef("comtrade", uri, Files.size(file))),
        Map.of("comtrade", new ComtradeFormat(ComtradeFormatTest.COUNTRIES)), Map.of());
    List<Row> all = rows.orderBy("source_line").collectAsList();
    assertThat(all).extracting(r -> r.<String>getAs("row_status"))
        .containsExactly("file", "accepted", "rejected");
    assertThat(all.get(1).<Long>getAs("source_line")).isEqualTo(2L);
    assertThat(all.get(2).<String>getAs("raw_line")).isEqualTo("broken line");
    String sha = java.util.HexFormat.of().formatHex(java.security.MessageDigest
        .getInstance("SHA-256").digest(Files.readAllBytes(file)));
    assertThat(all.get(0).<String>getAs("file_sha256")).isEqualTo(sha);
    assertThat(all.get(0).<Long>getAs("file_records")).isEqualTo(2L);
  }

  @Test
  void aTaskThatStopsBeforeTheEndOfItsFileClosesTheFile(@TempDir Path dir) throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")),
        "open files are counted through /proc");
    // Far more lines than a limit of one reads: the task ends with the file half read.
    Path file = dir.resolve("long.csv");
    Files.writeString(file, ComtradeFormatTest.HEADER + "\n"
        + "M,2022,1,202201,156,CHN,X,643,RUS,0,H6,854231,6,C00,0,0,kg,1,1,5\n".repeat(50_000));
    Dataset<Row> rows = Ingest.read(SparkTestSession.get(),
        List.of(new Ingest.InputRef("comtrade", file.toUri().toString(), Files.size(file))),
        Map.of("comtrade", new ComtradeFormat(ComtradeFormatTest.COUNTRIES)), Map.of());
    assertThat(rows.limit(1).collectAsList()).hasSize(1);
    assertThat(openDescriptors(file)).isZero();
  }

  /** How many of this process's file descriptors point at {@code file}. */
  private static long openDescriptors(Path file) throws Exception {
    Path real = file.toRealPath();
    try (var fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.filter(fd -> {
        try {
          return Files.readSymbolicLink(fd).equals(real);
        } catch (Exception gone) {
          return false;      // closed while listing
        }
      }).count();
    }
  }
  @Test
  void smallFilesShareTasksAndLargeOnesHaveTheirOwn() {
    long mb = 1 << 20;
    java.util.List<Ingest.InputRef> files = new java.util.ArrayList<>();
    for (int i = 0; i < 100; i++) {
      files.add(new Ingest.InputRef("comext", "file:/d/sheet" + i, 100 * 1024));
    }
    files.add(new Ingest.InputRef("comtrade", "file:/d/big", 500 * mb));
    // 500 MB + 100 x 100 KB, plus 256 KB to open each of the 101 files: 535.1 MB in all; a
    // third of a core's share on 2 cores is 89.2 MB, so 128 MB does not bind and 8 MB does
    // not either. The big file is a task of its own; the sheets cost 356 KB each, and 256 of
    // them would fit in 89.2 MB: all 100 go into one task.
    java.util.List<java.util.List<Ingest.InputRef>> tasks = Ingest.tasks(files, 2);
    assertThat(tasks).hasSize(2);
    assertThat(tasks.get(0)).extracting(Ingest.InputRef::uri).containsExactly("file:/d/big");
    assertThat(tasks.get(1)).hasSize(100);
    // Eight files of 34 MB (the benchmark's) on 2 cores: a third of a core's share is
    // 8 x 34.25 / 6 = 45.7 MB, so each file stays a task of its own and the cores balance.
    java.util.List<Ingest.InputRef> bench = new java.util.ArrayList<>();
    for (int i = 0; i < 8; i++) {
      bench.add(new Ingest.InputRef("comtrade", "file:/b/" + i, 34 * mb));
    }
    assertThat(Ingest.tasks(bench, 2)).hasSize(8).allSatisfy(t -> assertThat(t).hasSize(1));
  }
}

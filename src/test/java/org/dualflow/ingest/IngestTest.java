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
    r[Ingested.CONTENT_HASH] = Ingested.contentHash(r);  // as the reader sets it
    return RowFactory.create(r);
  }

  private static Dataset<Row> frame(Row... rows) {
    return SparkTestSession.get().createDataFrame(List.of(rows), Ingested.SCHEMA);
  }

  @Test
  void recordIdsAreStableAndIgnoreWhereTheRecordWasRead() {
    List<Row> ids = Ingest.withRecordIds(frame(
        accepted("a.csv", 2, "2023-01", "854231", "10.00"),
        accepted("b.csv", 9, "2023-01", "854231", "10.00"),
        accepted("a.csv", 3, "2023-01", "854232", "10.00")))
        .orderBy("source_file", "source_line").select("record_id").collectAsList();
    assertThat(ids.get(0).getString(0)).hasSize(32).matches("[0-9a-f]{32}")
        .isEqualTo(ids.get(2).getString(0)).isNotEqualTo(ids.get(1).getString(0));
  }

  @Test
  void theFirstOccurrenceIsKeptAndLaterOnesAreRejectedAsDuplicateOrConflicting() {
    Dataset<Row> out = Ingest.markDuplicates(Ingest.withRecordIds(frame(
        accepted("b.csv", 5, "2023-01", "854231", "10.00"),
        accepted("a.csv", 7, "2023-01", "854231", "10.00"),
        accepted("c.csv", 2, "2023-01", "854231", "99.00"),
        accepted("a.csv", 8, "2023-01", "854232", "10.00"))));
    List<String> rows = new ArrayList<>();
    for (Row r : out.orderBy("source_file", "source_line").collectAsList()) {
      rows.add(r.getAs("source_file") + ":" + r.getAs("source_line") + " " + r.getAs("row_status")
          + " " + r.getAs("reason_code") + " " + r.getAs("reason"));
    }
    assertThat(rows).containsExactly(
        "a.csv:7 accepted null null",
        "a.csv:8 accepted null null",
        "b.csv:5 rejected duplicate same record as a.csv:7",
        "c.csv:2 rejected conflicting_duplicate same key as a.csv:7 but different values; "
            + "the first was kept");
  }

  @Test
  void theRejectedLinesAreListedByFileSortedOrWholeFilesWhenTooMany() {
    Dataset<Row> marked = Ingest.markDuplicates(Ingest.withRecordIds(frame(
        accepted("b.csv", 9, "2023-01", "854231", "10.00"),
        accepted("a.csv", 7, "2023-01", "854231", "10.00"),
        accepted("b.csv", 4, "2023-01", "854231", "10.00"),
        accepted("a.csv", 8, "2023-01", "854232", "10.00"))));
    ReadPass.Lines lines = Ingest.rejectedLines(marked, Map.of("a.csv", 0L, "b.csv", 2L));
    assertThat(lines.byFile()).containsOnlyKeys("b.csv");
    assertThat(lines.byFile().get("b.csv")).containsExactly(4L, 9L);
    assertThat(lines.everyLine()).isEmpty();

    ReadPass.Lines many = Ingest.rejectedLines(marked,
        Map.of("a.csv", Ingest.MAX_LISTED_LINES, "b.csv", 2L, "c.csv", 0L));
    assertThat(many.byFile()).isEmpty();
    assertThat(many.everyLine()).containsExactlyInAnyOrder("a.csv", "b.csv");
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
  void lastNIsTheLatestMonthsPresentSkippingMonthsTheInputLacks() {
    Dataset<Row> read = frame(
        accepted("a.csv", 2, "2023-09", "854231", "1"),
        accepted("a.csv", 3, "2023-12", "854231", "1"),
        accepted("a.csv", 4, "2023-10", "854231", "1"),
        accepted("a.csv", 5, "2024-02", "854231", "1"),
        accepted("a.csv", 6, "2024-02", "854232", "1"));
    // Present: 2023-09, 2023-10, 2023-12, 2024-02. The last three: 10, 12, 02 (not 2024-01,
    // which the input lacks: replacing it would empty a month the warehouse may hold).
    List<java.time.YearMonth> months = Periods.parse("last:3")
        .resolve(Ingest.presentMonths(read));
    assertThat(months).extracting(Object::toString)
        .containsExactly("2023-10", "2023-12", "2024-02");
    assertThat(Ingest.withPeriodScope(read, months).orderBy("source_line").collectAsList())
        .extracting(r -> r.<String>getAs("row_status"))
        .containsExactly("outside_periods", "accepted", "accepted", "accepted", "accepted");
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
}

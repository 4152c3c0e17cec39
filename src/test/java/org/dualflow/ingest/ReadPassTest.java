package org.dualflow.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.dualflow.SparkTestSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The passes a run reads its files with: what each emits, and the changed-file check. */
class ReadPassTest {

  // Line 2 accepted, 3 malformed, 4 accepted, 5 the same record as line 2 (the parser accepts
  // it; the duplicate check rejects it later).
  private static final String TEXT = ComtradeFormatTest.HEADER + "\n"
      + "M,2022,1,202201,156,CHN,X,643,RUS,0,H6,854231,6,C00,0,0,kg,1,1,5\n"
      + "broken line\n"
      + "M,2022,2,202202,156,CHN,X,643,RUS,0,H6,854231,6,C00,0,0,kg,1,1,7\n"
      + "M,2022,1,202201,156,CHN,X,643,RUS,0,H6,854231,6,C00,0,0,kg,1,1,5\n";

  private static final ComtradeFormat FORMAT = new ComtradeFormat(ComtradeFormatTest.COUNTRIES);

  private static List<Row> read(Path file, ReadPass pass) {
    String uri = file.toUri().toString();
    Ingest.FileRows rows = new Ingest.FileRows(new Ingest.InputRef("comtrade", uri, 0), FORMAT,
        InputFile.open(uri, "UTF-8", ',', Map.of()), pass);
    List<Row> out = new ArrayList<>();
    // With the schema, so that fields can be taken by name.
    rows.forEachRemaining(r -> out.add(new GenericRowWithSchema(
        scala.jdk.javaapi.CollectionConverters.asJava(r.toSeq()).toArray(), Ingested.SCHEMA)));
    return out;
  }

  private static Path file(Path dir) throws Exception {
    Path file = dir.resolve("c.csv");
    Files.writeString(file, TEXT, StandardCharsets.UTF_8);
    return file;
  }

  private static String sha256(Path file) throws Exception {
    return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
        .digest(Files.readAllBytes(file)));
  }

  @Test
  void theSurveyEmitsTheAcceptedRowsAndHandsTheFilesTalliesToTheCollector(@TempDir Path dir)
      throws Exception {
    Path file = file(dir);
    String uri = file.toUri().toString();
    Survey.Collector collector = new Survey.Collector();
    List<Row> rows = read(file, ReadPass.survey(List.of("file:/first.csv", uri), collector));
    assertThat(rows).extracting(r -> r.<Long>getAs("source_line")).containsExactly(2L, 4L, 5L);
    assertThat(rows).allSatisfy(r -> assertThat(r.<String>getAs("hs_code")).isEqualTo("854231"));
    // Lines 2 and 5 are the same record; line 4 is another.
    assertThat(rows.get(2).<String>getAs("record_id"))
        .isEqualTo(rows.get(0).<String>getAs("record_id"))
        .isNotEqualTo(rows.get(1).<String>getAs("record_id"));

    // One part: the whole file, second in path order; its rejected line is 3.
    assertThat(collector.value()).containsOnlyKeys(Survey.partKey(uri, null));
    Survey.Part part = collector.value().get(Survey.partKey(uri, null));
    assertThat(part.rejectedLines()).containsExactly(3L);
    assertThat(part.tooManyLines()).isFalse();
    List<Row> tallies = collector.tallies();
    assertThat(tallies).extracting(r -> r.<Integer>getAs("file")).containsOnly(1);
    assertThat(tallies).extracting(r -> r.<Integer>getAs("kind"))
        .containsExactly(Survey.TALLY, Survey.TALLY, Survey.TALLY, Survey.FILE);
    // Tallies, worked out from TEXT: January 5 + 5, February 7, one unreadable line.
    assertThat(tallies.subList(0, 3)).extracting(r -> r.<String>getAs("row_status") + " "
            + r.<String>getAs("reason_code") + " " + r.<String>getAs("period_key") + " "
            + r.<Long>getAs("n") + " " + r.<Object>getAs("sum_usd"))
        .containsExactlyInAnyOrder("accepted null 2022-01 2 10.00",
            "rejected field_count unknown 1 null", "accepted null 2022-02 1 7.00");
    Row fileRow = tallies.get(3);
    assertThat(fileRow.<Long>getAs("n")).isEqualTo(4L);
    assertThat(fileRow.<String>getAs("sha256")).isEqualTo(sha256(file));

    // A part read again (a retried task) replaces its first copy: nothing is counted twice.
    read(file, ReadPass.survey(List.of("file:/first.csv", uri), collector));
    assertThat(collector.tallies()).hasSize(4);
  }

  @Test
  void theRejectedPassParsesOnlyTheListedLinesAndSkipsFilesWithoutAny(@TempDir Path dir)
      throws Exception {
    Path file = file(dir);
    String uri = file.toUri().toString();
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(SparkTestSession.get().sparkContext());
    ReadPass pass = ReadPass.rejected(Map.of(uri, sha256(file)), sc.broadcast(
        new ReadPass.Lines(Map.of(uri, new long[] {3, 5}), Set.of())));
    assertThat(read(file, pass)).extracting(r -> r.<Long>getAs("source_line") + " "
            + r.<String>getAs("row_status"))
        .containsExactly("3 rejected", "5 accepted");   // 5 is rejected by the duplicate join
    assertThat(pass.reads(uri)).isTrue();
    assertThat(pass.reads("file:/elsewhere.csv")).isFalse();

    ReadPass whole = ReadPass.rejected(Map.of(uri, sha256(file)), sc.broadcast(
        new ReadPass.Lines(Map.of(), Set.of(uri))));
    assertThat(read(file, whole)).hasSize(4);
  }

  @Test
  void aFileThatChangedSinceTheSurveyFailsTheRead(@TempDir Path dir) throws Exception {
    Path file = file(dir);
    String uri = file.toUri().toString();
    String before = sha256(file);
    Files.writeString(file, TEXT.replace(",5\n", ",6\n"), StandardCharsets.UTF_8);
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(SparkTestSession.get().sparkContext());
    ReadPass again = ReadPass.rejected(Map.of(uri, before), sc.broadcast(
        new ReadPass.Lines(Map.of(), Set.of(uri))));
    assertThatThrownBy(() -> read(file, again))
        .isInstanceOf(InputFileException.class)
        .hasMessageContaining("changed while the run was reading it")
        .hasMessageContaining(before);
  }
}

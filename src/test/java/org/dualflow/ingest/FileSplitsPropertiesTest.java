package org.dualflow.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;
import org.apache.spark.sql.Row;

/**
 * Random files read whole and in splits of random size give the same records, or both fail:
 * text made of the pieces that make splitting hard (quotes, doubled quotes, delimiters, CR, LF,
 * CRLF, blank lines, characters of several bytes), and each source's real layout damaged as
 * {@link ReaderPropertiesTest} damages it, parsed into rows.
 */
class FileSplitsPropertiesTest {

  private static final List<String> PIECES = List.of("a", "12", ",", ";", "\t", "\"", "\"\"",
      "\n", "\r\n", "\r", "\n\n", " ", "x\"y", "\",\"");

  /** A word of several bytes per encoding, and the encodings' names as a format gives them. */
  private static final Map<String, String> WORDS = Map.of(
      "UTF-8", "Türkiye 俄罗斯 \uD83D\uDE00", "auto:windows-1252", "Côte d’Ivoire",
      "GBK", "俄罗斯联邦 ü", "GB18030", "俄罗斯 \uD83D\uDE00", "auto", "俄罗斯");

  @Provide
  Arbitrary<String> encodings() {
    return Arbitraries.of(WORDS.keySet());
  }

  @Provide
  Arbitrary<List<String>> texts() {
    return Arbitraries.oneOf(Arbitraries.of(PIECES), Arbitraries.just("W"))
        .list().ofMinSize(0).ofMaxSize(120);
  }

  @Property(tries = 400)
  void recordsAreTheSameReadWholeOrInSplits(@ForAll("texts") List<String> pieces,
      @ForAll("encodings") String encoding, @ForAll boolean bom,
      @ForAll @IntRange(min = 1, max = 400) int splitBytes) throws Exception {
    String text = "h1,h2;h3\n" + String.join("", pieces).replace("W", WORDS.get(encoding));
    Charset charset = encoding.startsWith("auto:") ? Charset.forName(encoding.substring(5))
        : encoding.equals("auto") ? Charset.forName("GB18030") : Charset.forName(encoding);
    byte[] bytes = ((bom && charset.equals(StandardCharsets.UTF_8) ? "\uFEFF" : "") + text)
        .getBytes(charset);
    Path file = Files.createTempFile("split", ".csv");
    try {
      Files.write(file, bytes);
      List<String> whole;
      try {
        whole = FileSplitsTest.readWhole(file, encoding);
      } catch (InputFileException e) {
        whole = null;
      }
      List<FileSplits.Split> splits = FileSplitsTest.scan(file, encoding, splitBytes);
      Statistics.collect(splits.isEmpty() ? "whole" : whole == null ? "split, fails" : "split");
      if (splits.isEmpty()) {
        return;
      }
      List<String> split;
      try {
        split = FileSplitsTest.readSplits(file, splits);
      } catch (InputFileException e) {
        split = null;
      }
      assertThat(split).as("%s in %s", splits, encoding).isEqualTo(whole);
    } finally {
      Files.deleteIfExists(file);
    }
  }

  @Provide
  Arbitrary<ReaderPropertiesTest.Damage> damage() {
    return new ReaderPropertiesTest().damage();
  }

  @Provide
  Arbitrary<String> sources() {
    // Not comext: a layout with total rows is never split (SourceFormat.splittable).
    return Arbitraries.of("comtrade", "gacc", "declarations");
  }

  @Property(tries = 400)
  void rowsAreTheSameReadWholeOrInSplits(@ForAll("sources") String source,
      @ForAll("damage") ReaderPropertiesTest.Damage first,
      @ForAll("damage") ReaderPropertiesTest.Damage second,
      @ForAll @IntRange(min = 1, max = 300) int splitBytes) throws Exception {
    byte[] bytes = second.apply(first.apply(ReaderPropertiesTest.FILES.get(source)
        .getBytes(StandardCharsets.UTF_8)));
    Path file = Files.createTempFile("damaged", ".csv");
    try {
      Files.write(file, bytes);
      SourceFormat format = ReaderPropertiesTest.formatOf(source);
      String uri = file.toUri().toString();
      Ingest.InputRef ref = new Ingest.InputRef(source, uri, bytes.length);
      List<String> whole;
      try {
        whole = rows(new Ingest.FileRows(ref, format, InputFile.open(uri, format.encoding(),
            format.delimiter(), Map.of())));
      } catch (InputFileException e) {
        whole = null;
      }
      List<FileSplits.Split> splits;
      try (java.io.InputStream in = Files.newInputStream(file)) {
        splits = FileSplits.scan(in, bytes.length, uri, format.encoding(), format.delimiter(),
            splitBytes);
      }
      Statistics.collect(splits.isEmpty() ? "whole" : whole == null ? "split, fails" : "split");
      if (splits.isEmpty()) {
        return;
      }
      List<String> split = new ArrayList<>();
      long count = 0;
      try {
        for (FileSplits.Split s : splits) {
          for (String r : rows(new Ingest.FileRows(ref, s, format, InputFile.openSplit(uri, s,
              format.encoding().startsWith("auto"), Map.of()), ReadPass.all()))) {
            if (r.startsWith("file ")) {
              count += Long.parseLong(r.substring(r.lastIndexOf(' ') + 1));
            } else {
              split.add(r);
            }
          }
        }
        split.add("file " + splits.get(0).fileSha256() + " " + count);
      } catch (InputFileException e) {
        split = null;
      }
      assertThat(split).as("%s", splits).isEqualTo(whole);
    } finally {
      Files.deleteIfExists(file);
    }
  }

  /** Every column of each row, as text. */
  private static List<String> rows(Ingest.FileRows rows) {
    List<String> out = new ArrayList<>();
    rows.forEachRemaining(r -> out.add(describe(r)));
    return out;
  }

  private static String describe(Row r) {
    Object[] v = scala.jdk.javaapi.CollectionConverters.asJava(r.toSeq()).toArray();
    if (Ingested.FILE.equals(v[Ingested.ROW_STATUS])) {
      return "file " + v[Ingested.FILE_SHA256] + " " + v[Ingested.FILE_RECORDS];
    }
    return java.util.Arrays.deepToString(v);
  }
}

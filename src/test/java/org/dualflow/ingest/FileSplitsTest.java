package org.dualflow.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file read in splits gives the records of the file read whole: the same line numbers, raw
 * text, fields and problems, with quoted line breaks, CRLF, blank lines and malformed lines
 * wherever the cuts fall; and each split's bytes are checked.
 */
class FileSplitsTest {

  /**
   * Thirteen physical lines, worked out by hand below: a header ending in CRLF, a quoted CRLF,
   * a blank line, a quoted comma, a stray character after a closing quote (malformed), a quoted
   * field over three lines, doubled quotes, a lone CR line end, and a quote never closed.
   */
  static final String TEXT = "id,name,n\r\n"          // 1
      + "1,\"two\r\n"                                  // 2
      + "lines\",2\r\n"                                // 3
      + "\r\n"                                         // 4: blank, not a record
      + "3,\"a,b\",3\n"                                // 5
      + "4,\"x\"y,4\n"                                 // 6: malformed
      + "5,\"multi\n"                                  // 7
      + "line\n"                                       // 8
      + "%s\",5\n"                                     // 9: a word that is not ASCII
      + "6,\"\"\"quoted\"\"\",6\r\n"                   // 10
      + "7,plain,7\r"                                  // 11: a lone CR
      + "8,\"never closed\n"                           // 12: runs to the end: malformed
      + "9,last,9\n";                                  // 13

  /** TEXT's records as "line|problem|[field][field]...|raw text", by hand. */
  static List<String> expected(String word) {
    return List.of(
        "1|null|[id][name][n]|id,name,n",
        "2|null|[1][two\r\nlines][2]|1,\"two\r\nlines\",2",
        "5|null|[3][a,b][3]|3,\"a,b\",3",
        "6|unexpected character 'y' after a closing quote|[4][\"x\"y][4]|4,\"x\"y,4",
        "7|null|[5][multi\nline\n" + word + "][5]|5,\"multi\nline\n" + word + "\",5",
        "10|null|[6][\"quoted\"][6]|6,\"\"\"quoted\"\"\",6",
        "11|null|[7][plain][7]|7,plain,7",
        "12|quoted field not closed before the end of the file|[8,\"never closed]"
            + "|8,\"never closed",
        "13|null|[9][last][9]|9,last,9");
  }

  /** Comtrade lines, by hand: see parsedRowsAreTheSameReadWholeOrInSplits. */
  static final String OK = "M,2022,1,202201,156,CHN,X,643,RUS,0,H6,854231,6,C00,0,0,kg,1,1,";
  static final String COMTRADE = ComtradeFormatTest.HEADER + "\r\n"
      + OK + "5\r\n"                                             // 2
      + OK + "\"6\r\n\"\r\n"                                     // 3-4: a quoted CRLF
      + "broken line\r\n"                                        // 5: field count
      + "\r\n"                                                   // 6: blank
      + OK + "7\r\n"                                             // 7
      + OK + "\"8\",extra\r\n"                                   // 8: field count
      + OK + "5\r\n";                                            // 9: same as 2

  static List<String> records(RecordReader r) throws IOException {
    List<String> out = new ArrayList<>();
    while (r.next()) {
      StringBuilder fields = new StringBuilder();
      for (int i = 0; i < r.fieldCount(); i++) {
        fields.append('[').append(r.field(i)).append(']');
      }
      out.add(r.lineNumber() + "|" + r.problem() + "|" + fields + "|" + r.rawText());
    }
    return out;
  }

  static List<FileSplits.Split> scan(Path file, String encoding, long splitBytes)
      throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return FileSplits.scan(in, Files.size(file), file.toUri().toString(), encoding,
          SourceFormat.AUTO_DELIMITER, splitBytes);
    }
  }

  static List<String> readWhole(Path file, String encoding) throws IOException {
    try (InputFile in = InputFile.open(file.toUri().toString(), encoding,
        SourceFormat.AUTO_DELIMITER, Map.of())) {
      return records(in.records());
    }
  }

  /**
   * The records of every split, the header once: each split after the first starts with the
   * file's header record, which must be the file's.
   */
  static List<String> readSplits(Path file, List<FileSplits.Split> splits) throws IOException {
    List<String> out = new ArrayList<>();
    for (FileSplits.Split s : splits) {
      try (InputFile in = InputFile.openSplit(file.toUri().toString(), s, true, Map.of())) {
        List<String> records = records(in.records());
        assertThat(in.finishDigest()).as("digest of %s", s).isEqualTo(s.sha256());
        if (s.index() > 0) {
          assertThat(records.get(0)).isEqualTo(out.get(0));
          records = records.subList(1, records.size());
        }
        out.addAll(records);
      }
    }
    return out;
  }

  static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  private static void sameRecordsAtEverySplitSize(Path dir, byte[] bytes, String encoding,
      List<String> expected) throws Exception {
    Path file = dir.resolve("f.csv");
    Files.write(file, bytes);
    assertThat(readWhole(file, encoding)).containsExactlyElementsOf(expected);
    int mostSplits = 0;
    for (int size = 1; size <= bytes.length + 1; size++) {
      List<FileSplits.Split> splits = scan(file, encoding, size);
      mostSplits = Math.max(mostSplits, splits.size());
      if (splits.isEmpty()) {
        continue;                        // one split: read whole
      }
      assertThat(readSplits(file, splits)).as("split size %d: %s", size, splits)
          .containsExactlyElementsOf(expected);
      assertThat(splits.get(0).fileSha256()).isEqualTo(sha256(bytes));
      assertThat(splits.get(splits.size() - 1).end()).isEqualTo(bytes.length);
    }
    // At one byte per split every record starts a split of its own, the header the first.
    assertThat(mostSplits).isEqualTo(expected.size());
  }

  @Test
  void everySplitSizeGivesTheRecordsOfTheWholeFileInUtf8WithAByteOrderMark(@TempDir Path dir)
      throws Exception {
    byte[] text = String.format(TEXT, "Türkiye").getBytes(StandardCharsets.UTF_8);
    byte[] withBom = new byte[text.length + 3];
    withBom[0] = (byte) 0xef;
    withBom[1] = (byte) 0xbb;
    withBom[2] = (byte) 0xbf;
    System.arraycopy(text, 0, withBom, 3, text.length);
    sameRecordsAtEverySplitSize(dir, withBom, "auto:windows-1252", expected("Türkiye"));
  }

  @Test
  void everySplitSizeGivesTheRecordsOfTheWholeFileInWindows1252(@TempDir Path dir)
      throws Exception {
    sameRecordsAtEverySplitSize(dir, String.format(TEXT, "Côte d’Ivoire")
        .getBytes(Charset.forName("windows-1252")), "auto:windows-1252",
        expected("Côte d’Ivoire"));
  }

  @Test
  void everySplitSizeGivesTheRecordsOfTheWholeFileInGbk(@TempDir Path dir) throws Exception {
    // 俄罗斯 in GBK: lead bytes 0xB6 0xC2 0xCB, trail bytes never below 0x40.
    sameRecordsAtEverySplitSize(dir, String.format(TEXT, "俄罗斯联邦")
        .getBytes(Charset.forName("GBK")), "GBK", expected("俄罗斯联邦"));
  }

  /**
   * Auto decides the encoding at the first byte that is not ASCII, here past the first 256 KB:
   * the pre-scan decides as the reader does, and the splits decode in that encoding.
   */
  @Test
  void autoDecidesLateAsTheWholeReadDoes(@TempDir Path dir) throws Exception {
    StringBuilder text = new StringBuilder("id,name,n\n");
    int line = 2;
    while (text.length() < InputFile.SNIFF_BYTES + 1000) {
      text.append(line).append(",plain,").append(line++).append('\n');
    }
    text.append(line).append(",\"Türkiye\nline\",1\n");
    text.append(line + 2).append(",x,2\n");
    byte[] bytes = text.toString().getBytes(Charset.forName("windows-1252"));
    Path file = dir.resolve("late.csv");
    Files.write(file, bytes);
    List<FileSplits.Split> splits = scan(file, "auto:windows-1252", 50_000);
    assertThat(splits).hasSizeGreaterThan(5)
        .allSatisfy(s -> assertThat(s.charset()).isEqualTo("windows-1252"));
    List<String> whole = readWhole(file, "auto:windows-1252");
    assertThat(whole.get(whole.size() - 2)).isEqualTo(line + "|null|[" + line
        + "][Türkiye\nline][1]|" + line + ",\"Türkiye\nline\",1");
    assertThat(readSplits(file, splits)).containsExactlyElementsOf(whole);
  }

  /**
   * A quote never closed makes the reader give up at a million characters, a limit the bytes
   * cannot place for a file whose characters take several bytes: no cut is made after it.
   */
  @Test
  void noCutAfterARecordGivenUpAtTheLengthLimit(@TempDir Path dir) throws Exception {
    StringBuilder text = new StringBuilder("id,name,n\n1,\"open,1\n");
    int line = 3;
    while (text.length() < CsvRecordReader.DEFAULT_MAX_RECORD_CHARS + 100_000) {
      text.append(line).append(",ж,").append(line++).append('\n');
    }
    byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
    Path file = dir.resolve("open.csv");
    Files.write(file, bytes);
    List<FileSplits.Split> splits = scan(file, "UTF-8", 5);
    // The cut at line 2 (the first record at or after byte 5) is the last one.
    assertThat(splits).hasSize(2);
    assertThat(splits.get(1).firstLine()).isEqualTo(2);
    List<String> whole = readWhole(file, "UTF-8");
    assertThat(whole.get(1)).startsWith("2|quoted field longer than");
    assertThat(readSplits(file, splits)).containsExactlyElementsOf(whole);
  }

  @Test
  void gzipUtf16AndOneSplitFilesAreReadWhole(@TempDir Path dir) throws Exception {
    String text = String.format(TEXT, "x");
    Path gz = dir.resolve("f.csv.gz");
    try (java.io.OutputStream out = new java.util.zip.GZIPOutputStream(
        Files.newOutputStream(gz))) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
    assertThat(scan(gz, "UTF-8", 1)).isEmpty();
    Path utf16 = dir.resolve("f16.csv");
    Files.write(utf16, text.getBytes(StandardCharsets.UTF_16LE));
    assertThat(scan(utf16, "UTF-16LE", 1)).isEmpty();
    Path plain = dir.resolve("f.csv");
    Files.writeString(plain, text);
    assertThat(scan(plain, "UTF-8", text.length())).isEmpty();
    assertThat(scan(plain, "UTF-8", text.length() / 2)).hasSizeGreaterThan(1);
  }

  @Test
  void aSplitWhoseBytesChangedAfterThePreScanFailsTheRead(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("c.csv");
    byte[] bytes = COMTRADE.getBytes(StandardCharsets.UTF_8);
    Files.write(file, bytes);
    List<FileSplits.Split> splits = scan(file, "UTF-8", 100);
    FileSplits.Split second = splits.get(1);
    bytes[(int) second.start() + 1] ^= 1;        // the same length, a comma now a hyphen
    Files.write(file, bytes);
    String uri = file.toUri().toString();
    Ingest.FileRows rows = new Ingest.FileRows(new Ingest.InputRef("comtrade", uri,
        bytes.length), second, new ComtradeFormat(ComtradeFormatTest.COUNTRIES),
        InputFile.openSplit(uri, second, false, Map.of()), ReadPass.all());
    assertThatThrownBy(() -> rows.forEachRemaining(r -> { }))
        .isInstanceOf(InputFileException.class)
        .hasMessageStartingWith("Cannot read " + uri + ": it changed while the run was "
            + "reading it (SHA-256 of its split 2 of " + splits.size());
  }

  /** Records appended after the pre-scan would be read by the last split: they fail it. */
  @Test
  void aFileThatGrewAfterThePreScanFailsItsLastSplit(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("c.csv");
    Files.writeString(file, COMTRADE);
    List<FileSplits.Split> splits = scan(file, "UTF-8", 100);
    FileSplits.Split last = splits.get(splits.size() - 1);
    Files.writeString(file, OK + "9\r\n", java.nio.file.StandardOpenOption.APPEND);
    String uri = file.toUri().toString();
    Ingest.FileRows rows = new Ingest.FileRows(new Ingest.InputRef("comtrade", uri,
        COMTRADE.length()), last, new ComtradeFormat(ComtradeFormatTest.COUNTRIES),
        InputFile.openSplit(uri, last, false, Map.of()), ReadPass.all());
    assertThatThrownBy(() -> rows.forEachRemaining(r -> { }))
        .isInstanceOf(InputFileException.class)
        .hasMessageContaining("it changed while the run was reading it (SHA-256 of its split "
            + splits.size() + " of " + splits.size());
  }

  /**
   * Comtrade records, read whole and in splits of many sizes by the reading tasks' own code:
   * the same rows (ids, lines, verdicts, reasons, raw text), and the same count in the file
   * rows.
   */
  @Test
  void parsedRowsAreTheSameReadWholeOrInSplits(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("c.csv");
    Files.writeString(file, COMTRADE);
    String uri = file.toUri().toString();
    ComtradeFormat format = new ComtradeFormat(ComtradeFormatTest.COUNTRIES);
    Ingest.InputRef ref = new Ingest.InputRef("comtrade", uri, COMTRADE.length());
    List<String> whole = rows(new Ingest.FileRows(ref, format,
        InputFile.open(uri, format.encoding(), format.delimiter(), Map.of())));
    // By hand: lines 2, 3 (value "6" and a CRLF, trimmed), 7 and 9 accepted (9 repeats 2: the
    // duplicate check is later), 5 and 8 rejected for their field count; then the file row
    // with 6 records.
    assertThat(whole).extracting(r -> r.substring(0, r.indexOf(' ', r.indexOf(' ') + 1)))
        .containsExactly("2 accepted", "3 accepted", "5 rejected", "7 accepted", "8 rejected",
            "9 accepted", "0 file");
    assertThat(whole.get(1)).contains(" 6.00 ");
    assertThat(whole.get(6)).endsWith(" 6");
    int splitRuns = 0;
    for (int size = 1; size < COMTRADE.length(); size += 7) {
      List<FileSplits.Split> splits = scan(file, format.encoding(), size);
      List<String> records = new ArrayList<>();
      long count = 0;
      for (FileSplits.Split s : splits) {
        for (String r : rows(new Ingest.FileRows(ref, s, format,
            InputFile.openSplit(uri, s, true, Map.of()), ReadPass.all()))) {
          if (r.startsWith("0 file")) {
            count += Long.parseLong(r.substring(r.lastIndexOf(' ') + 1));
            assertThat(r).contains(sha256(COMTRADE.getBytes(StandardCharsets.UTF_8)));
          } else {
            records.add(r);
          }
        }
      }
      if (!splits.isEmpty()) {
        splitRuns++;
        assertThat(records).as("split size %d", size)
            .containsExactlyElementsOf(whole.subList(0, 6));
        assertThat(count).isEqualTo(6);
      }
    }
    assertThat(splitRuns).isGreaterThan(10);
  }

  /** The rejected pass opens only the splits that hold a rejected line. */
  @Test
  void theRejectedPassReadsOnlySplitsWithRejectedLines(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("c.csv");
    Files.writeString(file, COMTRADE);
    String uri = file.toUri().toString();
    List<FileSplits.Split> splits = scan(file, "UTF-8", 1);
    // One split per record: lines 1 (the header), 2, 3, 5, 7, 8 and 9.
    assertThat(splits).extracting(FileSplits.Split::firstLine)
        .containsExactly(1L, 2L, 3L, 5L, 7L, 8L, 9L);
    org.apache.spark.api.java.JavaSparkContext sc = org.apache.spark.api.java.JavaSparkContext
        .fromSparkContext(org.dualflow.SparkTestSession.get().sparkContext());
    ReadPass pass = ReadPass.rejected(Map.of(), sc.broadcast(new ReadPass.Lines(
        Map.of(uri, new long[] {5, 8}), java.util.Set.of())));
    assertThat(splits).filteredOn(s -> pass.reads(uri, s))
        .extracting(FileSplits.Split::firstLine).containsExactly(5L, 8L);
    ReadPass everyLine = ReadPass.rejected(Map.of(), sc.broadcast(new ReadPass.Lines(
        Map.of(), java.util.Set.of(uri))));
    assertThat(splits).allSatisfy(s -> assertThat(everyLine.reads(uri, s)).isTrue());
  }

  /** A split is a task of its own; small whole files still share one. */
  @Test
  void eachSplitIsATaskAndSmallFilesShareOne() {
    Ingest.InputRef big = new Ingest.InputRef("comtrade", "file:/big.csv", 300L << 20);
    List<Ingest.Part> parts = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      parts.add(new Ingest.Part(big, new FileSplits.Split(i, 3, (100L << 20) * i,
          (100L << 20) * (i + 1), 1 + 1000L * i, i == 2 ? Long.MAX_VALUE : 1 + 1000L * (i + 1),
          new byte[0], "UTF-8", ',', "", "")));
    }
    for (int i = 0; i < 4; i++) {
      parts.add(Ingest.Part.whole(new Ingest.InputRef("comtrade", "file:/small" + i + ".csv",
          1000)));
    }
    List<List<Ingest.Part>> tasks = Ingest.taskGroups(parts, 2);
    assertThat(tasks).hasSize(4);
    assertThat(tasks.subList(0, 3)).allSatisfy(t -> assertThat(t).hasSize(1)
        .allSatisfy(p -> assertThat(p.split()).isNotNull()));
    assertThat(tasks.get(3)).hasSize(4).allSatisfy(p -> assertThat(p.split()).isNull());
  }

  /** Each row as "line status reason record_id value [sha256 records]". */
  private static List<String> rows(Ingest.FileRows rows) {
    List<String> out = new ArrayList<>();
    rows.forEachRemaining(r -> out.add(describe(r)));
    return out;
  }

  private static String describe(Row r) {
    Object[] v = scala.jdk.javaapi.CollectionConverters.asJava(r.toSeq()).toArray();
    if (Ingested.FILE.equals(v[Ingested.ROW_STATUS])) {
      return "0 file " + v[Ingested.FILE_SHA256] + " " + v[Ingested.FILE_RECORDS];
    }
    return v[Ingested.SOURCE_LINE] + " " + v[Ingested.ROW_STATUS] + " " + v[Ingested.REASON]
        + " " + v[Ingested.RECORD_ID] + " " + v[Ingested.VALUE_USD] + " " + v[Ingested.RAW_LINE];
  }
}

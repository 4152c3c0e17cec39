package org.dualflow.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CsvRecordReaderTest {

  /** Each record as "line|problem|field,field,...". */
  private static List<String> read(String text, int maxChars) throws IOException {
    List<String> out = new ArrayList<>();
    try (CsvRecordReader r = new CsvRecordReader(new StringReader(text), maxChars)) {
      while (r.next()) {
        List<String> fields = new ArrayList<>();
        for (int i = 0; i < r.fieldCount(); i++) {
          fields.add("[" + r.field(i) + "]");
        }
        out.add(r.lineNumber() + "|" + r.problem() + "|" + String.join("", fields) + "|"
            + r.rawText());
      }
    }
    return out;
  }

  private static List<String> read(String text) throws IOException {
    return read(text, CsvRecordReader.DEFAULT_MAX_RECORD_CHARS);
  }

  @Test
  void splitsPlainRecordsWithLineNumbersAndRawText() throws IOException {
    assertThat(read("a,b,c\n1,2,3\n")).containsExactly(
        "1|null|[a][b][c]|a,b,c",
        "2|null|[1][2][3]|1,2,3");
  }

  @Test
  void readsQuotedCommasDoubledQuotesAndLineBreaksInsideQuotes() throws IOException {
    assertThat(read("x,\"a, b\",\"say \"\"hi\"\"\"\ny,\"two\nlines\",z\nnext,1,2")).containsExactly(
        "1|null|[x][a, b][say \"hi\"]|x,\"a, b\",\"say \"\"hi\"\"\"",
        "2|null|[y][two\nlines][z]|y,\"two\nlines\",z",
        "4|null|[next][1][2]|next,1,2");
  }

  @Test
  void acceptsCrlfAndLoneCrLineEndsAndSkipsBlankLines() throws IOException {
    assertThat(read("a,b\r\n\r\nc,d\re,f\r\n")).containsExactly(
        "1|null|[a][b]|a,b",
        "3|null|[c][d]|c,d",
        "4|null|[e][f]|e,f");
  }

  @Test
  void keepsEmptyFieldsIncludingATrailingOne() throws IOException {
    assertThat(read(",x,,\n")).containsExactly("1|null|[][x][][]|,x,,");
    assertThat(read("a,")).containsExactly("1|null|[a][]|a,");
  }

  @Test
  void unterminatedQuoteCostsOneLineNotTheRestOfTheFile() throws IOException {
    assertThat(read("ok,1\nbad,\"open\nnext,2\nlast,3\n")).containsExactly(
        "1|null|[ok][1]|ok,1",
        "2|quoted field not closed before the end of the file|[bad,\"open]|bad,\"open",
        "3|null|[next][2]|next,2",
        "4|null|[last][3]|last,3");
  }

  @Test
  void overlongQuotedFieldIsCutToItsFirstLine() throws IOException {
    String text = "a,\"" + "x\n".repeat(20) + "\"\nb,1\n";
    List<String> records = read(text, 10);
    assertThat(records.get(0)).startsWith("1|quoted field longer than 10 characters");
    assertThat(records.get(1)).isEqualTo("2|null|[x]|x");
  }

  @Test
  void flagsTextAfterAClosingQuote() throws IOException {
    assertThat(read("\"a\"b,c\n")).containsExactly(
        "1|unexpected character 'b' after a closing quote|[\"a\"b][c]|\"a\"b,c");
  }

  @Test
  void splitsOnAnotherDelimiter() throws IOException {
    List<String> out = new ArrayList<>();
    try (CsvRecordReader r = new CsvRecordReader(new StringReader("a;\"b;c\";d\n"), ';', 100)) {
      r.next();
      for (int i = 0; i < r.fieldCount(); i++) {
        out.add(r.field(i));
      }
    }
    assertThat(out).containsExactly("a", "b;c", "d");
  }

  @Test
  void encodingDetectionToleratesACharacterCutAtTheEndOfTheSample() {
    byte[] utf8 = "价格".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    assertThat(InputFile.isUtf8(java.util.Arrays.copyOf(utf8, utf8.length - 1))).isTrue();
    assertThat(InputFile.isUtf8("价格".getBytes(java.nio.charset.Charset.forName("GBK"))))
        .isFalse();
  }

  @Test
  void readsRecordsLongerThanTheBuffer() throws IOException {
    String big = "y".repeat(200_000);
    assertThat(read("a," + big + "\nb,\"" + big + "\"\n"))
        .containsExactly("1|null|[a][" + big + "]|a," + big,
            "2|null|[b][" + big + "]|b,\"" + big + "\"");
  }
}

package org.dualflow.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Every reader, on files in its real layout damaged at random (cut short, stray bytes, a
 * deleted stretch, other delimiters, stray quotes, another encoding): the file is either refused
 * whole with a message naming it, or every record comes out accepted or rejected with a reason
 * and its text, none twice and none lost. Never another exception.
 */
class ReaderPropertiesTest {

  /** Valid files in each source's layout: quoting, line breaks in fields, non-ASCII text. */
  static final Map<String, String> FILES = Map.of(
      "comtrade", ComtradeFormatTest.HEADER + "\n"
          + "M,2022,3,202203,156,CHN,X,643,RUS,0,H6,854231,6,C00,0,0,kg,12.5,12.5,1000.50\n"
          + "M,2022,3,202203,156,CHN,X,643,RUS,0,H6,854232,6,C00,-1,0,kg,1,1,200\n"
          + "A,2022,52,2022,398,KAZ,X,643,RUS,0,H6,854231,6,C00,0,0,kg,3,3,7000.00\n"
          + "M,2022,3,202203,156,CHN,M,643,RUS,0,H6,8542,4,C00,0,0,kg,1,1,5\n",
      "comext", "REPORTER,PARTNER,PRODUCT,FLOW,STAT_PROCEDURE,PERIOD,VALUE_IN_EUR\r\n"
          + "\"Germany (incl. German Democratic Republic 'DD' from 1991)\",\"Russian Federation "
          + "(Russia)\",\"85423190\",\"EXPORT\",\"Total\",\"Jan. 2021\",\"2085525\"\r\n"
          + "\"Netherlands\",\"Belarus (Belorussia)\",\"85423190\",\"EXPORT\",\"Total\","
          + "\"Jan.-Dec. 2021\",\"106765\"\r\n",
      "gacc", MappedFormatTest.GACC_MONTHLY
          + "202403,85423100,\"处理器及控制器,\n多核\",344,俄罗斯联邦,\"1,200\",千克,\"35,000\",个,"
          + "\"7,000,000\"\n"
          + "2024年4月,85423200,存储器,344,俄罗斯联邦,10,千克,20,个,500\n",
      "declarations", MappedFormatTest.DECLARATIONS
          + "10702070/151123/0012345,15.11.2023,1,8542319000,\"МИКРОСХЕМЫ, \"\"ПРОЦЕССОРЫ\"\",\n"
          + "ДЛЯ ОБОРУДОВАНИЯ\",SHENZHEN ABC,ООО \"\"ТЕХНОСНАБ\"\",7701234567,КИТАЙ,CN,HK,TI,TI,"
          + "10000,156,,12.5,13,500,шт\n");

  private static final List<Charset> CHARSETS = List.of(StandardCharsets.UTF_8,
      Charset.forName("windows-1251"), Charset.forName("GB18030"),
      StandardCharsets.ISO_8859_1);

  /** One kind of damage, applied to the bytes. */
  interface Damage {
    byte[] apply(byte[] in);
  }

  @Provide
  Arbitrary<Damage> damage() {
    Arbitrary<Double> where = Arbitraries.doubles().between(0, 1);
    return Arbitraries.oneOf(
        where.map(w -> (Damage) in -> java.util.Arrays.copyOf(in, (int) (w * in.length))),
        Combinators.combine(where, Arbitraries.bytes().array(byte[].class).ofMinSize(1)
            .ofMaxSize(8)).as((w, bytes) -> (Damage) in -> insert(in, (int) (w * in.length),
                bytes)),
        Combinators.combine(where, Arbitraries.integers().between(1, 40)).as((w, n) ->
            (Damage) in -> delete(in, (int) (w * in.length), n)),
        Combinators.combine(where, Arbitraries.of((byte) ';', (byte) '\t', (byte) '"',
            (byte) '\n', (byte) '\r', (byte) ',')).as((w, b) -> (Damage) in ->
            replace(in, (int) (w * in.length), b)),
        Arbitraries.of(CHARSETS).map(cs -> (Damage) in ->
            new String(in, StandardCharsets.UTF_8).getBytes(cs)));
  }

  private static byte[] insert(byte[] in, int at, byte[] bytes) {
    byte[] out = new byte[in.length + bytes.length];
    System.arraycopy(in, 0, out, 0, at);
    System.arraycopy(bytes, 0, out, at, bytes.length);
    System.arraycopy(in, at, out, at + bytes.length, in.length - at);
    return out;
  }

  private static byte[] delete(byte[] in, int at, int n) {
    int end = Math.min(in.length, at + n);
    byte[] out = new byte[in.length - (end - at)];
    System.arraycopy(in, 0, out, 0, at);
    System.arraycopy(in, end, out, at, in.length - end);
    return out;
  }

  private static byte[] replace(byte[] in, int at, byte b) {
    byte[] out = in.clone();
    if (at < out.length) {
      out[at] = b;
    }
    return out;
  }

  /** The format {@link #FILES} holds a file of, for {@code source}. */
  static SourceFormat formatOf(String source) {
    return source.equals("comtrade") ? new ComtradeFormat(ComtradeFormatTest.COUNTRIES)
        : MappedFormatTest.format(source, source.equals("gacc")
            ? Map.of("period", "2024-03") : Map.of());
  }

  @Property(tries = 1000)
  void aDamagedFileIsRefusedWholeOrEveryRecordIsAccountedFor(
      @ForAll("sources") String source,
      @ForAll("damage") Damage first, @ForAll("damage") Damage second) throws Exception {
    byte[] bytes = second.apply(first.apply(FILES.get(source).getBytes(StandardCharsets.UTF_8)));
    Path file = Files.createTempFile("damaged", ".csv");
    try {
      Files.write(file, bytes);
      SourceFormat format = formatOf(source);
      String uri = "file:" + file;
      FileInspection f;
      try {
        f = FileInspection.read(new Ingest.InputRef(source, uri, bytes.length), format,
            Map.of(), Integer.MAX_VALUE);
      } catch (InputFileException refused) {
        assertThat(refused.getMessage()).startsWith("Cannot read " + uri);
        return;
      }
      long rejected = f.rejected().values().stream().mapToLong(Long::longValue).sum();
      assertThat(f.accepted() + rejected).isEqualTo(f.records());
      f.rejectExamples().values().forEach(e -> {
        assertThat(e.reason()).isNotBlank();
        assertThat(e.text()).isNotNull();
      });
      // Without quotes every non-empty line after the header is one record: none lost. A line
      // of whitespace (a stray tab) is a record too, rejected with its reason, so it counts;
      // empty lines before the header (a damage can add one) are not the header.
      String text = new String(bytes, Charset.forName(f.encoding()));
      if (!text.contains("\"")) {
        long lines = text.lines().dropWhile(String::isEmpty).skip(1)
            .filter(l -> !l.isEmpty()).count();
        assertThat(f.records()).as(text).isEqualTo(lines);
      }
    } finally {
      Files.deleteIfExists(file);
    }
  }

  /**
   * A declarations workbook with random cells (text of any characters, numbers, dates, blanks)
   * under the real header: every row with a value is one record, accepted or rejected with a
   * reason; nothing else is thrown.
   */
  @Property(tries = 150)
  void aWorkbookOfRandomCellsAccountsForEveryRow(
      @ForAll("sheets") List<List<Object>> rows) throws Exception {
    Path file = Files.createTempFile("random", ".xlsx");
    try {
      long withValues = 0;
      try (org.apache.poi.xssf.usermodel.XSSFWorkbook book =
          new org.apache.poi.xssf.usermodel.XSSFWorkbook()) {
        org.apache.poi.ss.usermodel.CellStyle date = book.createCellStyle();
        date.setDataFormat(book.createDataFormat().getFormat("dd.mm.yyyy"));
        org.apache.poi.ss.usermodel.Sheet sheet = book.createSheet("Sheet1");
        String[] header = FILES.get("declarations").lines().findFirst().orElseThrow()
            .split(";|,");
        org.apache.poi.ss.usermodel.Row h = sheet.createRow(0);
        for (int i = 0; i < header.length; i++) {
          h.createCell(i).setCellValue(header[i]);
        }
        for (int r = 0; r < rows.size(); r++) {
          org.apache.poi.ss.usermodel.Row row = sheet.createRow(r + 1);
          boolean any = false;
          for (int c = 0; c < rows.get(r).size(); c++) {
            Object v = rows.get(r).get(c);
            if (v instanceof String t && !t.isEmpty()) {
              row.createCell(c).setCellValue(t);
              any = true;
            } else if (v instanceof Double d) {
              row.createCell(c).setCellValue(d);
              any = true;
            } else if (v instanceof java.time.LocalDate d) {
              row.createCell(c).setCellValue(d);
              row.getCell(c).setCellStyle(date);
              any = true;
            }
          }
          withValues += any ? 1 : 0;
        }
        try (java.io.OutputStream out = Files.newOutputStream(file)) {
          book.write(out);
        }
      }
      String uri = "file:" + file;
      FileInspection f = FileInspection.read(new Ingest.InputRef("declarations", uri,
          Files.size(file)), MappedFormatTest.format("declarations", Map.of()), Map.of(),
          Integer.MAX_VALUE);
      long rejected = f.rejected().values().stream().mapToLong(Long::longValue).sum();
      assertThat(f.accepted() + rejected).isEqualTo(f.records());
      assertThat(f.records()).isEqualTo(withValues);
      f.rejectExamples().values().forEach(e -> assertThat(e.reason()).isNotBlank());
    } finally {
      Files.deleteIfExists(file);
    }
  }

  @Provide
  Arbitrary<List<List<Object>>> sheets() {
    Arbitrary<Object> cell = Arbitraries.oneOf(
        Arbitraries.strings().ofMaxLength(12).map(x -> (Object) x),
        Arbitraries.of("8542319000", "CN", "156", "04.10.2023", "1 234,5", "-", "USD", "")
            .map(x -> (Object) x),
        Arbitraries.doubles().between(-1e12, 1e12).map(x -> (Object) x),
        Arbitraries.integers().between(0, 20_000).map(d -> (Object) java.time.LocalDate.of(
            2000, 1, 1).plusDays(d)));
    return cell.list().ofMaxSize(20).list().ofMaxSize(12);
  }

  @Provide
  Arbitrary<String> sources() {
    return Arbitraries.of("comtrade", "comext", "gacc", "declarations");
  }
}

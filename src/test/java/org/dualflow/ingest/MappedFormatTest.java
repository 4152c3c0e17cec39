package org.dualflow.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.io.StringReader;
import java.math.BigDecimal;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.dualflow.reference.ReferenceData;
import org.dualflow.reference.ReferenceFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The mapped sources read from real files: China customs, Eurostat Comext, declarations, and a
 * fifth format declared by a mapping alone. Expected dollar values are worked out by hand from
 * the rates in fx-monthly.csv, quoted beside each.
 */
class MappedFormatTest {

  static final ReferenceData REF = ReferenceData.load(new ReferenceFiles(null));
  static final Charset GBK = Charset.forName("GBK");

  @TempDir
  Path dir;

  static MappedFormat format(String source, Map<String, String> options) {
    return new MappedFormat(SourceCatalog.bundled(source), options, REF.countries(), REF.fx());
  }

  private Path write(String name, byte[] bytes) throws IOException {
    return Files.write(dir.resolve(name), bytes);
  }

  /** Reads a file as a run would (without Spark): every record row, then the file row. */
  static List<Row> read(Path file, SourceFormat format) throws IOException {
    // As input discovery names files: a Hadoop path, not a percent-encoded URI.
    return readUri("file:" + file.toAbsolutePath(), Files.size(file), format);
  }

  /**
   * Reads a file as a run reads a large one: cut by the pre-scan into splits of about
   * {@code splitBytes} (at least two), each read on its own, their rows in file order.
   */
  static List<Row> readSplits(Path file, SourceFormat format, long splitBytes)
      throws IOException {
    String uri = "file:" + file.toAbsolutePath();
    Ingest.InputRef ref = new Ingest.InputRef(format.name(), uri, Files.size(file));
    List<FileSplits.Split> splits;
    try (java.io.InputStream in = Files.newInputStream(file)) {
      splits = FileSplits.scan(in, Files.size(file), uri, format.encoding(), format.delimiter(),
          splitBytes);
    }
    org.assertj.core.api.Assertions.assertThat(splits).as("splits of %d bytes", splitBytes)
        .hasSizeGreaterThan(1);
    boolean auto = format.encoding().toLowerCase(java.util.Locale.ROOT).startsWith("auto");
    List<Row> rows = new ArrayList<>();
    for (FileSplits.Split split : splits) {
      copyRows(new Ingest.FileRows(ref, split, format,
          InputFile.openSplit(uri, split, auto, Map.of()), ReadPass.all()), rows);
    }
    return rows;
  }

  /** Reads a file named as input discovery names it (a file in an archive too). */
  static List<Row> readUri(String uri, long size, SourceFormat format) throws IOException {
    return readUri(uri, size, format, ReadPass.all());
  }

  /** As {@link #readUri(String, long, SourceFormat)}, with the given pass. */
  static List<Row> readUri(String uri, long size, SourceFormat format, ReadPass pass)
      throws IOException {
    Ingest.InputRef ref = new Ingest.InputRef(format.name(), uri, size);
    Ingest.checkHeader(ref, format, Map.of());
    List<Row> rows = new ArrayList<>();
    copyRows(new Ingest.FileRows(ref, format,
        InputFile.open(uri, format.encoding(), format.delimiter(), Map.of()), pass), rows);
    return rows;
  }

  /** Adds the reader's rows to {@code into}, each as a row that knows its column names. */
  private static void copyRows(java.util.Iterator<Row> reader, List<Row> into) {
    while (reader.hasNext()) {
      Row r = reader.next();
      Object[] values = new Object[r.size()];
      for (int i = 0; i < values.length; i++) {
        values[i] = r.get(i);
      }
      into.add(new GenericRowWithSchema(values, Ingested.SCHEMA));
    }
  }

  /** The record rows of a read, without its file rows. */
  static List<Row> records(List<Row> rows) {
    return rows.stream().filter(r -> !"file".equals(r.getAs("row_status"))).toList();
  }

  // --- China customs ----------------------------------------------------------------------------

  static final String GACC_MONTHLY = "数据年月,商品编码,商品名称,贸易伙伴编码,贸易伙伴名称,第一数量,第一计量单位,"
      + "第二数量,第二计量单位,人民币\n";

  @Test
  void gaccMonthlyExportInGbkAndYuanBecomesDollarsAtTheMonthsRate() throws IOException {
    Path f = write("gacc-monthly.csv", (GACC_MONTHLY
        + "202403,85423100,\"处理器及控制器,\n多核\",344,俄罗斯联邦,\"1,200\",千克,\"35,000\",个,\"7,000,000\"\n"
        + "202403,85423100,处理器及控制器,999,亚特兰蒂斯,1,千克,1,个,100\n"
        + "202403,85423100,处理器及控制器,110,中国香港,1,千克,1\n")
        .getBytes(GBK));
    List<Row> rows = records(read(f, format("gacc", Map.of())));
    Row ok = rows.get(0);
    assertThat(ok.<String>getAs("row_status")).isEqualTo("accepted");
    assertThat(ok.<String>getAs("exporter_iso3")).isEqualTo("CHN");
    assertThat(ok.<String>getAs("importer_iso3")).isEqualTo("RUS");      // GACC 344 is Russia
    assertThat(ok.<String>getAs("value_basis")).isEqualTo("FOB");
    assertThat(ok.<String>getAs("hs_code")).isEqualTo("85423100");
    assertThat(ok.<String>getAs("hs_edition")).isEqualTo("HS2022");
    assertThat(ok.<BigDecimal>getAs("value_orig")).isEqualByComparingTo("7000000");
    assertThat(ok.<String>getAs("currency_orig")).isEqualTo("CNY");
    // 7,000,000 CNY / 7.2015 CNY per USD (2024-03) = 972,019.72 USD
    assertThat(ok.<BigDecimal>getAs("value_usd")).isEqualByComparingTo("972019.72");
    assertThat(ok.<BigDecimal>getAs("net_kg")).isEqualByComparingTo("1200");
    assertThat(rows.get(1).<String>getAs("reason")).isEqualTo(
        "贸易伙伴编码 '999' is not a known country (gacc)");
    assertThat(rows.get(2).<String>getAs("reason_code")).isEqualTo("field_count");
  }

  @Test
  void gaccQueryExportTakesItsMonthAndFlowFromTheFileName() throws IOException {
    String header = "商品编码,商品名称,贸易伙伴编码,贸易伙伴名称,贸易方式编码,贸易方式名称,注册地编码,注册地名称,"
        + "第一数量,第一计量单位,第二数量,第二计量单位,美元\n";
    Path f = write("gacc-进口-2024-02.csv", (header
        + "84821000,滚珠轴承,145,哈萨克斯坦,10,一般贸易,44,广东省,\"2,000\",千克,\"5,000\",套,\"123,456\"\n")
        .getBytes(StandardCharsets.UTF_8));
    Row r = records(read(f, format("gacc", Map.of()))).get(0);
    assertThat(r.<String>getAs("flow")).isEqualTo("import");
    assertThat(r.<String>getAs("exporter_iso3")).isEqualTo("KAZ");
    assertThat(r.<String>getAs("value_basis")).isEqualTo("CIF");
    assertThat(r.<String>getAs("period_key")).isEqualTo("2024-02");
    assertThat(r.<BigDecimal>getAs("value_usd")).isEqualByComparingTo("123456");
    assertThat(r.<String>getAs("customs_code")).isEqualTo("10");
    // A job setting wins over the file name.
    Row export = records(read(f, format("gacc", Map.of("flow", "export")))).get(0);
    assertThat(export.<String>getAs("flow")).isEqualTo("export");
    // Nothing in the file or its name dates it, and no setting: the file is refused whole,
    // saying what to set, instead of every line being quarantined.
    Path noMonth = write("gacc-query.csv", Files.readAllBytes(f));
    assertThatThrownBy(() -> read(noMonth, format("gacc", Map.of())))
        .isInstanceOf(InputFileException.class)
        .hasMessage("Cannot read file:" + noMonth + ": nothing says which month or year it "
            + "covers (it has no 数据年月 or Date of data column, input.gacc.period is not set and "
            + "its name gives "
            + "no month or year); set input.gacc.period=2024 for a year's figures or 2024-03 "
            + "for a month's");
    assertThat(records(read(noMonth, format("gacc", Map.of("period", "2023-12")))).get(0)
        .<String>getAs("period_key")).isEqualTo("2023-12");
  }

  @Test
  void theGaccEnglishInterfacesExportIsReadAsItComes() throws IOException {
    List<Row> rows = records(read(Path.of("src/test/resources/GaccLayoutsTest/e344202403.csv"),
        format("gacc", Map.of())));
    assertThat(rows).extracting(r -> r.<String>getAs("row_status")).containsOnly("accepted");
    // Customs regimes add up: 85423100 7,000,000 + 250,000, 85423200 1,161 (quantity "-").
    assertThat(rows.stream().map(r -> r.<BigDecimal>getAs("value_usd"))
        .reduce(BigDecimal.ZERO, BigDecimal::add)).isEqualByComparingTo("7251161");
    assertThat(rows).extracting(r -> r.getAs("flow") + " " + r.getAs("importer_iso3") + " "
            + r.getAs("period_key") + " " + r.getAs("net_kg") + " " + r.getAs("customs_code"))
        .containsExactly("export RUS 2024-03 1200.000 10", "export RUS 2024-03 100.000 14",
            "export RUS 2024-03 null 39");
  }

  @Test
  void aGaccQueryOfAWholeYearIsAnAnnualRecordNotTheMonthItsNameSeemsToSay()
      throws IOException {
    // The query tool (wuhulamb/customs-data download.js) asks for months 1 to 12 of a year
    // and names the file <flow>-<year>-<port>_p<page>-<n>: here port 11, not November.
    String header = "商品编码,商品名称,贸易伙伴编码,贸易伙伴名称,贸易方式编码,贸易方式名称,注册地编码,注册地名称,"
        + "第一数量,第一计量单位,第二数量,第二计量单位,美元\n";
    String line = "85423100,处理器及控制器,344,俄罗斯联邦,10,一般贸易,11,北京市,\"1,000\",千克,"
        + "\"2,000\",个,\"7,000,000\"\n";
    Path year = write("export-2024-11_p1-123.csv", (header + line)
        .getBytes(StandardCharsets.UTF_8));
    Row r = records(read(year, format("gacc", Map.of()))).get(0);
    assertThat(r.<String>getAs("freq")).isEqualTo("A");
    assertThat(r.<String>getAs("period_key")).isEqualTo("2024-01");
    assertThat(r.<BigDecimal>getAs("value_usd")).isEqualByComparingTo("7000000");
    // The same through the setting, whatever the name.
    Path any = write("china.csv", (header + line).getBytes(StandardCharsets.UTF_8));
    assertThat(records(read(any, format("gacc", Map.of("period", "2023")))).get(0)
        .<String>getAs("freq")).isEqualTo("A");
    // A browser's second download is the same month; a name with a month that is not its
    // last number could mean anything: the file is refused, asking for the period.
    Path again = write("gacc-出口-2023-12 (1).csv", (header + line).getBytes(StandardCharsets.UTF_8));
    assertThat(records(read(again, format("gacc", Map.of()))).get(0)
        .<String>getAs("period_key")).isEqualTo("2023-12");
    Path v2 = write("gacc-2024-03-v2.csv", (header + line).getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> read(v2, format("gacc", Map.of())))
        .hasMessageContaining("nothing says which month or year it covers");
    // GACC's own 202403 is neither form the setting takes: said before the run.
    assertThatThrownBy(() -> format("gacc", Map.of("period", "202403")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("input.gacc.period: '202403' is not a month like 2024-03 or a year like 2024");
    // A file with a month column never falls back to its name: a bad month is a bad line.
    Path monthly = write("gacc-2024-03.csv", (GACC_MONTHLY.replace("人民币", "美元")
        + "2024年13月,85423100,处理器,344,俄罗斯联邦,1,千克,1,个,5\n").getBytes(StandardCharsets.UTF_8));
    assertThat(records(read(monthly, format("gacc", Map.of()))).get(0)
        .<String>getAs("reason_code")).isEqualTo("bad_period");
  }

  @Test
  void gaccBadFilesFailNamingTheFileAndTheFix() throws IOException {
    Path gbk = write("gbk.csv", (GACC_MONTHLY + "202403,85423100,处理器,344,俄罗斯联邦,1,千克,1,个,5\n")
        .getBytes(GBK));
    assertThatThrownBy(() -> read(gbk, format("gacc", Map.of("encoding", "UTF-8"))))
        .isInstanceOf(InputFileException.class)
        .hasMessageStartingWith("Cannot read file:" + gbk + ": it has bytes that are not "
            + "valid in its encoding");
    Path renamed = write("renamed.csv", "数据年月,编码,贸易伙伴编码,美元\n202403,85423100,344,5\n"
        .getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> read(renamed, format("gacc", Map.of())))
        .isInstanceOf(InputFileException.class)
        .hasMessageContaining("as gacc (China customs statistics export): the header lacks 商品编码")
        .hasMessageContaining("check its encoding (input.gacc.encoding, now auto)");
    Path empty = write("empty.csv", new byte[0]);
    assertThatThrownBy(() -> read(empty, format("gacc", Map.of())))
        .hasMessageContaining("the file is empty");
    Path corrupt = write("corrupt.csv.gz", new byte[] {0x1f, (byte) 0x8b, 8, 0, 9});
    assertThatThrownBy(() -> read(corrupt, format("gacc", Map.of())))
        .hasMessageContaining("gzip header is corrupt or cut short");
  }

  @Test
  void aMonthWithoutAnExchangeRateIsQuarantinedNamingCurrencyAndMonth() throws IOException {
    Path f = write("late.csv", (GACC_MONTHLY + "202510,85423100,处理器,344,俄罗斯联邦,1,千克,1,个,5\n")
        .getBytes(StandardCharsets.UTF_8));
    Row r = records(read(f, format("gacc", Map.of()))).get(0);
    assertThat(r.<String>getAs("reason_code")).isEqualTo("missing_fx_rate");
    assertThat(r.<String>getAs("reason")).startsWith("no CNY rate for 2025-10 in fx-monthly.csv "
        + "(rates: 2019-01..2025-08)");
  }

  // --- Eurostat Comext --------------------------------------------------------------------------

  @Test
  void comextReadsEurostatPeriodsAndCodesAndConvertsEuros() throws IOException {
    Path f = write("comext.csv.gz", gzip(("REPORTER,PARTNER,PRODUCT,FLOW,STAT_PROCEDURE,PERIOD,"
        + "VALUE_IN_EUR,QUANTITY_IN_KG\n"
        + "EL,RU,85423190,2,1,Aug. 2024,12345,10\n"
        + "DE,KZ,85423190,2,1,202408,\"1,234\",10\n"
        + "DE,QX,85423190,2,1,202408,5,1\n"
        + "DE,KZ,85423190,3,1,202408,5,1\n")));
    List<Row> rows = records(read(f, format("comext", Map.of())));
    Row greece = rows.get(0);
    assertThat(greece.<String>getAs("reporter_iso3")).isEqualTo("GRC");       // Eurostat's EL
    assertThat(greece.<String>getAs("period_key")).isEqualTo("2024-08");
    // 12,345 EUR x 1.1020 USD per EUR (2024-08) = 13,604.19 USD
    assertThat(greece.<BigDecimal>getAs("value_usd")).isEqualByComparingTo("13604.19");
    assertThat(greece.<String>getAs("currency_orig")).isEqualTo("EUR");
    // Comext values are plain numbers: a thousands separator is a defect, not a format.
    assertThat(rows.get(1).<String>getAs("reason")).isEqualTo("VALUE_IN_EUR '1,234' is not a "
        + "number");
    // QX: Eurostat's "not specified for commercial or military reasons", no country.
    assertThat(rows.get(2).<String>getAs("reason_code")).isEqualTo("special_partner");
    assertThat(rows.get(3).<String>getAs("reason")).isEqualTo("FLOW '3' is not one of 1, 2, "
        + "IMPORT, EXPORT");
  }

  // --- Declarations -----------------------------------------------------------------------------

  static final String DECLARATIONS = "declaration_number,declaration_date,item_number,tnved_code,"
      + "goods_description,shipper,consignee,consignee_inn,origin_country,dispatch_country,"
      + "trading_country,manufacturer,brand,invoice_value,invoice_currency,statistical_value_usd,"
      + "net_kg,gross_kg,quantity,quantity_unit\n";

  @Test
  void declarationsReadCyrillicTextCountryNamesAndConvertInvoicesWithoutAStatisticalValue()
      throws IOException {
    Path f = write("decl.csv", (DECLARATIONS
        + "10702070/151123/0012345,15.11.2023,1,8542319000,\"МИКРОСХЕМЫ ИНТЕГРАЛЬНЫЕ, \"\"ПРОЦЕССОРЫ\"\",\n"
        + "ДЛЯ ПРОМЫШЛЕННОГО ОБОРУДОВАНИЯ\",SHENZHEN ABC TRADING CO LTD,ООО \"ТЕХНОСНАБ\",7701234567,"
        + "КИТАЙ,CN,HK,TEXAS INSTRUMENTS,TI,10000,156,,12.5,13,500,шт\n"
        + "10702070/151123/0012345,15.11.2023,2,8542329000,ПАМЯТЬ,SHENZHEN ABC TRADING CO LTD,"
        + "ООО \"\"ТЕХНОСНАБ\"\",7701234567,Тайвань,Китай,HK,,SAMSUNG,\"2,000\",USD,\"2,000.00\",1,1,10,шт\n")
        .getBytes(StandardCharsets.UTF_8));
    List<Row> rows = records(read(f, format("declarations", Map.of())));
    Row first = rows.get(0);
    assertThat(first.<String>getAs("row_status")).as(String.valueOf((Object) first.getAs("reason")))
        .isEqualTo("accepted");
    assertThat(first.<String>getAs("importer_iso3")).isEqualTo("RUS");
    assertThat(first.<String>getAs("exporter_iso3")).isEqualTo("CHN");
    assertThat(first.<String>getAs("origin_iso3")).isEqualTo("CHN");          // КИТАЙ
    assertThat(first.<String>getAs("trading_iso3")).isEqualTo("HKG");
    assertThat(first.<String>getAs("description"))
        .isEqualTo("МИКРОСХЕМЫ ИНТЕГРАЛЬНЫЕ, \"ПРОЦЕССОРЫ\",\nДЛЯ ПРОМЫШЛЕННОГО ОБОРУДОВАНИЯ");
    assertThat(first.<String>getAs("currency_orig")).isEqualTo("CNY");      // ISO numeric 156
    // No statistical value: 10,000 CNY / 7.2226 CNY per USD (2023-11) = 1,384.54 USD
    assertThat(first.<BigDecimal>getAs("value_usd")).isEqualByComparingTo("1384.54");
    assertThat(first.<String>getAs("value_basis")).isEqualTo("CIF");
    assertThat(first.<String>getAs("document_id")).isEqualTo("10702070/151123/0012345/1");
    assertThat(first.<String>getAs("manufacturer")).isEqualTo("TEXAS INSTRUMENTS");
    Row second = rows.get(1);
    assertThat(second.<String>getAs("exporter_iso3")).isEqualTo("CHN");       // Китай
    assertThat(second.<String>getAs("origin_iso3")).isEqualTo("TWN");
    assertThat(second.<BigDecimal>getAs("value_usd")).isEqualByComparingTo("2000.00");
    assertThat(second.<String>getAs("manufacturer")).isEqualTo("SAMSUNG");
    assertThat(second.<Long>getAs("source_line")).isEqualTo(4L);
  }

  @Test
  void declarationsWithDecimalCommasAreReadWhenTheJobSaysSoAndRefusedOtherwise()
      throws IOException {
    // A Russian extract writes 48548,00 and 24,5: with input.declarations.number=1234,5 they are
    // 48,548.00 USD and 24.5 kg. Under the default 1,234.5 the same values are not numbers of
    // the layout: quarantined, never read as 4,854,800.
    String lines = DECLARATIONS
        + "10702070/011023/0001200,01.10.2023,1,8542319000,ПРОЦЕССОРЫ,A,B,7701234567,КИТАЙ,CN,"
        + "HK,,,\"349545,60\",156,\"48548,00\",\"24,5\",25,960,шт\n"
        + "10702070/011023/0001200,01.10.2023,2,8542329000,ПАМЯТЬ,A,B,7701234567,КИТАЙ,CN,"
        + "HK,,,\"1000,00\",USD,\"1234,567\",\"1,5\",2,10,шт\n";
    Path f = write("ru.csv", lines.getBytes(StandardCharsets.UTF_8));
    List<Row> comma = records(read(f, format("declarations", Map.of("number", "1234,5"))));
    assertThat(comma).extracting(r -> r.<String>getAs("row_status"))
        .containsExactly("accepted", "accepted");
    assertThat(comma.get(0).<BigDecimal>getAs("value_usd")).isEqualByComparingTo("48548.00");
    assertThat(comma.get(0).<BigDecimal>getAs("net_kg")).isEqualByComparingTo("24.5");
    assertThat(comma.get(1).<BigDecimal>getAs("value_usd")).isEqualByComparingTo("1234.57");
    List<Row> point = records(read(f, format("declarations", Map.of())));
    assertThat(point).extracting(r -> r.<String>getAs("reason_code"))
        .containsExactly("not_numeric", "not_numeric");
    assertThat(point).extracting(r -> r.<String>getAs("reason"))
        .allMatch(reason -> reason.endsWith(" is not a number written as 1,234.5"));
    assertThatThrownBy(() -> format("declarations", Map.of("number", "1.234")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("input.declarations.number: '1.234' is not a number layout");
  }

  @Test
  void aDeclarationFileInAnotherLayoutIsReadThroughItsOwnMapping() throws IOException {
    String mapping = """
        source = declarations
        encoding = windows-1251
        delimiter = ;
        column.number = Номер ДТ
        column.date = Дата
        column.code = Код товара
        column.country = Страна отправления
        column.usd = Стоимость, долл
        required = number, date, code, country, usd
        key = number, code
        field.period = month(date, 'dd.MM.yyyy')
        field.flow = 'import'
        field.reporter_iso3 = 'RUS'
        field.partner_iso3 = country(country, 'name')
        field.hs_code = hs_code(code)
        field.value_orig = decimal(usd)
        field.currency_orig = 'USD'
        """;
    SourceMapping m = SourceMapping.parse(new StringReader(mapping), "test");
    Path f = write("ftc.csv", ("Номер ДТ;Дата;Код товара;Страна отправления;Стоимость, долл\n"
        + "10009100/010323/0001;01.03.2023;8542.31.100.0;КИТАЙ;1500.50\n")
        .getBytes(Charset.forName("windows-1251")));
    Row r = records(read(f, new MappedFormat(m, Map.of(), REF.countries(), REF.fx()))).get(0);
    assertThat(r.<String>getAs("hs_code")).isEqualTo("8542311000");
    assertThat(r.<String>getAs("exporter_iso3")).isEqualTo("CHN");
    assertThat(r.<BigDecimal>getAs("value_usd")).isEqualByComparingTo("1500.50");
  }

  // --- A fifth format, by mapping alone ------------------------------------------------------------

  @Test
  void aToyFifthFormatNeedsOnlyAMapping() throws IOException {
    // Invented: a Ukrainian-style tab-separated export with ISO3 codes and months as 2023/05.
    String mapping = """
        source = toy
        description = invented tab-separated format
        delimiter = tab
        column.month = Місяць
        column.from = Країна
        column.code = УКТЗЕД
        column.eur = Вартість EUR
        column.direction = Напрям
        required = month, from, code, eur, direction
        option.reporter = UKR
        key = period, from, code, direction
        field.period = month(month, 'yyyy/MM')
        field.flow = lookup(direction, 'ІМ=import', 'ЕК=export')
        field.reporter_iso3 = country(option('reporter'), 'iso3')
        field.partner_iso3 = country(from, 'iso3')
        field.hs_code = hs_code(code)
        field.value_orig = decimal(eur)
        field.currency_orig = 'EUR'
        """;
    MappedFormat toy = new MappedFormat(SourceMapping.parse(new StringReader(mapping), "toy"),
        Map.of(), REF.countries(), REF.fx());
    Path f = write("toy.tsv", ("Місяць\tКраїна\tУКТЗЕД\tВартість EUR\tНапрям\n"
        + "2023/05\tCHN\t8542310000\t2500.50\tІМ\n"
        + "2023/05\tCHN\t8542310000\t1\tXX\n").getBytes(StandardCharsets.UTF_8));
    List<Row> rows = records(read(f, toy));
    assertThat(rows.get(0).<String>getAs("source")).isEqualTo("toy");
    assertThat(rows.get(0).<String>getAs("importer_iso3")).isEqualTo("UKR");
    // 2,500.50 EUR x 1.0867 USD per EUR (2023-05) = 2,717.29 USD
    assertThat(rows.get(0).<BigDecimal>getAs("value_usd")).isEqualByComparingTo("2717.29");
    assertThat(rows.get(1).<String>getAs("reason_code")).isEqualTo("unsupported_value");
  }

  /** Invented: a long layout whose amount column holds a value or a weight, as kind says. */
  static final String LONG_MAPPING = """
      source = long
      column.month = month
      column.code = code
      column.kind = kind
      column.amount = amount | value_usd
      required = month, code, amount
      key = period, code
      measure.kind = VALUE
      measure.kind.required_with = amount
      field.period = month(month, 'yyyy-MM')
      field.flow = 'export'
      field.reporter_iso3 = 'CHN'
      field.partner_iso3 = 'RUS'
      field.hs_code = hs_code(code)
      field.value_orig = decimal(amount)
      field.currency_orig = 'USD'
      """;

  @Test
  void measureLinesReadOnlyTheValueRowsOfALongLayoutAndNeedTheirColumn() throws IOException {
    MappedFormat format = new MappedFormat(SourceMapping.parse(new StringReader(LONG_MAPPING),
        "long"), Map.of(), REF.countries(), REF.fx());
    Path f = write("long.csv", "month,code,kind,amount\n2024-03,854231,value,100\n"
        .concat("2024-03,854231,KG,7\n").getBytes(StandardCharsets.UTF_8));
    List<Row> rows = records(read(f, format));
    // The value row (its kind in any case), 100 USD; the weight row set aside, by design.
    assertThat(rows.get(0).<BigDecimal>getAs("value_usd")).isEqualByComparingTo("100");
    assertThat(rows.get(1).<String>getAs("reason_code")).isEqualTo("other_measure");
    assertThat(rows.get(1).<String>getAs("reason")).isEqualTo("kind 'KG' is not the value this "
        + "source reads (VALUE); quantities are never added to values");
    // Without kind, an amount could be a weight: refused before a line is read.
    Path noKind = write("no-kind.csv", "month,code,amount\n2024-03,854231,7\n"
        .getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> read(noKind, format))
        .isInstanceOf(InputFileException.class)
        .hasMessageContaining("as long: its amount may be a quantity as well as VALUE (one row "
            + "per measure) and it has no kind column to say which");
    // A layout whose value column is a value by its name needs no kind column.
    Path wide = write("wide.csv", "month,code,value_usd\n2024-03,854231,100\n"
        .getBytes(StandardCharsets.UTF_8));
    assertThat(records(read(wide, format)).get(0).<String>getAs("row_status"))
        .isEqualTo("accepted");
  }

  @Test
  void statisticsWithASixDigitCodeAndTheCodesUnderItAreRefusedOtherMappingsCountEveryCode()
      throws IOException {
    // China customs: 854231 is its 8-digit lines 85423100 and 85423190 (levels = one).
    Path gacc = write("gacc-levels.csv", (GACC_MONTHLY
        + "202403,854231,处理器及控制器,344,俄罗斯联邦,10,千克,,,1000\n"
        + "202403,85423100,处理器及控制器,344,俄罗斯联邦,6,千克,,,600\n"
        + "202403,85423190,处理器及控制器,344,俄罗斯联邦,4,千克,,,400\n")
        .getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> read(gacc, format("gacc", Map.of())))
        .isInstanceOf(InputFileException.class)
        .hasMessageEndingWith("gacc-levels.csv: it has the 6-digit code 854231 and longer codes "
            + "under it (lines 2 and 3); adding both would count the same trade twice: export "
            + "the codes of one length (6 or 8 digits), not both");
    // A mapping without levels = one (shipment-level items, say) counts both codes.
    MappedFormat any = new MappedFormat(SourceMapping.parse(new StringReader(LONG_MAPPING),
        "long"), Map.of(), REF.countries(), REF.fx());
    Path items = write("items.csv", "month,code,value_usd\n2024-03,854231,100\n"
        .concat("2024-03,8542310000,7\n").getBytes(StandardCharsets.UTF_8));
    assertThat(records(read(items, any))).extracting(r -> r.<Boolean>getAs("is_countable"))
        .containsExactly(true, true);
  }

  @Test
  void mappingMistakesAreNamed() {
    assertThatThrownBy(() -> SourceMapping.parse(new StringReader(LONG_MAPPING
        .replace("measure.kind = VALUE", "measure.knd = VALUE")), "x.properties"))
        .hasMessage("Invalid mapping x.properties: measure.knd names a column that has no "
            + "column.knd line");
    assertThatThrownBy(() -> SourceMapping.parse(new StringReader(LONG_MAPPING
        .replace("measure.kind = VALUE\n", "")), "x.properties"))
        .hasMessage("Invalid mapping x.properties: measure.kind.required_with has no "
            + "measure.kind line saying which measure to read");
    assertThatThrownBy(() -> SourceMapping.parse(new StringReader(LONG_MAPPING
        .replace("required_with = amount", "required_with = OBS_VALUE")), "x.properties"))
        .hasMessage("Invalid mapping x.properties: measure.kind.required_with names header "
            + "OBS_VALUE, which no column.* line lists");
    assertThatThrownBy(() -> SourceMapping.parse(new StringReader(
        "source = x\nfield.period = month(m)\n"), "x.properties"))
        .hasMessage("Invalid mapping x.properties: field.period: month() takes a column and "
            + "patterns like 'yyyyMM|MMM yyyy': month(m)");
    assertThatThrownBy(() -> SourceMapping.parse(new StringReader("source = x\n"
        + "field.periodd = 'x'\n"), "x.properties"))
        .hasMessageStartingWith("Invalid mapping x.properties: field.periodd is not a canonical");
    assertThatThrownBy(() -> SourceMapping.parse(new StringReader("source = x\n"
        + "field.period = first(nope(a))\n"), "x.properties"))
        .hasMessageContaining("unknown converter nope()");
    assertThatThrownBy(() -> SourceMapping.parse(new StringReader(LONG_MAPPING
        + "levels = two\n"), "x.properties"))
        .hasMessage("Invalid mapping x.properties: levels 'two' must be one (statistics, one "
            + "product level per file) or any");
  }

  private static byte[] gzip(String text) throws IOException {
    var bytes = new java.io.ByteArrayOutputStream();
    try (OutputStream gz = new GZIPOutputStream(bytes)) {
      gz.write(text.getBytes(StandardCharsets.UTF_8));
    }
    return bytes.toByteArray();
  }
}

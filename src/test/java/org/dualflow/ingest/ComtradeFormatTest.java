package org.dualflow.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.StringReader;
import java.math.BigDecimal;
import java.sql.Date;
import java.util.ArrayList;
import java.util.List;
import org.dualflow.reference.Countries;
import org.dualflow.reference.ReferenceFiles;
import org.junit.jupiter.api.Test;

class ComtradeFormatTest {

  static final String HEADER = "freqCode,refYear,refMonth,period,reporterCode,reporterISO,"
      + "flowCode,partnerCode,partnerISO,partner2Code,classificationCode,cmdCode,aggrLevel,"
      + "customsCode,mosCode,motCode,qtyUnitAbbr,qty,netWgt,primaryValue";
  static final Countries COUNTRIES = Countries.load(new ReferenceFiles(null));

  /** Parses one data line under {@link #HEADER}. */
  static Object[] parse(String line) throws IOException {
    return parseAll(line).get(0);
  }

  static List<Object[]> parseAll(String lines) throws IOException {
    CsvRecordReader r = new CsvRecordReader(new StringReader(HEADER + "\n" + lines));
    r.next();
    List<String> header = new ArrayList<>();
    for (int i = 0; i < r.fieldCount(); i++) {
      header.add(r.field(i));
    }
    SourceFormat.RecordParser parser = new ComtradeFormat(COUNTRIES).parserFor(header, "f.csv");
    List<Object[]> out = new ArrayList<>();
    while (r.next()) {
      Object[] row = Ingested.newRow();
      parser.parse(r, row);
      out.add(row);
    }
    return out;
  }

  @Test
  void readsAnExportWithItsDirectionBasisAndPeriod() throws IOException {
    Object[] row = parse("M,2022,3,202203,156,CHN,X,643,RUS,0,H6,854231,6,C00,0,0,kg,12.5,12.5,"
        + "1000.505");
    assertThat(row[Ingested.ROW_STATUS]).isEqualTo(Ingested.ACCEPTED);
    assertThat(row[Ingested.PERIOD]).isEqualTo(Date.valueOf("2022-03-01"));
    assertThat(row[Ingested.PERIOD_KEY]).isEqualTo("2022-03");
    assertThat(row[Ingested.FLOW]).isEqualTo("export");
    assertThat(row[Ingested.REPORTED_BY]).isEqualTo("exporter");
    assertThat(row[Ingested.EXPORTER]).isEqualTo("CHN");
    assertThat(row[Ingested.IMPORTER]).isEqualTo("RUS");
    assertThat(row[Ingested.VALUE_BASIS]).isEqualTo("FOB");
    assertThat(row[Ingested.VALUE_USD]).isEqualTo(new BigDecimal("1000.51"));   // half-up
    assertThat(row[Ingested.NET_KG]).isEqualTo(new BigDecimal("12.500"));
    assertThat(row[Ingested.HS_EDITION]).isEqualTo("HS2022");
    assertThat(row[Ingested.HS6]).isEqualTo("854231");
    assertThat(row[Ingested.IS_COUNTABLE]).isEqualTo(true);
    assertThat(row[Ingested.PARTNER2]).isNull();
  }

  @Test
  void anImportRunsFromPartnerToReporterAtCif() throws IOException {
    Object[] row = parse("M,2021,12,202112,51,ARM,M,156,CHN,0,H5,854140,6,C00,0,0,,,,5");
    assertThat(row[Ingested.REPORTER]).isEqualTo("ARM");            // 51 = 051, zero lost
    assertThat(row[Ingested.EXPORTER]).isEqualTo("CHN");
    assertThat(row[Ingested.IMPORTER]).isEqualTo("ARM");
    assertThat(row[Ingested.REPORTED_BY]).isEqualTo("importer");
    assertThat(row[Ingested.VALUE_BASIS]).isEqualTo("CIF");
    assertThat(row[Ingested.HS_EDITION]).isEqualTo("HS2017");
    assertThat(row[Ingested.NET_KG]).isNull();
  }

  @Test
  void annualRowsGetJanuaryAndFreqA() throws IOException {
    Object[] row = parse("A,2020,52,2020,417,KGZ,X,643,RUS,0,H5,847180,6,C00,0,0,,,,7");
    assertThat(row[Ingested.FREQ]).isEqualTo("A");
    assertThat(row[Ingested.PERIOD]).isEqualTo(Date.valueOf("2020-01-01"));
  }

  @Test
  void comtradeCodesThatAreNotM49StillResolve() throws IOException {
    assertThat(parse("M,2021,1,202101,842,USA,X,251,FRA,0,H5,847180,6,C00,0,0,,,,1")
        [Ingested.PARTNER]).isEqualTo("FRA");
    assertThat(parse("M,2021,1,202101,842,USA,X,251,FRA,0,H5,847180,6,C00,0,0,,,,1")
        [Ingested.REPORTER]).isEqualTo("USA");
  }

  @Test
  void aggregatesBreakdownsAndWorldAreKeptButNotCountable() throws IOException {
    List<Object[]> rows = parseAll(String.join("\n",
        "M,2022,1,202201,156,CHN,X,643,RUS,0,H6,TOTAL,0,C00,0,0,,,,100",
        "M,2022,1,202201,156,CHN,X,643,RUS,0,H6,8542,4,C00,0,0,,,,100",
        "M,2022,1,202201,156,CHN,X,643,RUS,0,H6,854231,6,C00,0,3100,,,,100",
        "M,2022,1,202201,156,CHN,X,643,RUS,156,H6,854231,6,C00,0,0,,,,100",
        "M,2022,1,202201,156,CHN,X,0,W00,0,H6,854231,6,C00,0,0,,,,100",
        "M,2022,1,202201,156,CHN,X,643,RUS,0,H6,90111,6,C00,0,0,,,,100"));
    assertThat(rows).extracting(r -> r[Ingested.IS_COUNTABLE])
        .containsExactly(false, false, false, false, false, true);
    assertThat(rows).extracting(r -> r[Ingested.EXCLUSION_REASON]).containsExactly(
        "TOTAL line (all commodities)", "4-digit aggregate line",
        "break-down row (partner2, customs, transport or supply mode)",
        "break-down row (partner2, customs, transport or supply mode)",
        "partner is World (total over partners)", null);
    assertThat(rows.get(0)[Ingested.HS_LEVEL]).isEqualTo(0);
    assertThat(rows.get(4)[Ingested.PARTNER]).isEqualTo("WLD");
    assertThat(rows.get(3)[Ingested.PARTNER2]).isEqualTo("CHN");
    assertThat(rows.get(5)[Ingested.HS_CODE]).isEqualTo("090111");   // leading zero restored
  }

  @Test
  void mosCodeMinusOneOfTheBulkFilesIsATotalNotABreakDown() throws IOException {
    // Bulk files write -1 for "not applicable": that row is the total and counts; a real
    // mode-of-supply break-down (3) of it does not. Countable value: 250.00, not 0.
    List<Object[]> rows = parseAll(
        "M,2023,1,202301,156,CHN,X,643,RUS,0,H6,854231,6,C00,-1,0,kg,1,1,250.00\n"
            + "M,2023,1,202301,156,CHN,X,643,RUS,0,H6,854231,6,C00,3,0,kg,1,1,100.00\n");
    BigDecimal countable = rows.stream().filter(r -> Boolean.TRUE.equals(r[Ingested.IS_COUNTABLE]))
        .map(r -> (BigDecimal) r[Ingested.VALUE_USD]).reduce(BigDecimal.ZERO, BigDecimal::add);
    assertThat(countable).isEqualByComparingTo("250.00");
    assertThat(rows.get(1)[Ingested.IS_BREAKDOWN]).isEqualTo(true);
  }

  @Test
  void badLinesAreRejectedWithTheirReasonAndRawText() throws IOException {
    List<Object[]> rows = parseAll(String.join("\n",
        "M,2022,1,202201,156,CHN,X,643,RUS,0,H6,854231,6,C00,0,0,kg,1,1",
        "M,2022,1,202201,156,CHN,X,643,RUS,0,H6,854231,6,C00,0,0,kg,1,1,1,extra",
        "M,2022,1,202201,156,CHN,X,643,RUS,0,H6,854231,6,C00,0,0,kg,1,1,n/a",
        "M,2022,1,202201,156,CHN,X,643,RUS,0,H6,854231,6,C00,0,0,kg,1,1,-5",
        "M,2022,1,202201,156,CHN,X,643,RUS,0,H6,854231,6,C00,0,0,kg,1,1,1e25",
        "M,2022,1,202201,156,CHN,X,643,RUS,0,H6,854231,6,C00,0,0,kg,1,1,",
        "M,2022,1,202201,156,CHN,X,643,RUS,0,H6,,6,C00,0,0,kg,1,1,5",
        "M,2022,1,202201,156,CHN,X,643,RUS,0,H6,85X231,6,C00,0,0,kg,1,1,5",
        "M,2022,1,202201,156,CHN,X,999,,0,H6,854231,6,C00,0,0,kg,1,1,5",
        "M,2022,1,202201,156,RUS,X,643,RUS,0,H6,854231,6,C00,0,0,kg,1,1,5",
        "M,2022,1,202201,156,CHN,DX,643,RUS,0,H6,854231,6,C00,0,0,kg,1,1,5",
        "M,2022,1,202201,156,CHN,X,643,RUS,0,H4,854231,6,C00,0,0,kg,1,1,5",
        "M,2022,13,202213,156,CHN,X,643,RUS,0,H6,854231,6,C00,0,0,kg,1,1,5",
        "M,2022,1,202202,156,CHN,X,643,RUS,0,H6,854231,6,C00,0,0,kg,1,1,5",
        "Q,2022,1,202201,156,CHN,X,643,RUS,0,H6,854231,6,C00,0,0,kg,1,1,5"));
    assertThat(rows).extracting(r -> r[Ingested.REASON_CODE]).containsExactly(
        "field_count", "field_count", "not_numeric", "negative_value", "value_overflow",
        "missing_value", "missing_commodity_code", "bad_commodity_code", "unknown_country",
        "inconsistent_country", "unsupported_flow", "unsupported_classification", "bad_period",
        "bad_period", "bad_period");
    assertThat(rows).allSatisfy(r -> {
      assertThat(r[Ingested.ROW_STATUS]).isEqualTo(Ingested.REJECTED);
      assertThat((String) r[Ingested.RAW_LINE]).matches("[MQ],2022,.*");
    });
    assertThat(rows.get(14)[Ingested.RAW_LINE]).isEqualTo(
        "Q,2022,1,202201,156,CHN,X,643,RUS,0,H6,854231,6,C00,0,0,kg,1,1,5");
    assertThat(rows.get(0)[Ingested.REASON]).isEqualTo(
        "expected 20 fields as in the header, found 19");
    assertThat(rows.get(2)[Ingested.REASON]).isEqualTo("primaryValue 'n/a' is not a number");
    assertThat(rows.get(8)[Ingested.REASON])
        .isEqualTo("partnerCode 999 is not a known Comtrade or M49 country code");
    assertThat(rows.get(9)[Ingested.REASON]).isEqualTo("reporterCode 156 is CHN but reporterISO says RUS");
    // A row whose month is readable keeps it, so that a run scoped to other months skips it.
    assertThat(rows.get(2)[Ingested.PERIOD_KEY]).isEqualTo("2022-01");
    assertThat(rows.get(12)[Ingested.PERIOD_KEY]).isEqualTo("unknown");
  }

  @Test
  void aHeaderWithoutTheComtradeColumnsFailsTheFileNamingWhatIsMissing() {
    assertThatThrownBy(() -> new ComtradeFormat(COUNTRIES)
        .parserFor(List.of("REPORTER", "PARTNER", "PRODUCT", "VALUE_IN_EUR"), "x.csv"))
        .isInstanceOf(InputFileException.class)
        .hasMessageStartingWith("Cannot read x.csv as UN Comtrade final data: the header lacks "
            + "freqCode, refYear, refMonth, reporterCode, flowCode, partnerCode, "
            + "classificationCode, cmdCode, primaryValue");
  }
}

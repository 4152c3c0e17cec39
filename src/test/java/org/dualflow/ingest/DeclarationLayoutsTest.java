package org.dualflow.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * Russian import declarations in the customs service's own field names, laid out as extracts
 * come (fixture and sources in {@code src/test/resources/DeclarationLayoutsTest/README.md}):
 * read with no mapping and no option.
 */
class DeclarationLayoutsTest {

  private static final Path FIXTURE = Path.of(
      "src/test/resources/DeclarationLayoutsTest/dt-extract-2023-10.csv");

  @Test
  void aSemicolonWindows1251ExtractWithDecimalCommasGivesTheStatisticalValues()
      throws IOException {
    List<Row> rows = MappedFormatTest.read(FIXTURE, MappedFormatTest.format("declarations",
        Map.of())).stream().filter(r -> !"file".equals(r.getAs("row_status"))).toList();
    assertThat(rows).extracting(r -> r.<String>getAs("row_status"))
        .as(rows.stream().map(r -> String.valueOf((Object) r.getAs("reason"))).toList()
            .toString())
        .containsExactly("accepted", "accepted", "accepted");
    // Statistical values in USD: 48,548.00 + 1,234,567.89 + 127,407.00 = 1,410,522.89.
    BigDecimal total = rows.stream().map(r -> r.<BigDecimal>getAs("value_usd"))
        .reduce(BigDecimal.ZERO, BigDecimal::add);
    assertThat(total).isEqualByComparingTo("1410522.89");
    assertThat(rows).extracting(r -> r.getAs("period").toString() + " "
            + r.getAs("exporter_iso3") + " " + r.getAs("origin_iso3") + " "
            + r.getAs("trading_iso3") + " " + r.getAs("net_kg"))
        .containsExactly("2023-10-01 CHN CHN HKG 24.500", "2023-10-01 CHN KOR HKG 1038.500",
            "2023-10-01 HKG USA HKG 63.500");
    Row first = rows.get(0);
    assertThat(first.<String>getAs("description")).isEqualTo("МИКРОСХЕМЫ ИНТЕГРАЛЬНЫЕ; "
        + "ПРОЦЕССОРЫ STM32");
    assertThat(first.<String>getAs("consignee")).isEqualTo("ООО \"ТЕХНОСНАБ\"");
    assertThat(first.<String>getAs("consignee_id")).isEqualTo("7701234567");
    assertThat(first.<String>getAs("currency_orig")).isEqualTo("CNY");
    assertThat(first.<String>getAs("document_id"))
        .isEqualTo("10702070/04.10.2023 0:00:00/0012345/1");
    assertThat(rows.get(2).<BigDecimal>getAs("value_orig")).isEqualByComparingTo("118488.51");
  }

  @Test
  void theExtractReadInSplitsGivesTheSameValues() throws IOException {
    // As a run reads a file larger than ingest.split-size: windows-1251 bytes, cut where
    // records start. The same three records and total as read whole above.
    for (long size : new long[] {1, 150, 300}) {
      List<Row> rows = MappedFormatTest.records(MappedFormatTest.readSplits(FIXTURE,
          MappedFormatTest.format("declarations", Map.of()), size));
      assertThat(rows).extracting(r -> r.<String>getAs("row_status")).as("split size %d", size)
          .containsExactly("accepted", "accepted", "accepted");
      assertThat(rows.stream().map(r -> r.<BigDecimal>getAs("value_usd"))
          .reduce(BigDecimal.ZERO, BigDecimal::add)).isEqualByComparingTo("1410522.89");
      assertThat(rows.get(0).<String>getAs("consignee")).isEqualTo("ООО \"ТЕХНОСНАБ\"");
    }
  }
}

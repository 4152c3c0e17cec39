package org.dualflow.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.sql.Date;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.dualflow.SparkTestSession;
import org.junit.jupiter.api.Test;

class FlowsMonthlyTest {

  static final StructType FLOWS = StructType.fromDDL("period DATE, source STRING, freq STRING, "
      + "flow STRING, "
      + "exporter_iso3 STRING, importer_iso3 STRING, reported_by STRING, value_basis STRING, "
      + "list_id STRING, list_version STRING, tier STRING, hs6 STRING, value_usd DECIMAL(18,2), "
      + "net_kg DECIMAL(20,3), is_hs_mapped BOOLEAN");

  private static Row flow(String month, String freq, String flow, String exporter,
      String reportedBy, String hs6, String usd, String kg, boolean mapped) {
    return RowFactory.create(Date.valueOf(month + "-01"), "comtrade", freq, flow, exporter, "RUS",
        reportedBy,
        reportedBy.equals("exporter") ? "FOB" : "CIF", "chpl", "2024-02", "1", hs6,
        new BigDecimal(usd), kg == null ? null : new BigDecimal(kg), mapped);
  }

  @Test
  void sumsMonthlyExportsAndImportsSeparatelyAndLeavesOutAnnualAndReExports() {
    Dataset<Row> flows = SparkTestSession.get().createDataFrame(List.of(
        flow("2023-01", "M", "export", "CHN", "exporter", "854231", "100.10", "1.000", false),
        flow("2023-01", "M", "export", "CHN", "exporter", "854231", "200.20", null, true),
        flow("2023-01", "M", "import", "CHN", "importer", "854231", "330.00", "2.000", false),
        flow("2023-01", "M", "re-export", "CHN", "exporter", "854231", "50.00", "1.000", false),
        flow("2023-01", "A", "export", "CHN", "exporter", "854231", "9999.00", "1.000", false),
        flow("2023-02", "M", "export", "CHN", "exporter", "854231", "7.00", "0.500", false)),
        FLOWS);
    List<String> out = FlowsMonthly.from(flows).orderBy("period", "reported_by").collectAsList()
        .stream().map(r -> r.getAs("period") + " " + r.getAs("reported_by") + " "
            + r.getAs("value_basis") + " " + r.getAs("value_usd") + " " + r.getAs("net_kg") + " "
            + r.getAs("records") + " " + r.getAs("hs_mapped_records"))
        .toList();
    // 100.10 + 200.20 = 300.30 FOB; the 330.00 CIF stays apart; RX and the annual row never count.
    assertThat(out).containsExactly(
        "2023-01-01 exporter FOB 300.30 1.000 2 1",
        "2023-01-01 importer CIF 330.00 2.000 1 0",
        "2023-02-01 exporter FOB 7.00 0.500 1 0");
  }
}

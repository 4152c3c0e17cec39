package org.dualflow.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.math.BigDecimal;
import java.sql.Date;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.dualflow.SparkTestSession;
import org.dualflow.schema.TableSchema;
import org.junit.jupiter.api.Test;

class EntitySummaryTest {

  static final StructType FLOWS = TableSchema.load("dual_use_flows").schema();

  static Row shipment(String id, String month, String hs6, String tier, String usd,
      String shipper, String consignee, String inn) {
    Object[] v = new Object[FLOWS.size()];
    v[FLOWS.fieldIndex("record_id")] = id;
    v[FLOWS.fieldIndex("freq")] = "M";
    v[FLOWS.fieldIndex("list_id")] = "chpl";
    v[FLOWS.fieldIndex("list_version")] = "2024-02";
    v[FLOWS.fieldIndex("tier")] = tier;
    v[FLOWS.fieldIndex("hs6")] = hs6;
    v[FLOWS.fieldIndex("exporter_iso3")] = "CHN";
    v[FLOWS.fieldIndex("importer_iso3")] = "RUS";
    v[FLOWS.fieldIndex("value_usd")] = new BigDecimal(usd).setScale(2);
    v[FLOWS.fieldIndex("shipper")] = shipper;
    v[FLOWS.fieldIndex("consignee")] = consignee;
    v[FLOWS.fieldIndex("consignee_id")] = inn;
    v[FLOWS.fieldIndex("period")] = Date.valueOf(month + "-01");
    return RowFactory.create(v);
  }

  private static Dataset<Row> sample() {
    List<Row> rows = new ArrayList<>();
    // One shipper written two ways; a second shipper; a consignee known by its INN whatever
    // its name says.
    rows.add(shipment("r1", "2021-06", "854231", "1", "300", "Shenzhen Junda Electronics Co Ltd",
        "ООО \"ТЕХНОСНАБ\"", "7701234567"));
    rows.add(shipment("r2", "2023-01", "854231", "1", "450", "SHENZHEN JUNDA ELECTRONICS CO., LTD",
        "ООО ТЕХНОСНАБ", "7701234567"));
    rows.add(shipment("r3", "2023-02", "854231", "1", "250", "SINO-HK TRADING LIMITED",
        "АО \"РАДИОКОМПЛЕКТ\"", "5009876543"));
    rows.add(shipment("r4", "2023-03", "851762", "2", "100", "SINO-HK TRADING LIMITED",
        "АО \"РАДИОКОМПЛЕКТ\"", "5009876543"));
    return SparkTestSession.get().createDataFrame(rows, FLOWS);
  }

  @Test
  void whetherAFirmIsNewIsUnknownWhenTheRecordsStartAfterTheInvasion() {
    // Only 2023 records (r2-r4): every firm is first seen in 2023, which says nothing of 2021.
    List<Row> shippers = EntitySummary.summary(sample().where("record_id <> 'r1'"))
        .where("role = 'shipper'").collectAsList();
    assertThat(shippers).extracting(r -> r.getAs("is_new_since_invasion")).containsOnlyNulls();
  }

  @Test
  void oneFirmIsOneRowWhateverItsNameSays() {
    List<Row> shippers = EntitySummary.summary(sample()).where("role = 'shipper'")
        .orderBy("entity_key").collectAsList();
    assertThat(shippers).extracting(r -> r.getAs("entity_key") + " " + r.getAs("value_usd")
            + " " + r.getAs("records") + " " + r.getAs("is_new_since_invasion"))
        .containsExactly("name:SHENZHEN JUNDA ELECTRONICS 750.00 2 false",
            "name:SINO HK TRADING 350.00 2 true");
    Row junda = shippers.get(0);
    assertThat(junda.getList(junda.fieldIndex("names"))).containsExactly(
        "SHENZHEN JUNDA ELECTRONICS CO., LTD", "Shenzhen Junda Electronics Co Ltd");
    // Its share of 854231 among shippers: 750 of 1000.
    assertThat(junda.<scala.collection.Map<String, Double>>getAs("hs6_share").get("854231")
        .get()).isCloseTo(0.75, within(1e-12));
    Row techno = EntitySummary.summary(sample())
        .where("role = 'consignee' AND entity_id = '7701234567'").first();
    assertThat(techno.<String>getAs("entity_key")).isEqualTo("id:7701234567");
    assertThat(techno.<BigDecimal>getAs("value_usd")).isEqualByComparingTo("750.00");
  }

  @Test
  void concentrationIsTheHerfindahlHirschmanIndex() {
    Row hs6 = EntitySummary.concentration(sample())
        .where("role = 'shipper' AND dimension = 'hs6' AND key = '854231'").first();
    // Shares 75% and 25%: 75^2 + 25^2 = 6250.
    assertThat(hs6.<Double>getAs("hhi")).isCloseTo(6250.0, within(1e-6));
    assertThat(hs6.<Long>getAs("entities")).isEqualTo(2);
    Row route = EntitySummary.concentration(sample())
        .where("role = 'consignee' AND dimension = 'route'").first();
    // Consignees on CHN>RUS: 750 and 350 of 1100: (68.18..)^2 + (31.81..)^2 = 5661.16...
    assertThat(route.<Double>getAs("hhi")).isCloseTo(
        Math.pow(750.0 / 1100 * 100, 2) + Math.pow(350.0 / 1100 * 100, 2), within(1e-6));
  }
}

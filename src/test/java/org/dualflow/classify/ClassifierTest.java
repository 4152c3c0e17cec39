package org.dualflow.classify;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.dualflow.SparkTestSession;
import org.dualflow.reference.CodeListEntry;
import org.junit.jupiter.api.Test;

class ClassifierTest {

  static final StructType RECORDS = StructType.fromDDL(
      "record_id STRING, hs_code STRING, hs6 STRING, hs_edition STRING, is_countable BOOLEAN");

  private static Dataset<Row> records(SparkSession spark, Object[]... rows) {
    return spark.createDataFrame(java.util.Arrays.stream(rows).map(RowFactory::create).toList(),
        RECORDS);
  }

  /** "record_id list_id@version list_code tier hs6 mapped" per match, sorted. */
  private static List<String> matches(Dataset<Row> classified) {
    return classified.orderBy("record_id", "list_id", "list_version").collectAsList().stream()
        .map(r -> r.getAs("record_id") + " " + r.getAs("list_id") + "@" + r.getAs("list_version")
            + " " + r.getAs("list_code") + " " + r.getAs("tier") + " " + r.getAs("hs6") + " "
            + r.getAs("is_hs_mapped"))
        .toList();
  }

  @Test
  void longestPrefixWinsWithinAListAndEachListMatchesOnce() {
    SparkSession spark = SparkTestSession.get();
    Map<String, List<CodeListEntry>> lists = Map.of(
        "a@1", List.of(new CodeListEntry("a", "1", "HS2022", "8542", "broad", ""),
            new CodeListEntry("a", "1", "HS2022", "854231", "narrow", ""),
            new CodeListEntry("a", "1", "HS2022", "85423111", "national", "")),
        "b@1", List.of(new CodeListEntry("b", "1", "HS2022", "854231", "x", "")));
    List<MatchRow> table = MatchTable.build(lists, MatchTableTest.REFERENCE.hsConversion());
    Dataset<Row> out = Classifier.classify(records(spark,
        new Object[] {"r1", "854231", "854231", "HS2022", true},
        new Object[] {"r2", "85423111", "854231", "HS2022", true},
        new Object[] {"r3", "854232", "854232", "HS2022", true},
        new Object[] {"r4", "870323", "870323", "HS2022", true},
        new Object[] {"r5", "854231", "854231", "HS2022", false},
        new Object[] {"r6", "8542", null, "HS2022", true},
        new Object[] {"r7", "85423100", "854231", "HS2022", true}), table);
    assertThat(matches(out)).containsExactly(
        "r1 a@1 854231 narrow 854231 false",
        "r1 b@1 854231 x 854231 false",
        "r2 a@1 85423111 national 854231 false",
        "r2 b@1 854231 x 854231 false",
        "r3 a@1 8542 broad 854232 false",
        "r6 a@1 8542 broad null false",
        "r7 a@1 854231 narrow 854231 false",
        "r7 b@1 854231 x 854231 false");
  }

  @Test
  void hs2017RecordsMatchThroughTheConcordanceAndSayso() {
    SparkSession spark = SparkTestSession.get();
    Map<String, List<CodeListEntry>> chpl = MatchTableTest.REFERENCE.codeLists().select("chpl");
    List<MatchRow> table = MatchTable.build(chpl, MatchTableTest.REFERENCE.hsConversion());
    Dataset<Row> out = Classifier.classify(records(spark,
        new Object[] {"a", "854140", "854140", "HS2017", true},
        new Object[] {"b", "880330", "880330", "HS2017", true},
        new Object[] {"c", "854231", "854231", "HS2017", true},
        new Object[] {"d", "854149", "854149", "HS2022", true},
        new Object[] {"e", "854140", "854140", "HS2022", true}), table);
    assertThat(matches(out)).containsExactly(
        "a chpl@2024-02 854149 3.A 854149 true",
        "b chpl@2024-02 880730 3.B 880730 true",
        "c chpl@2024-02 854231 1 854231 false",
        "d chpl@2024-02 854149 3.A 854149 false");
    assertThat(out.select("hs6_reported").where("record_id = 'a'").first().getString(0))
        .isEqualTo("854140");
  }
}

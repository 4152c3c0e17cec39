package org.dualflow.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class TableSchemaTest {

  static final List<String> TABLES = List.of("trade_records", "rejected_records",
      "dual_use_flows", "flows_monthly", "run_manifest");

  @Test
  void everyTableFileParsesAndDocumentsEveryColumn() {
    for (String name : TABLES) {
      TableSchema t = TableSchema.load(name);
      assertThat(t.description()).as(name).isNotBlank();
      assertThat(t.schema().fields()).as(name).isNotEmpty();
      Arrays.stream(t.schema().fieldNames())
          .forEach(c -> assertThat(t.comment(c)).as(name + "." + c).isNotBlank());
    }
    assertThat(TableSchema.load("flows_monthly").partitionColumns()).containsExactly("period");
    assertThat(TableSchema.load("run_manifest").partitionColumns()).isEmpty();
  }

  @Test
  void aPartitionColumnMustBeAColumn() {
    assertThatThrownBy(() -> TableSchema.parse("t", "-- partitioned_by: nope\na STRING"))
        .hasMessage("Invalid schema file for t: partition column nope is not a column");
  }
}

package org.dualflow;

import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.map_entries;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.dualflow.schema.TableSchema;

/**
 * A warehouse's data tables as sorted JSON lines, to compare two warehouses row by row (every
 * column but run_id, which names the run that wrote a row).
 */
public final class WarehouseSnapshot {

  /** Tables a run writes for its months or recomputes; the run logs (manifest, report) grow. */
  static final List<String> DATA_TABLES = TableSchema.ALL.stream()
      .filter(t -> !t.equals("run_manifest") && !t.equals("quality_report")).toList();

  private WarehouseSnapshot() {
  }

  /** Row-by-row equality of two snapshots, failing with the tables and rows that differ. */
  public static void assertSame(Map<String, List<String>> actual,
      Map<String, List<String>> expected) {
    List<String> problems = new ArrayList<>();
    for (String table : expected.keySet()) {
      List<String> a = actual.getOrDefault(table, List.of());
      List<String> e = expected.get(table);
      if (!a.equals(e)) {
        List<String> missing = new ArrayList<>(e);
        missing.removeAll(a);
        List<String> extra = new ArrayList<>(a);
        extra.removeAll(e);
        problems.add(table + ": " + a.size() + " rows, expected " + e.size() + "; missing "
            + missing.stream().limit(3).toList() + "; unexpected "
            + extra.stream().limit(3).toList());
      }
    }
    assertThat(problems).as("tables that differ").isEmpty();
  }

  /**
   * Every data table as sorted JSON lines, run_id left out; maps and arrays sorted, since
   * their element order is not part of the data.
   */
  public static Map<String, List<String>> of(Path wh) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (String name : DATA_TABLES) {
      TableSchema table = TableSchema.load(name);
      List<Column> cols = new ArrayList<>();
      for (StructField f : table.schema().fields()) {
        if (f.name().equals("run_id")) {
          continue;
        }
        Column c = col(f.name());
        if (f.dataType() instanceof MapType) {
          c = array_sort(map_entries(c));
        } else if (f.dataType() instanceof ArrayType) {
          c = array_sort(c);
        }
        cols.add(c.as(f.name()));
      }
      out.put(name, SparkTestSession.get().read().schema(table.schema())
          .parquet(wh.resolve(name).toString())
          .select(to_json(struct(cols.toArray(Column[]::new)))).collectAsList().stream()
          .map(r -> r.getString(0)).sorted().toList());
    }
    return out;
  }
}

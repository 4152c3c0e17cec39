package org.dualflow.schema;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * An output table's layout, read from its file in {@code schemas/tables/<name>.ddl}: Spark DDL
 * column definitions, preceded by {@code -- key: value} header lines (table, description,
 * partitioned_by). The files are the single source of truth for the code, the tests and the
 * data dictionary; the jar carries them under {@code dualflow/schemas/tables/}.
 */
public final class TableSchema implements Serializable {

  private static final String RESOURCE_DIR = "dualflow/schemas/tables/";

  /** Every output table, in pipeline order. */
  public static final java.util.List<String> ALL = java.util.List.of("trade_records",
      "rejected_records", "dual_use_flows", "flows_monthly", "coverage", "corridor_monthly",
      "mirror_gaps", "mirror_gaps_yearly", "baseline_change", "supplier_share",
      "transit_signals", "roundabout", "unit_value_outliers",
      "entity_summary", "entity_concentration", "quality_report", "run_manifest");

  private final String name;
  private final String description;
  private final List<String> partitionColumns;
  private final StructType schema;

  private TableSchema(String name, String description, List<String> partitionColumns,
      StructType schema) {
    this.name = name;
    this.description = description;
    this.partitionColumns = partitionColumns;
    this.schema = schema;
  }

  /** Loads table {@code name} from the classpath. */
  public static TableSchema load(String name) {
    String resource = RESOURCE_DIR + name + ".ddl";
    try (InputStream in = TableSchema.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("Cannot find table schema " + resource
            + " on the classpath: the jar was built without schemas/");
      }
      return parse(name, new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read table schema " + resource, e);
    }
  }

  static TableSchema parse(String name, String text) {
    String description = "";
    List<String> partitions = new ArrayList<>();
    StringBuilder ddl = new StringBuilder();
    for (String line : text.split("\n")) {
      String trimmed = line.trim();
      if (trimmed.startsWith("--")) {
        String header = trimmed.substring(2).trim();
        int colon = header.indexOf(':');
        if (colon > 0) {
          String key = header.substring(0, colon).trim();
          String value = header.substring(colon + 1).trim();
          if (key.equals("description")) {
            description = value;
          } else if (key.equals("partitioned_by") && !value.isEmpty()) {
            Arrays.stream(value.split(",")).map(String::trim).forEach(partitions::add);
          }
        }
      } else if (!trimmed.isEmpty()) {
        ddl.append(line).append('\n');
      }
    }
    StructType schema = StructType.fromDDL(ddl.toString());
    for (String p : partitions) {
      if (!Arrays.asList(schema.fieldNames()).contains(p)) {
        throw new IllegalStateException("Invalid schema file for " + name
            + ": partition column " + p + " is not a column");
      }
    }
    return new TableSchema(name, description, Collections.unmodifiableList(partitions), schema);
  }

  public String name() {
    return name;
  }

  public String description() {
    return description;
  }

  public List<String> partitionColumns() {
    return partitionColumns;
  }

  /** All columns in file order, partition columns included, with their nullability. */
  public StructType schema() {
    return schema;
  }

  /** The column's comment from the schema file (its meaning and unit). */
  public String comment(String column) {
    StructField f = schema.apply(column);
    return f.getComment().isDefined() ? f.getComment().get() : "";
  }

  /** Columns to select, in file order, cast to the declared types: the shape written out. */
  public Column[] columns() {
    return Arrays.stream(schema.fields())
        .map(f -> functions.col(f.name()).cast(f.dataType()).as(f.name()))
        .toArray(Column[]::new);
  }
}

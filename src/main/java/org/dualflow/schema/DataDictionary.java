package org.dualflow.schema;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.types.StructField;

/**
 * The data dictionary: one page, every table and column with its type and meaning, rendered
 * from the schema files so that it cannot drift from them. {@code schemas/README.md} is its
 * output; a test checks it is current.
 *
 * <p>Regenerate: {@code java -cp target/classes:$(cat target/classpath.txt)
 * org.dualflow.schema.DataDictionary schemas/README.md}
 */
public final class DataDictionary {

  private DataDictionary() {
  }

  public static String render() {
    StringBuilder sb = new StringBuilder();
    sb.append("# Data dictionary\n\n")
        .append("Every table dualflow writes, generated from the schema files in ")
        .append("[tables/](tables/) (`DataDictionary.java`; do not edit by hand). A warehouse ")
        .append("holds one folder per table, Parquet files in Hive-style partition folders. ")
        .append("Money is in US dollars unless a column says otherwise; FOB values are ")
        .append("exporter-reported, CIF values importer-reported, and the two are never ")
        .append("added.\n\n");
    sb.append("| table | partitioned by | what one row is |\n|---|---|---|\n");
    for (String name : TableSchema.ALL) {
      TableSchema t = TableSchema.load(name);
      sb.append("| [").append(name).append("](#").append(name).append(") | ")
          .append(t.partitionColumns().isEmpty() ? "–" : String.join(", ", t.partitionColumns()))
          .append(" | ").append(firstSentence(t.description())).append(" |\n");
    }
    for (String name : TableSchema.ALL) {
      TableSchema t = TableSchema.load(name);
      sb.append("\n## ").append(name).append("\n\n").append(t.description()).append("\n\n")
          .append("| column | type | meaning |\n|---|---|---|\n");
      for (StructField f : t.schema().fields()) {
        sb.append("| `").append(f.name()).append("` | ")
            .append(f.dataType().sql().toLowerCase(java.util.Locale.ROOT))
            .append(f.nullable() ? "" : ", not null")
            .append(t.partitionColumns().contains(f.name()) ? ", partition" : "")
            .append(" | ").append(t.comment(f.name()).replace("|", "\\|")).append(" |\n");
      }
    }
    return sb.toString();
  }

  private static String firstSentence(String s) {
    int dot = s.indexOf(". ");
    return (dot < 0 ? s : s.substring(0, dot + 1)).replace("|", "\\|");
  }

  public static void main(String[] args) throws IOException {
    Files.writeString(Path.of(args.length > 0 ? args[0] : "schemas/README.md"), render(),
        StandardCharsets.UTF_8);
  }
}

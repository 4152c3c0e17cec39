package org.dualflow.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.dualflow.pipeline.ConfigException;
import org.dualflow.pipeline.JobConfig;
import org.dualflow.publish.WarehouseViews;

/**
 * {@code sql}: answers a Spark SQL query over a warehouse, every table folder registered under
 * its name. Known tables are read with their declared schema. Output is an aligned table
 * (at most {@code --limit} rows, default 1000) or CSV (all rows, streamed).
 */
final class SqlCommand {

  private SqlCommand() {
  }

  static int execute(List<String> args, PrintStream out, java.nio.file.Path cwd,
      Main.Sessions sessions) {
    String warehouse = null;
    String format = "table";
    int limit = 1000;
    String query = null;
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      switch (a) {
        case "--warehouse" -> warehouse = value(args, ++i, a);
        case "--format" -> format = value(args, ++i, a);
        case "--limit" -> {
          try {
            limit = Integer.parseInt(value(args, ++i, a));
          } catch (NumberFormatException e) {
            throw new ConfigException("Invalid --limit: give a whole number of rows");
          }
        }
        default -> {
          if (a.startsWith("--")) {
            throw new ConfigException("Unknown option " + a + " for sql; see jobs/dualflow help");
          }
          if (query != null) {
            throw new ConfigException("Unexpected argument " + a
                + ": quote the whole query as one argument");
          }
          query = a;
        }
      }
    }
    if (warehouse == null) {
      throw new ConfigException("Missing --warehouse <dir> for sql, e.g. jobs/dualflow sql "
          + "--warehouse target/sample-warehouse \"SELECT count(*) FROM flows_monthly\"");
    }
    if (query == null) {
      throw new ConfigException("Missing query: jobs/dualflow sql --warehouse <dir> \"SELECT ...\"");
    }
    if (!format.equals("table") && !format.equals("csv")) {
      throw new ConfigException("Invalid --format " + format + ": use table or csv");
    }
    String root = JobConfig.resolve(warehouse, cwd);
    SparkSession spark = sessions.open("dualflow sql");
    try {
      List<String> tables = WarehouseViews.register(spark, root);
      Dataset<Row> result;
      try {
        result = spark.sql(query);
      } catch (Exception e) {
        // Scala's AnalysisException (and ParseException) is invisible to javac's checks.
        if (e instanceof org.apache.spark.sql.AnalysisException) {
          throw new ConfigException("Invalid query: " + Main.oneLine(e) + " (tables: " + tables
              + ")");
        }
        throw e;
      }
      if (format.equals("csv")) {
        printCsv(result, out);
      } else {
        printTable(result, limit, out);
      }
      return Main.OK;
    } finally {
      sessions.release(spark);
    }
  }

  private static String value(List<String> args, int i, String option) {
    if (i >= args.size()) {
      throw new ConfigException("Invalid " + option + ": it needs a value");
    }
    return args.get(i);
  }

  private static void printTable(Dataset<Row> result, int limit, PrintStream out) {
    List<String> columns = Arrays.asList(result.columns());
    List<Row> rows = result.limit(limit + 1).collectAsList();
    TextTable table = new TextTable(columns);
    for (int r = 0; r < Math.min(rows.size(), limit); r++) {
      List<String> cells = new ArrayList<>();
      for (int c = 0; c < columns.size(); c++) {
        Object v = rows.get(r).get(c);
        cells.add(v == null ? "NULL" : format(v));
      }
      table.add(cells);
    }
    table.print(out, "");
    if (rows.size() > limit) {
      out.println("(first " + limit + " rows; raise --limit or use --format csv for all)");
    } else {
      out.println("(" + rows.size() + (rows.size() == 1 ? " row)" : " rows)"));
    }
  }

  private static void printCsv(Dataset<Row> result, PrintStream out) {
    try {
      CSVPrinter printer = new CSVPrinter(out, CSVFormat.RFC4180.builder()
          .setHeader(result.columns()).setRecordSeparator("\n").get());
      Iterator<Row> it = result.toLocalIterator();
      while (it.hasNext()) {
        Row row = it.next();
        List<String> cells = new ArrayList<>(row.size());
        for (int c = 0; c < row.size(); c++) {
          Object v = row.get(c);
          cells.add(v == null ? "" : format(v));
        }
        printer.printRecord(cells);
      }
      printer.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String format(Object v) {
    if (v instanceof BigDecimal d) {
      return d.toPlainString();
    }
    if (v instanceof scala.collection.Iterable<?> it) {
      return it.mkString("[", ", ", "]");
    }
    return String.valueOf(v);
  }
}

package org.dualflow.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.dualflow.pipeline.ConfigException;
import org.dualflow.pipeline.JobConfig;
import org.dualflow.report.Report;

/**
 * {@code report --warehouse DIR --out DIR}: writes the warehouse's HTML report to
 * {@code DIR/index.html} ({@link Report}). What can be checked before Spark starts is checked
 * first: the options, and that {@code --out} is no file.
 */
final class ReportCommand {

  private ReportCommand() {
  }

  static int execute(List<String> args, PrintStream out, Path cwd, Main.Sessions sessions) {
    String warehouse = null;
    String dir = null;
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (!a.equals("--warehouse") && !a.equals("--out")) {
        throw new ConfigException((a.startsWith("-") ? "Unknown option " : "Unexpected argument ")
            + a + " for report: use jobs/dualflow report --warehouse <dir> --out <dir>");
      }
      if (i + 1 >= args.size()) {
        throw new ConfigException("Invalid " + a + ": it needs a folder after it");
      }
      if (a.equals("--warehouse")) {
        warehouse = args.get(++i);
      } else {
        dir = args.get(++i);
      }
    }
    if (warehouse == null || dir == null) {
      throw new ConfigException("Missing " + (warehouse == null ? "--warehouse" : "--out")
          + " for report, e.g. jobs/dualflow report --warehouse target/sample-warehouse "
          + "--out target/sample-report");
    }
    String root = JobConfig.resolve(warehouse, cwd);
    String target = JobConfig.resolve(dir, cwd);
    if (isLocal(root) && !Files.isDirectory(Path.of(root))) {
      throw new ConfigException("Cannot find warehouse " + root + ": run a job first "
          + "(jobs/dualflow run jobs/sample.properties)");
    }
    String problem = JobConfig.reportDirProblem(target, root);
    if (problem != null) {
      throw new ConfigException("Invalid --out " + dir + ": " + problem);
    }
    SparkSession spark = sessions.open("dualflow report");
    try {
      Report.Written written = Report.write(spark, root, target);
      out.println("Report of run " + written.runId() + " written to " + written.file());
      return Main.OK;
    } finally {
      sessions.release(spark);
    }
  }

  /** A plain path, not a URI (hdfs://, file:): checked before Spark starts. */
  private static boolean isLocal(String location) {
    return !location.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*");
  }
}

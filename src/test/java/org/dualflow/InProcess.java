package org.dualflow;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import org.dualflow.cli.MainAccess;

/**
 * Runs a {@code jobs/dualflow} command in this JVM, on the shared test session: the same code
 * from arguments to exit code as a launched command, without a JVM and a Spark start per run.
 * What it prints to stdout and stderr is captured; log lines go to the test's own log.
 *
 * <p>The session outlives every command, as a notebook's or a server's would: a command that
 * leaves anything in Spark's cache, having succeeded or failed, fails the test that ran it.
 */
public final class InProcess {

  private InProcess() {
  }

  public static Launcher.Result run(Path cwd, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code;
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      code = MainAccess.execute(args, o, e, cwd.toAbsolutePath());
    }
    Launcher.Result result = new Launcher.Result(code, out.toString(StandardCharsets.UTF_8),
        err.toString(StandardCharsets.UTF_8));
    SparkSession spark = SparkTestSession.get();
    if (!spark.sharedState().cacheManager().isEmpty()
        || !spark.sparkContext().getPersistentRDDs().isEmpty()) {
      String left = spark.sparkContext().getPersistentRDDs().toString();
      spark.catalog().clearCache();
      throw new AssertionError("jobs/dualflow " + String.join(" ", args) + " left data in "
          + "Spark's cache: " + left + "\n" + result.stderr());
    }
    return result;
  }
}

package org.dualflow.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import org.dualflow.SparkTestSession;

/** Test access to the command line: commands run in process, on the shared test session. */
public final class MainAccess {

  /** The tests' session, lent to each command and never stopped by it. */
  private static final Main.Sessions SHARED = new Main.Sessions() {
    @Override
    public SparkSession open(String appName) {
      return SparkTestSession.get();
    }

    @Override
    public void release(SparkSession spark) {
      // shared: it outlives the command
    }
  };

  private MainAccess() {
  }

  public static long count(String option, String text) {
    return Main.count(option, text);
  }

  /** Runs a command as {@code jobs/dualflow} would, from {@code cwd}; returns its exit code. */
  public static int execute(String[] args, PrintStream out, PrintStream err, Path cwd) {
    return Main.execute(args, out, err, cwd, SHARED);
  }
}

package org.dualflow;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.dualflow.cli.MainAccess;

/**
 * Runs a {@code jobs/dualflow} command in this JVM, on the shared test session: the same code
 * from arguments to exit code as a launched command, without a JVM and a Spark start per run.
 * What it prints to stdout and stderr is captured; log lines go to the test's own log.
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
    return new Launcher.Result(code, out.toString(StandardCharsets.UTF_8),
        err.toString(StandardCharsets.UTF_8));
  }
}

package org.dualflow;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs {@code jobs/dualflow} as a user would, in a separate process. */
public final class Launcher {

  /** What a launch printed and returned. */
  public record Result(int exitCode, String stdout, String stderr) {
    /** The stderr lines that are the launcher's own messages. */
    public List<String> errorLines() {
      return stderr.lines().filter(l -> l.startsWith("dualflow:")).toList();
    }
  }

  private Launcher() {
  }

  public static Path projectDir() {
    return Path.of(System.getProperty("dualflow.projectDir", "")).toAbsolutePath();
  }

  public static Result run(Path cwd, String... args) throws IOException, InterruptedException {
    return run(cwd, Map.of(), args);
  }

  /** @param environment variables set for the launch, over the test JVM's own */
  public static Result run(Path cwd, Map<String, String> environment, String... args)
      throws IOException, InterruptedException {
    Path out = Files.createTempFile("dualflow-out", ".txt");
    Path err = Files.createTempFile("dualflow-err", ".txt");
    Process p = start(cwd, out, err, environment, args);
    if (!p.waitFor(10, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new IllegalStateException("jobs/dualflow " + String.join(" ", args) + " timed out");
    }
    Result r = new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
    Files.delete(out);
    Files.delete(err);
    return r;
  }

  /**
   * Starts {@code jobs/dualflow} without waiting. For {@code run} the JVM is a child of the
   * launcher's process (stop both: the process and its descendants); otherwise the process is the
   * JVM.
   */
  public static Process start(Path cwd, Path out, Path err, String... args) throws IOException {
    return start(cwd, out, err, Map.of(), args);
  }

  /** @param environment variables set for the launch, over the test JVM's own */
  public static Process start(Path cwd, Path out, Path err, Map<String, String> environment,
      String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(projectDir().resolve("jobs/dualflow").toString());
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).directory(cwd.toFile());
    pb.environment().remove("SPARK_HOME");
    pb.environment().putAll(environment);
    pb.redirectOutput(out.toFile()).redirectError(err.toFile());
    return pb.start();
  }
}

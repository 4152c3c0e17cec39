package org.dualflow.scratch;

import java.nio.file.Path;
import org.dualflow.InProcess;
import org.dualflow.Launcher;
import org.junit.jupiter.api.Test;

class WarmIT {
  @Test
  void twice() throws Exception {
    for (int i = 0; i < 3; i++) {
      long t = System.nanoTime();
      Launcher.Result r = InProcess.run(Launcher.projectDir(), "run", "jobs/sample.properties", "--set", "warehouse=/tmp/warm-wh");
      System.err.println("RUN " + i + " exit " + r.exitCode() + " " + (System.nanoTime() - t) / 1e9 + r.stderr());
    }
  }
}

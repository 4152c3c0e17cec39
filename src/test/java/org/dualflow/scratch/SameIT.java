package org.dualflow.scratch;

import java.nio.file.Path;
import org.dualflow.InProcess;
import org.dualflow.Launcher;
import org.junit.jupiter.api.Test;

class SameIT {
  @Test
  void same() throws Exception {
    Launcher.Result r = InProcess.run(Launcher.projectDir(), "run", "jobs/sample.properties", "--set", "warehouse=/tmp/same-wh");
    System.err.println("exit " + r.exitCode() + r.stderr());
    java.util.Map<String, java.util.List<String>> base = new java.util.LinkedHashMap<>();
    org.dualflow.WarehouseSnapshot.of(Path.of("/tmp/base/target/sample-warehouse")).forEach((k, v) -> base.put(k, v.stream().map(x -> x.replace("/tmp/base/", "/work/main/")).sorted().toList()));
    org.dualflow.WarehouseSnapshot.assertSame(org.dualflow.WarehouseSnapshot.of(Path.of("/tmp/same-wh")), base);
  }
}

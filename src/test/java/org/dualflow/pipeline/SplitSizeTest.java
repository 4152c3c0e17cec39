package org.dualflow.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ingest.split-size: auto by default, none, or a size; a mistake names the key and the fix. */
class SplitSizeTest {

  @TempDir
  Path dir;

  private JobConfig load(String... set) throws IOException {
    Path file = Files.writeString(dir.resolve("j.properties"),
        "input.comtrade=a.csv\nwarehouse=wh\n");
    return JobConfig.load(file, List.of(set), dir);
  }

  @Test
  void autoNoneAndSizes() throws IOException {
    assertThat(load().splitBytes()).isNull();
    assertThat(load("ingest.split-size=none").splitBytes()).isEqualTo(Long.MAX_VALUE);
    assertThat(load("ingest.split-size=64m").splitBytes()).isEqualTo(64L * 1024 * 1024);
    assertThat(load("ingest.split-size=1G").splitBytes()).isEqualTo(1024L * 1024 * 1024);
    assertThat(load("ingest.split-size=512kb").splitBytes()).isEqualTo(512L * 1024);
    assertThat(load("ingest.split-size=300").splitBytes()).isEqualTo(300L);
  }

  @Test
  void aSizeThatIsNotOneIsAOneLineError() {
    for (String bad : List.of("0", "-5m", "big", "1.5g", "12t")) {
      assertThatThrownBy(() -> load("ingest.split-size=" + bad))
          .isInstanceOf(ConfigException.class)
          .hasMessage("Invalid ingest.split-size in --set ingest.split-size: '" + bad
              + "' is not a size; use auto, none or a size like 64m or 1g");
    }
  }
}

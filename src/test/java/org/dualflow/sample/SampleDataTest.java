package org.dualflow.sample;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The committed sample is exactly what the generator writes: nobody edited it by hand. */
class SampleDataTest {

  @Test
  void committedSampleFilesAreWhatTheGeneratorWrites() throws IOException {
    Path dir = Path.of("sample-data");
    Map<String, byte[]> expected = new SampleDataGenerator().generate();
    try (Stream<Path> files = Files.walk(dir)) {
      assertThat(files.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString())
          .filter(p -> p.contains("/")))
          .containsExactlyInAnyOrderElementsOf(expected.keySet());
    }
    for (Map.Entry<String, byte[]> e : expected.entrySet()) {
      assertThat(Files.readAllBytes(dir.resolve(e.getKey())))
          .as(e.getKey() + " differs from the generator's output; regenerate it (see "
              + "sample-data/README.md)")
          .isEqualTo(e.getValue());
    }
  }
}

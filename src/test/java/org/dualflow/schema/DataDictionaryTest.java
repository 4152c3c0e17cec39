package org.dualflow.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class DataDictionaryTest {
  @Test
  void theCommittedDictionaryIsCurrentAndCoversEveryTable() throws IOException {
    String rendered = DataDictionary.render();
    assertThat(Files.readString(Path.of("schemas/README.md")))
        .as("schemas/README.md is stale: regenerate it (see DataDictionary)")
        .isEqualTo(rendered);
    for (String t : TableSchema.ALL) {
      assertThat(rendered).contains("\n## " + t + "\n");
    }
    assertThat(rendered).contains("| `value_fob_usd` | decimal(28,2), not null |");
  }
}

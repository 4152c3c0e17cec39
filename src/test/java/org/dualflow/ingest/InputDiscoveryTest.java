package org.dualflow.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which files an input setting reaches. */
class InputDiscoveryTest {

  private static List<String> names(String source, String location) throws Exception {
    return InputDiscovery.expand(source, location, new Configuration()).stream()
        .map(r -> r.uri().substring(r.uri().lastIndexOf('/') + 1)).toList();
  }

  @Test
  void aDirectoryGivesItsDataFilesAndABracketedNameIsTakenAsWritten(@TempDir Path dir)
      throws Exception {
    for (String name : List.of("COMTRADE-FINAL-CM156202301H6[2024-01-15].gz", "full202101.dat",
        "bulk.txt", "a.csv", "b.csv.gz", "c.tsv", "notes.md", ".hidden.csv", "_SUCCESS.csv",
        "README.txt", "LICENSE.txt", "notes.txt")) {
      Files.writeString(dir.resolve(name), "x\n");
    }
    assertThat(names("comext", dir.toString())).containsExactly(
        "COMTRADE-FINAL-CM156202301H6[2024-01-15].gz", "a.csv", "b.csv.gz", "bulk.txt",
        "c.tsv", "full202101.dat");
    // Brackets are a glob's character class: the file exists as written, so it is that file.
    assertThat(names("comtrade", dir.resolve("COMTRADE-FINAL-CM156202301H6[2024-01-15].gz")
        .toString())).containsExactly("COMTRADE-FINAL-CM156202301H6[2024-01-15].gz");
    assertThat(names("comtrade", dir.resolve("*.dat").toString()))
        .containsExactly("full202101.dat");
  }
}

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

  @Test
  void aZipArchiveGivesTheDataFilesInItEachAnInputOfItsOwn(@TempDir Path dir) throws Exception {
    Path zip = dir.resolve("comtrade.zip");
    try (var out = new java.util.zip.ZipOutputStream(Files.newOutputStream(zip))) {
      for (String name : List.of("2023/", "2023/CHN.csv", "2023/KAZ.txt", "README.txt",
          "__MACOSX/2023/._CHN.csv", "notes.md")) {
        out.putNextEntry(new java.util.zip.ZipEntry(name));
        if (!name.endsWith("/")) {
          out.write("freqCode\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        out.closeEntry();
      }
    }
    List<Ingest.InputRef> refs = InputDiscovery.expand("comtrade", dir.toString(),
        new Configuration());
    assertThat(refs).extracting(Ingest.InputRef::uri).containsExactly(
        "file:" + zip + "!/2023/CHN.csv", "file:" + zip + "!/2023/KAZ.txt");
    assertThat(refs.get(0).sizeBytes()).isEqualTo(9);
    // Read from the archive as it is.
    try (InputFile f = InputFile.open(refs.get(1).uri(), "UTF-8", ',', java.util.Map.of())) {
      assertThat(f.records().next()).isTrue();
      assertThat(f.records().field(0)).isEqualTo("freqCode");
    }
  }
}

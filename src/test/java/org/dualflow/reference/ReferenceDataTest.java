package org.dualflow.reference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReferenceDataTest {

  @Test
  void comtradeCodesResolveThroughComtradeAlternativeAndM49Codes() {
    Countries c = Countries.load(new ReferenceFiles(null));
    assertThat(c.byComtradeCode(51)).isEqualTo("ARM");
    assertThat(c.byComtradeCode(842)).isEqualTo("USA");
    assertThat(c.byComtradeCode(840)).isEqualTo("USA");
    assertThat(c.byComtradeCode(251)).isEqualTo("FRA");
    assertThat(c.byComtradeCode(250)).isEqualTo("FRA");
    assertThat(c.byComtradeCode(699)).isEqualTo("IND");
    assertThat(c.byComtradeCode(490)).isEqualTo("TWN");
    assertThat(c.byComtradeCode(0)).isEqualTo("WLD");
    assertThat(c.byComtradeCode(899)).isEqualTo("X899");
    assertThat(c.byComtradeCode(999)).isNull();
  }

  @Test
  void aReferenceDirReplacesBundledFilesAndABadFileIsNamed(@TempDir Path dir) throws IOException {
    Files.createDirectories(dir.resolve("code-lists"));
    Files.writeString(dir.resolve("code-lists/mine.csv"),
        "list_id,list_version,hs_edition,code,tier,description\nmine,1,HS2022,8542,A,chips\n");
    CodeLists lists = CodeLists.load(new ReferenceFiles(dir));
    assertThat(lists.select("mine,chpl")).containsOnlyKeys("mine@1", "chpl@2024-02");

    Files.writeString(dir.resolve("code-lists/bad.csv"),
        "list_id,list_version,hs_edition,code,tier,description\nbad,1,HS2022,85A2,A,x\n");
    assertThatThrownBy(() -> CodeLists.load(new ReferenceFiles(dir)))
        .isInstanceOf(ReferenceDataException.class)
        .hasMessage("Invalid reference file " + dir.resolve("code-lists/bad.csv")
            + " line 2: code '85A2' must be a prefix of 2 to 10 digits");

    Files.writeString(dir.resolve("countries.csv"), "iso3,name_en\nARM,Armenia\n");
    assertThatThrownBy(() -> Countries.load(new ReferenceFiles(dir)))
        .hasMessageStartingWith("Invalid reference file " + dir.resolve("countries.csv")
            + ": missing column m49");
  }
}

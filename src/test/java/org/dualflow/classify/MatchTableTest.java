package org.dualflow.classify;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.dualflow.reference.CodeListEntry;
import org.dualflow.reference.CodeLists;
import org.dualflow.reference.HsConversion;
import org.dualflow.reference.ReferenceData;
import org.dualflow.reference.ReferenceFiles;
import org.junit.jupiter.api.Test;

class MatchTableTest {

  static final ReferenceData REFERENCE = ReferenceData.load(new ReferenceFiles(null));

  static CodeListEntry entry(String code, String tier) {
    return new CodeListEntry("t", "1", "HS2022", code, tier, "");
  }

  private static Map<String, MatchRow> byPrefix(List<MatchRow> rows, String edition) {
    return rows.stream().filter(r -> r.hsEdition().equals(edition))
        .collect(Collectors.toMap(MatchRow::prefix, r -> r));
  }

  @Test
  void theBundledChplBridgesTheFiveChangedCodesToHs2017() {
    Map<String, List<CodeListEntry>> chpl = REFERENCE.codeLists().select("chpl");
    List<MatchRow> rows = MatchTable.build(chpl, REFERENCE.hsConversion());
    Map<String, MatchRow> hs2017 = byPrefix(rows, "HS2017");
    assertThat(hs2017.get("854140").listCode()).isEqualTo("854149");
    assertThat(hs2017.get("854890").listCode()).isEqualTo("854800");
    assertThat(hs2017.get("852580").listCode()).isEqualTo("852589");
    assertThat(hs2017.get("880330").listCode()).isEqualTo("880730");
    // 854151 and 854159 both come from 854150; one record cannot be split: the residual
    // "other" subheading continues the old one.
    assertThat(hs2017.get("854150").listCode()).isEqualTo("854159");
    assertThat(hs2017.values()).filteredOn(MatchRow::hsMapped).extracting(MatchRow::prefix)
        .containsExactlyInAnyOrder("854140", "854150", "854890", "852580", "880330");
    assertThat(hs2017.get("854231").hsMapped()).isFalse();
    assertThat(byPrefix(rows, "HS2022")).hasSize(50);
    assertThat(hs2017).hasSize(49);                  // 50 entries, two share 854150
  }

  @Test
  void anEntryContainingLongerOnesIsSplitIntoTheCellsItKeeps() {
    List<MatchRow> rows = MatchTable.prefixFree(List.of(
        new MatchRow("HS2022", "8542", "t", "1", "8542", "A", false, false),
        new MatchRow("HS2022", "854231", "t", "1", "854231", "B", false, false)));
    Map<String, String> cells = rows.stream().filter(r -> !r.exactLength())
        .collect(Collectors.toMap(MatchRow::prefix, MatchRow::tier));
    // 8542 keeps 85420, 85421, 85422, 85424..85429 and 854230, 854232..854239.
    assertThat(cells).hasSize(9 + 9 + 1);
    assertThat(cells).containsEntry("854231", "B").containsEntry("854232", "A")
        .containsEntry("854230", "A").containsEntry("85429", "A").doesNotContainKey("85423")
        .doesNotContainKey("8542");
    // ...and codes of exactly 4 or 5 digits (8542, 85423) still belong to it.
    assertThat(rows).filteredOn(MatchRow::exactLength).extracting(MatchRow::prefix)
        .containsExactlyInAnyOrder("8542", "85423");
    assertThat(rows).filteredOn(r -> r.tier().equals("A"))
        .allSatisfy(r -> assertThat(r.listCode()).isEqualTo("8542"));
    // No cell is a prefix of another row.
    for (MatchRow a : rows) {
      for (MatchRow b : rows) {
        if (a != b && !a.exactLength()) {
          assertThat(b.prefix()).doesNotStartWith(a.prefix());
        }
      }
    }
  }

  @Test
  void shortPrefixesAreBridgedToTheHs2017CodesTheirContentCameFrom() {
    HsConversion conversion = REFERENCE.hsConversion();
    // HS2022 8807 parts of aircraft came from HS2017 8803 (among others).
    assertThat(MatchTable.toHs2017("8807", conversion)).contains("8807", "880330");
    assertThat(MatchTable.toHs2017("854231", conversion)).containsExactly("854231");
    // A national 8-digit code under an unchanged subheading keeps its digits.
    assertThat(MatchTable.toHs2017("85423110", conversion)).containsExactly("85423110");
    assertThat(MatchTable.toHs2017("85414900", conversion)).containsExactly("854140");
  }

  @Test
  void listVersionsAreSelectedByIdVersionOrAll() {
    CodeLists lists = REFERENCE.codeLists();
    assertThat(lists.select("chpl")).containsOnlyKeys("chpl@2024-02");
    assertThat(lists.select("chpl@2023-05").get("chpl@2023-05")).hasSize(9);
    assertThat(lists.select("chpl@2023-09").get("chpl@2023-09")).hasSize(45);
    assertThat(lists.select("chpl@all")).containsOnlyKeys("chpl@2023-05", "chpl@2023-09",
        "chpl@2024-02");
  }
}

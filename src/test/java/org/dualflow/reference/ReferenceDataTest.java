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
  void gaccCodesIso2VariantsAndNamesInThreeLanguagesResolve() {
    Countries c = ReferenceData.load(new ReferenceFiles(null)).countries();
    assertThat(c.byGacc("344")).isEqualTo("RUS");          // not Hong Kong, as in M49
    assertThat(c.byGacc("110")).isEqualTo("HKG");
    assertThat(c.byGacc("341")).isEqualTo("KAZ");          // deprecated code, still Kazakhstan
    assertThat(c.byGacc("199")).isEqualTo("G199");         // 亚洲其他国家(地区): no ISO code
    assertThat(c.byIso2("EL")).isEqualTo("GRC");           // Eurostat's Greece
    assertThat(c.byIso2("gb")).isEqualTo("GBR");
    assertThat(c.byName("Russian Federation")).isEqualTo("RUS");
    assertThat(c.byName("КИТАЙ")).isEqualTo("CHN");
    assertThat(c.byName("俄罗斯联邦")).isEqualTo("RUS");
    assertThat(c.byName("俄罗斯")).isEqualTo("RUS");       // CLDR's short name, from ICU4J
    assertThat(c.byName("China, Hong Kong SAR")).isEqualTo("HKG");
    assertThat(c.byName("Kyrgyz Republic")).isEqualTo("KGZ");
    assertThat(c.byName("Türkiye")).isEqualTo("TUR");
    assertThat(c.byName("Atlantis")).isNull();
  }

  @Test
  void eurostatsLabelsResolveButABracketThatIsPartOfTheNameIsNotDropped() {
    Countries c = ReferenceData.load(new ReferenceFiles(null)).countries();
    assertThat(c.byName("Germany (incl. German Democratic Republic 'DD' from 1991)"))
        .isEqualTo("DEU");
    assertThat(c.byName("France (incl. Saint Barthélemy 'BL' -> 2012; incl. French Guiana "
        + "'GF', Guadeloupe 'GP', Martinique 'MQ', Réunion 'RE' from 1997; incl. Mayotte 'YT' "
        + "from 2014)")).isEqualTo("FRA");
    assertThat(c.byName("Belgium (incl. Luxembourg 'LU' -> 1998)")).isEqualTo("BEL");
    assertThat(c.byName("Russian Federation (Russia)")).isEqualTo("RUS");
    assertThat(c.byName("Belarus (Belorussia)")).isEqualTo("BLR");
    assertThat(c.byName("Ireland (Eire)")).isEqualTo("IRL");
    // Not Congo, the US, Samoa: the bracket changes the name.
    assertThat(c.byName("Congo (Democratic Republic)")).isNull();
    assertThat(c.byName("Virgin Islands (US)")).isNull();
    assertThat(c.byName("Samoa (American)")).isNull();
    assertThat(Countries.isAggregate("European Union - 27 countries (AT, BE, BG)")).isTrue();
    assertThat(Countries.isAggregate("EU27_2020")).isTrue();
    assertThat(Countries.isAggregate("Euroland")).isFalse();
  }

  @Test
  void ratesConvertAsPublishedAndAMissingMonthIsNullNotZero() {
    Fx fx = ReferenceData.load(new ReferenceFiles(null)).fx();
    // 7,000,000 CNY / 7.2015 CNY per USD (2024-03) = 972,019.72
    assertThat(fx.toUsd(new java.math.BigDecimal("7000000"), "CNY",
        java.time.YearMonth.of(2024, 3))).isEqualByComparingTo("972019.72");
    // 1,000 EUR x 1.1020 USD per EUR (2024-08) = 1,102.00
    assertThat(fx.toUsd(new java.math.BigDecimal("1000"), "EUR",
        java.time.YearMonth.of(2024, 8))).isEqualByComparingTo("1102.00");
    assertThat(fx.toUsd(java.math.BigDecimal.ONE, "CNY", java.time.YearMonth.of(2025, 10)))
        .isNull();
    assertThat(fx.toUsd(java.math.BigDecimal.ONE, "KZT", java.time.YearMonth.of(2023, 1)))
        .isNull();
    assertThat(fx.coverage()).containsEntry("CNY", "2019-01..2025-08");
  }

  @Test
  void countryGroupsAreData() {
    CountryGroups g = ReferenceData.load(new ReferenceFiles(null)).groups();
    assertThat(g.members("greater_china")).containsExactly("CHN", "HKG", "MAC");
    assertThat(g.members("transit_hubs")).contains("KAZ", "KGZ", "ARM", "TUR", "ARE")
        .doesNotContain("RUS", "CHN");
    assertThat(g.members("eu27")).hasSize(27);
    assertThatThrownBy(() -> g.members("nope")).hasMessageStartingWith("unknown country group");
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
            + ": missing column iso2");
  }
}

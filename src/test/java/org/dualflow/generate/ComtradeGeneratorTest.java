package org.dualflow.generate;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.dualflow.reference.Countries;
import org.dualflow.reference.ReferenceFiles;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ComtradeGeneratorTest {

  static final long ROWS = 20_000;
  static final Set<String> EU27 = Set.of("AUT", "BEL", "BGR", "HRV", "CYP", "CZE", "DNK", "EST",
      "FIN", "FRA", "DEU", "GRC", "HUN", "IRL", "ITA", "LVA", "LTU", "LUX", "MLT", "NLD", "POL",
      "PRT", "ROU", "SVK", "SVN", "ESP", "SWE");
  static final Set<String> HUBS = Set.of("KAZ", "KGZ", "UZB", "TJK", "ARM", "GEO", "AZE", "TUR",
      "ARE", "SRB", "MNG");

  @TempDir
  static Path dir;
  static ComtradeGenerator.Summary summary;
  static List<Path> files;
  static List<CSVRecord> records = new ArrayList<>();

  @BeforeAll
  static void generate() throws IOException {
    Files.writeString(dir.resolve("comtrade-gen-00099.csv"), "stale part of a bigger run\n");
    Files.writeString(dir.resolve("notes.txt"), "not ours\n");
    summary = ComtradeGenerator.generate(ROWS, dir, 1);
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(p -> p.getFileName().toString().startsWith("comtrade-gen-")).sorted()
          .toList();
    }
    for (Path f : files) {
      try (Reader in = Files.newBufferedReader(f, StandardCharsets.UTF_8);
          CSVParser parser = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true)
              .setAllowMissingColumnNames(false).get().parse(in)) {
        assertThat(parser.getHeaderNames()).as(f.toString()).isEqualTo(ComtradeGenerator.HEADER);
        records.addAll(parser.getRecords());
      }
    }
  }

  @Test
  void sameRowsAndSeedGiveTheSameBytesWhateverTheThreads(@TempDir Path other)
      throws IOException {
    ComtradeGenerator.Summary again = ComtradeGenerator.generate(ROWS, other, 1, 1);
    assertThat(again).isEqualTo(summary);
    for (Path f : files) {
      assertThat(Files.readAllBytes(other.resolve(f.getFileName())))
          .as(f.getFileName().toString()).isEqualTo(Files.readAllBytes(f));
    }
  }

  @Test
  void anotherSeedGivesOtherData(@TempDir Path other) throws IOException {
    ComtradeGenerator.generate(ROWS, other, 2);
    assertThat(Files.readAllBytes(other.resolve("comtrade-gen-00000.csv")))
        .isNotEqualTo(Files.readAllBytes(files.get(0)));
  }

  @Test
  void summaryCountsWhatWasWritten() throws IOException {
    long bytes = 0;
    for (Path f : files) {
      bytes += Files.size(f);
      String text = Files.readString(f);
      assertThat(text).doesNotContain("\r").endsWith("\n");
    }
    assertThat(files).hasSize(summary.files()).hasSizeGreaterThan(1);
    assertThat(dir.resolve("comtrade-gen-00099.csv")).doesNotExist();   // stale part removed
    assertThat(dir.resolve("notes.txt")).exists();                     // others left alone
    assertThat(summary.rows()).isEqualTo(ROWS);
    assertThat(records).hasSize((int) ROWS);
    assertThat(summary.bytes()).isEqualTo(bytes);
    assertThat(summary.malformedRows()).isBetween(ROWS / 2000, ROWS / 500);   // about 0.1%
  }

  @Test
  void headerIsTheOneOfTheSampleData() throws IOException {
    String sample = Files.readAllLines(
        Path.of("sample-data/comtrade/comtrade-CHN-X-M-2019-2024.csv")).get(0);
    assertThat(String.join(",", ComtradeGenerator.HEADER)).isEqualTo(sample);
    assertThat(ComtradeGenerator.HEADER).hasSize(47);
  }

  @Test
  void wellFormedRowsAreCountableSixDigitLeavesWithUniqueKeys() {
    // Problems are collected rather than asserted per field: 20,000 rows of AssertJ is slow.
    List<String> problems = new ArrayList<>();
    Set<String> keys = new HashSet<>();
    long malformed = 0;
    for (CSVRecord r : records) {
      if (isMalformed(r)) {
        malformed++;
        continue;
      }
      int year = Integer.parseInt(r.get("refYear"));
      int month = Integer.parseInt(r.get("refMonth"));
      boolean imports = r.get("flowCode").endsWith("M");
      String value = r.get("primaryValue");
      check(problems, r, "refYear", year >= 2019 && year <= 2024);
      check(problems, r, "period", r.get("period").equals(String.format("%d%02d", year, month))
          && r.get("refPeriodId").equals(r.get("period") + "01"));
      check(problems, r, "freqCode", r.get("freqCode").equals("M"));
      check(problems, r, "classificationCode",
          r.get("classificationCode").equals(year <= 2021 ? "H5" : "H6"));
      check(problems, r, "cmdCode", r.get("cmdCode").matches("\\d{6}"));
      check(problems, r, "leaf", r.get("aggrLevel").equals("6") && r.get("isLeaf").equals("true"));
      check(problems, r, "no break-down", r.get("customsCode").equals("C00")
          && r.get("mosCode").equals("0") && r.get("motCode").equals("0")
          && r.get("partner2Code").equals("0"));
      check(problems, r, "partner", !r.get("reporterISO").equals(r.get("partnerISO")));
      check(problems, r, "flowCode", Set.of("X", "M", "RX", "RM").contains(r.get("flowCode")));
      check(problems, r, "primaryValue", value.matches("[1-9]\\d*\\.\\d\\d"));
      check(problems, r, "cif/fob", r.get("cifvalue").equals(imports ? value : "")
          && r.get("fobvalue").equals(imports ? "" : value));
      check(problems, r, "netWgt", r.get("netWgt").matches("[1-9]\\d*")
          && r.get("netWgt").equals(r.get("qty")));
      check(problems, r, "unique key", keys.add(String.join("|", r.get("reporterCode"),
          r.get("partnerCode"), r.get("flowCode"), r.get("period"),
          r.get("classificationCode"), r.get("cmdCode"))));
    }
    assertThat(problems).isEmpty();
    assertThat(malformed).isEqualTo(summary.malformedRows());
  }

  /**
   * Country codes resolve as the reader resolves them ({@code Countries}, the reader's own
   * look-up) to the ISO code written beside them, so no row is rejected as unknown or
   * inconsistent; 999 is unknown. (The reader itself is not run here: its row layout loads
   * Spark's classes, seconds of start-up.)
   */
  @Test
  void countryCodesAreTheOnesTheProjectKnows() {
    Countries countries = Countries.load(new ReferenceFiles(null));
    List<String> problems = new ArrayList<>();
    for (CSVRecord r : records) {
      if (!isMalformed(r)) {
        check(problems, r, "reporter", r.get("reporterISO").equals(
            countries.byComtradeCode(Integer.parseInt(r.get("reporterCode")))));
        check(problems, r, "partner", r.get("partnerISO").equals(
            countries.byComtradeCode(Integer.parseInt(r.get("partnerCode")))));
      }
    }
    assertThat(problems).isEmpty();
    assertThat(countries.byComtradeCode(999)).isNull();
  }

  @Test
  void aFewCodesCarryMostRows() {
    Map<String, Integer> byCode = new HashMap<>();
    for (CSVRecord r : records) {
      if (!isMalformed(r)) {
        byCode.merge(r.get("cmdCode"), 1, Integer::sum);
      }
    }
    List<Integer> counts = new ArrayList<>(byCode.values());
    counts.sort((a, b) -> b - a);
    long top10 = counts.stream().limit(10).mapToLong(Integer::longValue).sum();
    long all = counts.stream().mapToLong(Integer::longValue).sum();
    assertThat(byCode).hasSizeGreaterThan(200);
    assertThat((double) top10 / all).isGreaterThan(0.4);
    // CHPL codes, in both editions (880330 is HS 2017's 880730).
    assertThat(byCode).containsKeys("854231", "854232", "854239", "851762", "847180", "848210",
        "880330", "880730");
  }

  @Test
  void periodsCountriesAndFlowsAreTheExpectedOnes() {
    Set<String> periods = new TreeSet<>();
    Set<String> reporters = new HashSet<>();
    Set<String> flows = new HashSet<>();
    Map<String, Integer> partners = new HashMap<>();
    for (CSVRecord r : records) {
      if (!isMalformed(r)) {
        periods.add(r.get("period"));
        reporters.add(r.get("reporterISO"));
        flows.add(r.get("flowCode"));
        partners.merge(r.get("partnerISO"), 1, Integer::sum);
        if (r.get("reporterISO").equals("RUS")) {
          assertThat(r.get("refYear")).isIn("2019", "2020", "2021");
        }
      }
    }
    Set<String> months = new TreeSet<>();
    for (int y = 2019; y <= 2024; y++) {
      for (int m = 1; m <= 12; m++) {
        months.add(String.format("%d%02d", y, m));
      }
    }
    assertThat(periods).isEqualTo(months);
    assertThat(reporters).contains("CHN", "HKG", "RUS", "USA", "JPN", "KOR", "IND")
        .containsAll(EU27).containsAll(HUBS);
    assertThat(flows).containsExactlyInAnyOrder("X", "M", "RX", "RM");
    List<String> topPartners = partners.entrySet().stream()
        .sorted((a, b) -> b.getValue() - a.getValue()).limit(15).map(Map.Entry::getKey).toList();
    assertThat(topPartners).contains("CHN", "RUS", "USA", "DEU", "KAZ", "TUR");
    assertThat(partners).hasSizeGreaterThan(150);   // and the rest of the world
  }

  private static void check(List<String> problems, CSVRecord r, String what, boolean ok) {
    if (!ok && problems.size() < 20) {
      problems.add(what + " in line " + r.getRecordNumber() + ": " + r);
    }
  }

  /** The three defects the generator writes on purpose. */
  private static boolean isMalformed(CSVRecord r) {
    return r.size() != 47 || r.get("primaryValue").equals("n/a")
        || r.get("partnerCode").equals("999");
  }
}

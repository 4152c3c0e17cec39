package org.dualflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jobs/dualflow report} and {@code report.enabled} on the hand-worked input of
 * {@link EndToEndIT}, plus five Russian import declarations (below) that bring a firm name
 * with markup in it and a unit-value outlier. Every number checked is worked out by hand from
 * that input; the report is then opened in headless Chromium, which must draw every chart and
 * run no script.
 */
class ReportIT {

  /** The firm name the customs file gives; the report must print it as text. */
  static final String FIRM = "<script>alert(1)</script> & \"Co\"";

  /**
   * decl.csv: Russian import declarations of March 2022, HS 8542.39 (CHPL tier 1) dispatched
   * from China, 10 kg each. Four at 1,000.00 US dollars (100 a kilogram) and one at 10.00 (1 a
   * kilogram), shipped by {@link #FIRM}. CIF: 4 x 1,000.00 + 10.00 = 4,010.00; on a FOB basis
   * with the default factor 1.10 (no cell of China to Russia that both sides report in the
   * factor window): 4,010.00 / 1.10 = 3,645.45. Declarations are shipment-level: they cover
   * no month, so March stays not reported for China to Russia.
   */
  static final String DECLARATIONS = String.join("\n",
      "declaration_number,declaration_date,item_number,tnved_code,goods_description,shipper,"
          + "consignee,consignee_inn,origin_country,dispatch_country,trading_country,"
          + "manufacturer,brand,invoice_value,invoice_currency,statistical_value_usd,net_kg,"
          + "gross_kg,quantity,quantity_unit",
      "10702070/010322/0000001,01.03.2022,1,8542390000,MICROCIRCUITS,SHENZHEN ALPHA CO LTD,"
          + "OOO BETA,7701000001,CN,CN,CN,ACME,,1000.00,USD,1000.00,10,11,,",
      "10702070/020322/0000002,02.03.2022,1,8542390000,MICROCIRCUITS,SHENZHEN ALPHA CO LTD,"
          + "OOO BETA,7701000001,CN,CN,CN,ACME,,1000.00,USD,1000.00,10,11,,",
      "10702070/030322/0000003,03.03.2022,1,8542390000,MICROCIRCUITS,SHENZHEN ALPHA CO LTD,"
          + "OOO BETA,7701000001,CN,CN,CN,ACME,,1000.00,USD,1000.00,10,11,,",
      "10702070/040322/0000004,04.03.2022,1,8542390000,MICROCIRCUITS,SHENZHEN ALPHA CO LTD,"
          + "OOO BETA,7701000001,CN,CN,CN,ACME,,1000.00,USD,1000.00,10,11,,",
      "10702070/150322/0000005,15.03.2022,1,8542390000,\"MICROCIRCUITS <b>CHEAP</b>\","
          + "\"<script>alert(1)</script> & \"\"Co\"\"\",OOO BETA,7701000001,CN,CN,CN,ACME,,"
          + "10.00,USD,10.00,10,11,,") + "\n";

  static Path work;
  static Launcher.Result run;
  static String runId;
  static Launcher.Result command;
  static String html;
  static Document page;

  @BeforeAll
  static void runTheJobAndWriteTheReport(@TempDir Path dir) throws Exception {
    work = dir;
    Path input = Files.createDirectories(dir.resolve("input"));
    Files.writeString(input.resolve("a.csv"), EndToEndIT.HEADER + "\n"
        + String.join("\n", EndToEndIT.A) + "\n");
    try (OutputStream gz = new GZIPOutputStream(Files.newOutputStream(input.resolve("b.csv.gz")))) {
      gz.write(EndToEndIT.B.getBytes(StandardCharsets.UTF_8));
    }
    Files.writeString(dir.resolve("decl.csv"), DECLARATIONS);
    // The scheduled way: the run writes the report after publishing, beside the warehouse.
    Files.writeString(dir.resolve("job.properties"), "input.comtrade=input\n"
        + "input.declarations=decl.csv\nwarehouse=wh\nlists=chpl\nreport.enabled=true\n"
        + EndToEndIT.NO_GATE);
    run = InProcess.run(dir, "run", "job.properties");
    assertThat(run.exitCode()).as(run.stderr()).isZero();
    runId = run.stdout().lines().findFirst().orElseThrow().split(" ")[2];
    // The command.
    command = InProcess.run(dir, "report", "--warehouse", "wh", "--out", "out");
    assertThat(command.exitCode()).as(command.stderr()).isZero();
    html = Files.readString(dir.resolve("out/index.html"));
    page = Jsoup.parse(html);
  }

  @Test
  void theRunWritesTheReportAfterPublishingAndTheCommandWritesTheSame() throws IOException {
    assertThat(run.stdout()).contains("Report:    wh-report/index.html");
    assertThat(command.stdout().strip()).isEqualTo("Report of run " + runId + " written to "
        + work.resolve("out/index.html"));
    // Both read the same published warehouse: the same page but for the time it was written.
    String scheduled = Files.readString(work.resolve("wh-report/index.html"));
    assertThat(withoutTime(scheduled)).isEqualTo(withoutTime(html));
    assertThat(html).contains("run <code>" + runId + "</code>");
  }

  @Test
  void greaterChinasShareIsShownWhereReportedAndMarkedWhereNot() {
    Element share = page.getElementById("share");
    Map<String, String> year = rows(share.select("div.panel").get(0));
    Map<String, String> month = rows(share.select("div.panel").get(1));
    // China is Russia's only supplier in the input. 2021: December only, a.csv lines 2 and 3,
    // 1,000.25 + 500.50; the year has one of its twelve months in the warehouse: incomplete.
    assertThat(year).containsEntry("2021", "2021 | 1,500.75 | 1,500.75 | 100.0 | false |  | "
        + "incomplete");
    // 2022: January 2,000.00 + 300.00 (lines 7, 8), February 77.70 (b.csv.gz line 3), March
    // 3,645.45 (the declarations); China did not report March to December: not reported.
    assertThat(year).containsEntry("2022", "2022 | 6,023.15 | 6,023.15 | 100.0 | false | CHN | "
        + "not reported");
    assertThat(month)
        .containsEntry("2021-12", "2021-12 | 1,500.75 | 1,500.75 | 100.0 | true |  | complete")
        .containsEntry("2022-01", "2022-01 | 2,300.00 | 2,300.00 | 100.0 | true |  | complete")
        .containsEntry("2022-02", "2022-02 | 77.70 | 77.70 | 100.0 | true |  | complete")
        .containsEntry("2022-03", "2022-03 | 3,645.45 | 3,645.45 | 100.0 | false | CHN | "
            + "not reported")
        .containsEntry("2022-04", "2022-04 | \u2013 | \u2013 | \u2013 | false | CHN | "
            + "not reported");
    assertThat(month).hasSize(13);   // 2021-12 .. 2022-12 (KAZ's annual 2022 spans its year)
    // The charts: 2021 a starred bar, 2022 no bar; months: three bars, March to December one
    // hatched band, never a bar of zero.
    Element years = share.select("svg.chart").get(0);
    assertThat(years.select("rect.mark")).hasSize(1);
    assertThat(years.select("rect.mark.incomplete")).hasSize(1);
    assertThat(years.select("rect.gap title").text()).isEqualTo("2022: not reported");
    Element months = share.select("svg.chart").get(1);
    assertThat(months.select("rect.mark")).hasSize(3);
    assertThat(months.select("circle.mark")).isEmpty();
    assertThat(months.select("rect.gap title").text())
        .isEqualTo("2022-03 to 2022-12: not reported");
  }

  @Test
  void corridorsAndHubsShowReportedMonthsZerosAndGaps() {
    Element corridors = page.getElementById("corridors");
    Element chnRus = panel(corridors, "chn_rus: ");
    // Three months covered (China reported them); March has only the declarations' 3,645.45,
    // partial, so it is not reported, as every month after it. The baseline window
    // 2021-03..2022-02 has 3 covered months of the 9 a baseline needs: none.
    assertThat(chnRus.selectFirst("h3").text()).endsWith("(baseline none, too_few_covered_months)");
    assertThat(rows(chnRus))
        .containsEntry("2021-12", "2021-12 | true | 1,500.75 | \u2013 | \u2013 | ")
        .containsEntry("2022-01", "2022-01 | true | 2,300.00 | \u2013 | \u2013 | ")
        .containsEntry("2022-02", "2022-02 | true | 77.70 | \u2013 | \u2013 | ")
        .containsEntry("2022-03", "2022-03 | false | \u2013 | 3,645.45 | \u2013 | CHN>RUS")
        .containsEntry("2022-04", "2022-04 | false | \u2013 | \u2013 | \u2013 | CHN>RUS");
    assertThat(chnRus.select("rect.mark")).hasSize(3);
    assertThat(chnRus.select("rect.gap title").text())
        .isEqualTo("2022-03 to 2022-12: not reported");
    // Kazakhstan's imports from China: a.csv line 10, CIF 2,100.00 / 1.10 = 1,909.09 in
    // January; December and February are covered by China's exports and hold no trade:
    // zeros, dots on the axis.
    Element hub = panel(corridors, "greater_china_hub:KAZ: ");
    assertThat(rows(hub)).containsEntry("2021-12", "2021-12 | true | 0.00 | \u2013 | \u2013 | ")
        .containsEntry("2022-01", "2022-01 | true | 1,909.09 | \u2013 | \u2013 | ");
    assertThat(hub.select("rect.mark")).hasSize(1);
    assertThat(hub.select("circle.mark.zero")).hasSize(2);
    Element kaz = panel(page.getElementById("hubs"), "KAZ");
    // Kazakhstan reported its 2022 exports only annually and Russia none: exports never
    // reported, so never zero.
    assertThat(rows(kaz))
        .containsEntry("2022-01", "2022-01 | true | 1,909.09 | false | \u2013 | 0 | "
            + "in_or_before_window")
        .containsEntry("2022-02", "2022-02 | true | 0.00 | false | \u2013 | 0 | \u2013")
        .containsEntry("2022-03", "2022-03 | false | \u2013 | false | \u2013 | 0 | \u2013");
    Element exports = kaz.select("svg.chart").get(1);
    assertThat(exports.select(".mark")).isEmpty();
    assertThat(exports.select("rect.gap title").text())
        .isEqualTo("2021-12 to 2022-12: not reported");
  }

  @Test
  void mirrorGapsOutliersAndCoverageHoldTheHandWorkedNumbers() {
    // China reported no exports to Kazakhstan, Kazakhstan imports of 2,100.00 CIF in January
    // 2022, a month both reported: a phantom import, 1,909.09 on a FOB basis, all of what
    // Kazakhstan recorded from China in the months both reported.
    assertThat(rows(page.getElementById("mirror-pairs"))).containsEntry("CHN",
        "CHN | KAZ | 2022 | 1 | 0 | 0.00 | 0.00 | 0.00 | 0 | 0.00 | 1 | 1,909.09 | \u2013 | 100.0");
    assertThat(rows(page.getElementById("mirror-cells"))).containsEntry("2022-01",
        "2022-01 | CHN | KAZ | 1 | 854231 | importer_only | true | 0.00 | 2,100.00 | 1.1 | "
            + "default | 1,909.09 | -1,909.09 | \u2013 | 1,909.09");
    // The one group with five records of 10 kg or more: log10 prices 2, 2, 2, 2 and 0; median
    // 2, deviations 0, 0, 0, 0, 2, their median 0, floored at 0.02; the cheap record scores
    // 0.6745 x (0 - 2) / 0.02 = -67.45. Its firm comes from trade_records.
    Element outliers = page.getElementById("outliers");
    assertThat(rows(outliers)).hasSize(1);
    assertThat(rows(outliers).get("2022-03")).startsWith("2022-03 | CHN | RUS | importer | "
            + "854239 | 10.00 | 10.000 | 1.0 | 100.0 | -67.45 | 5 | \u2013 | \u2013 | \u2013 | "
            + "\u2013 | \u2013 | \u2013 | true | false | low | " + FIRM + " | OOO BETA | "
            + "MICROCIRCUITS <b>CHEAP</b> | decl.csv:6 | ");
    // Thirteen months, 2021-12 .. 2022-12: China's exports in the first three; Kazakhstan's
    // exports inside its annual 2022 figure; the declarations in March, covering nothing.
    Map<String, String> coverage = new LinkedHashMap<>();
    for (Element tr : page.getElementById("coverage").select("tbody tr")) {
      List<String> c = cells(tr);
      coverage.put(c.get(0) + " " + c.get(1) + " " + c.get(2), String.join(" | ", c.subList(4,
          c.size())));
    }
    assertThat(coverage)
        .containsEntry("comtrade CHN export", "3 | 0 | 10 | 2021-12 | 2022-02 | 2021-12 | "
            + "MMM..........")
        .containsEntry("comtrade KAZ export", "0 | 12 | 1 | \u2013 | \u2013 | 2021-12 | "
            + ".AAAAAAAAAAAA")
        .containsEntry("comtrade KAZ import", "1 | 0 | 12 | 2022-01 | 2022-01 | 2021-12 | "
            + ".M...........")
        .containsEntry("declarations RUS import", "1 | 0 | 12 | 2022-03 | 2022-03 | 2021-12 | "
            + "...M.........");
  }

  @Test
  void theReportCitesItsRunAndEveryInputByDigest() throws Exception {
    Element run = page.getElementById("run");
    assertThat(run.selectFirst("table.facts").text()).contains("run_id " + runId)
        .contains("periods 2021-12..2022-03 (4 months)");
    for (Path file : List.of(work.resolve("input/a.csv"), work.resolve("input/b.csv.gz"),
        work.resolve("decl.csv"))) {
      String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(Files.readAllBytes(file)));
      assertThat(run.text()).as(file.toString()).contains(sha);
    }
    // Every figure's query is printed, with the list it is about written in.
    assertThat(page.select("pre.sql")).hasSize(7);
    assertThat(page.getElementById("share").selectFirst("pre.sql").text())
        .contains("WHERE importer_iso3 = 'RUS' AND tier = 'ALL' AND list_id = 'chpl' AND "
            + "list_version = '2024-02'");
  }

  @Test
  void firmNamesFromCustomsFilesArePrintedAsTextNeverAsMarkup() {
    assertThat(html).doesNotContain("<script").doesNotContain("<b>CHEAP")
        .contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Co&quot;");
    assertThat(page.select("script")).isEmpty();
    Element outliers = page.getElementById("outliers");
    assertThat(outliers.select("td").stream().map(Element::text))
        .contains(FIRM, "MICROCIRCUITS <b>CHEAP</b>");
    // The chart's label, shortened to fit, and its tooltip, whole.
    assertThat(outliers.select("text.rowlabel").first().ownText())
        .startsWith("2022-03 854239 CHN>RUS <script>");
    assertThat(outliers.select("text.rowlabel title").first().text())
        .isEqualTo("2022-03 854239 CHN>RUS " + FIRM);
  }

  @Test
  void chromiumDrawsEveryChartFromDiskWithoutScriptErrors() throws Exception {
    String chromium = Chromium.find();
    Path index = work.resolve("out/index.html");
    Path profile = Files.createDirectories(work.resolve("chromium-profile"));
    Chromium.Result dom = Chromium.run(chromium, profile, "--enable-logging=stderr", "--v=0",
        "--dump-dom", index.toUri().toString());
    assertThat(dom.stderr()).as("console").doesNotContain("Uncaught");
    Document rendered = Jsoup.parse(dom.stdout());
    // Nothing to run and nothing to fetch: the page opens from disk with no network.
    assertThat(rendered.select("script, [src], link, iframe, object, embed")).isEmpty();
    assertThat(rendered.select("a[href]")).allSatisfy(a -> assertThat(a.attr("href"))
        .startsWith("#"));
    // Share by year and month, three corridors, Kazakhstan's two series, two mirror-gap
    // charts, the outliers and the coverage grid.
    List<Element> charts = rendered.select("svg.chart");
    assertThat(charts).hasSize(11);
    List<String> empty = new ArrayList<>();
    for (Element svg : charts) {
      boolean drawn = svg.select("rect.mark, rect.gap").stream().anyMatch(r ->
          Double.parseDouble(r.attr("width")) > 0 && Double.parseDouble(r.attr("height")) > 0)
          || svg.select("circle.mark").stream().anyMatch(c -> Double.parseDouble(c.attr("r")) > 0);
      if (!drawn) {
        empty.add(svg.selectFirst("title").text());
      }
    }
    assertThat(empty).as("charts without a drawing").isEmpty();
    // Every chart but Kazakhstan's exports (never reported) draws a value.
    assertThat(charts.stream().filter(svg -> svg.select(".mark").isEmpty()))
        .singleElement().satisfies(svg -> assertThat(svg.selectFirst("title").text())
            .startsWith("KAZ: exports to Russia"));
    Path png = Launcher.projectDir().resolve("target/report.png");
    Files.deleteIfExists(png);
    Chromium.run(chromium, profile, "--screenshot=" + png, "--window-size=1400,3000",
        index.toUri().toString());
    assertThat(png).isNotEmptyFile();
  }

  @Test
  void mistakesAreOneLineErrorsWithExitCode2() throws IOException {
    assertOneLineError(InProcess.run(work, "report", "--warehouse", "nowhere", "--out", "x"),
        "Cannot find warehouse " + work.resolve("nowhere"));
    Files.writeString(work.resolve("file.txt"), "x");
    assertOneLineError(InProcess.run(work, "report", "--warehouse", "wh", "--out", "file.txt"),
        "Invalid --out file.txt: " + work.resolve("file.txt") + " is a file");
    assertOneLineError(InProcess.run(work, "report", "--warehouse", "wh", "--out", "wh/r"),
        "Invalid --out wh/r: " + work.resolve("wh/r") + " is inside the warehouse");
    Files.createDirectories(work.resolve("empty"));
    assertOneLineError(InProcess.run(work, "report", "--warehouse", "empty", "--out", "x"),
        "Cannot write a report: warehouse " + work.resolve("empty") + " holds no published "
            + "run");
    assertOneLineError(InProcess.run(work, "report", "--warehouse", "wh"),
        "Missing --out for report");
  }

  private static void assertOneLineError(Launcher.Result r, String start) {
    assertThat(r.exitCode()).as(r.stderr()).isEqualTo(2);
    assertThat(r.errorLines()).as(r.stderr()).singleElement().asString()
        .startsWith("dualflow: " + start);
    assertThat(r.stderr()).doesNotContain("\tat ");
  }

  private static String withoutTime(String page) {
    return page.replaceAll("report written [0-9T:.-]+Z", "report written <time>");
  }

  /** The panel of a section whose heading starts with {@code title}. */
  private static Element panel(Element section, String title) {
    return section.select("div.panel").stream()
        .filter(p -> p.selectFirst("h3").text().startsWith(title)).findFirst().orElseThrow();
  }

  /** A table's rows by their first cell, each as its cells joined with " | ". */
  private static Map<String, String> rows(Element container) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Element tr : container.select("tbody tr")) {
      List<String> cells = cells(tr);
      out.put(cells.get(0), String.join(" | ", cells));
    }
    return out;
  }

  /** A row's cells' text, empty cells included (jsoup's eachText leaves them out). */
  private static List<String> cells(Element tr) {
    return tr.select("td").stream().map(Element::text).toList();
  }

  /** Headless Chromium, installed when missing and the tests run as root. */
  static final class Chromium {

    record Result(String stdout, String stderr) {
    }

    static String find() throws IOException, InterruptedException {
      String found = which();
      if (found == null && exec("id", "-u").strip().equals("0")) {
        // As root, as on the project's machines and in CI: Debian's package (a new machine
        // has no package lists yet).
        exec("apt-get", "update", "-q");
        exec("apt-get", "install", "-y", "-q", "chromium");
        found = which();
      }
      if (found == null) {
        throw new AssertionError("Chromium is not installed and cannot be installed by this "
            + "user: run apt-get install -y chromium as root (the report test opens the report "
            + "in headless Chromium)");
      }
      return found;
    }

    private static String which() throws IOException, InterruptedException {
      for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
        String path = exec("sh", "-c", "command -v " + name + " || true").strip();
        if (!path.isEmpty()) {
          return path;
        }
      }
      return null;
    }

    static Result run(String chromium, Path profile, String... args)
        throws IOException, InterruptedException {
      List<String> command = new ArrayList<>(List.of(chromium, "--headless", "--disable-gpu",
          "--no-sandbox", "--user-data-dir=" + profile));
      command.addAll(List.of(args));
      Path out = Files.createTempFile("chromium-out", ".txt");
      Path err = Files.createTempFile("chromium-err", ".txt");
      Process p = new ProcessBuilder(command).redirectOutput(out.toFile())
          .redirectError(err.toFile()).start();
      if (!p.waitFor(2, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new AssertionError("Chromium timed out: " + command);
      }
      Result r = new Result(Files.readString(out), Files.readString(err));
      Files.delete(out);
      Files.delete(err);
      assertThat(p.exitValue()).as(String.join(" ", command) + "\n" + r.stderr()).isZero();
      return r;
    }

    private static String exec(String... command) throws IOException, InterruptedException {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(10, TimeUnit.MINUTES)) {
        p.destroyForcibly();
      }
      return text;
    }
  }
}

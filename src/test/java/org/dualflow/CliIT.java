package org.dualflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A user's mistakes on the command line: one line that names the key or file and the fix, and
 * a distinct exit code. Run in process (see {@link InProcess}); {@link LauncherIT} checks the
 * same through {@code jobs/dualflow}, where a stack trace would show.
 */
class CliIT {

  @TempDir
  Path dir;

  private Launcher.Result runJob(String job, String... more) throws IOException {
    Files.writeString(dir.resolve("job.properties"), job);
    String[] args = new String[2 + more.length];
    args[0] = "run";
    args[1] = "job.properties";
    System.arraycopy(more, 0, args, 2, more.length);
    return InProcess.run(dir, args);
  }

  private static void assertOneLineError(Launcher.Result r, int code, String start) {
    assertThat(r.exitCode()).as(r.stderr()).isEqualTo(code);
    assertThat(r.errorLines()).as(r.stderr()).hasSize(1);
    assertThat(r.errorLines().get(0)).as(r.stderr()).startsWith("dualflow: " + start);
  }

  private Path csv(String name, String content) throws IOException {
    return Files.writeString(dir.resolve(name), content);
  }

  @Test
  void configurationMistakesExitWith2BeforeSparkStarts() throws Exception {
    assertOneLineError(InProcess.run(dir, "run", "missing.properties"), 2,
        "Cannot find job file missing.properties");
    assertOneLineError(runJob("input.comtrade=x.csv\nwarehous=wh\n"), 2,
        "Unknown key warehous in " + dir.resolve("job.properties") + " (did you mean warehouse?)");
    assertOneLineError(runJob("input.comtrade=nothing/*.csv\nwarehouse=wh\n"), 2,
        "Cannot find input for input.comtrade: " + dir.resolve("nothing/*.csv"));
    csv("a.csv", EndToEndIT.HEADER + "\n");
    assertOneLineError(runJob("input.comtrade=a.csv\nwarehouse=wh\nlists=chpl@2022-01\n"), 2,
        "Invalid lists in ");
    Files.createDirectories(dir.resolve("ref"));
    csv("ref/countries.csv", "iso3,name_en\nARM,Armenia\n");
    assertOneLineError(runJob("input.comtrade=a.csv\nwarehouse=wh\nreference.dir=ref\n"), 2,
        "Invalid reference file " + dir.resolve("ref/countries.csv") + ": missing column iso2");
    assertOneLineError(runJob("input.comtrade=a.csv\nwarehouse=wh\n", "--bogus"), 2,
        "Unknown option --bogus");
    assertOneLineError(runJob("input.comtrade=a.csv\nwarehouse=a.csv\n"), 2,
        "Invalid warehouse in " + dir.resolve("job.properties") + ": " + dir.resolve("a.csv")
            + " is a file");
    assertOneLineError(runJob("input.gaac=a.csv\nwarehouse=wh\n"), 2,
        "Unknown key input.gaac in " + dir.resolve("job.properties") + " (did you mean input.gacc?)");
    assertOneLineError(runJob("input.gacc=a.csv\ninput.gacc.flw=import\nwarehouse=wh\n"), 2,
        "Invalid input in " + dir.resolve("job.properties") + ": input.gacc.flw is not an option "
            + "of gacc; its options: mapping, encoding, flow, period");
    assertOneLineError(runJob("input.comtrade=a.csv\nwarehouse=wh\nquality.max-reject-ratio=5%\n"),
        2, "Invalid quality.max-reject-ratio in ");
    // A mapping that puts text into a number field: named now, not a failure of every record.
    csv("text-value.properties", "source = declarations\ncolumn.n = N\ncolumn.d = D\n"
        + "column.c = C\ncolumn.v = V\nkey = n\nfield.period = month(d, 'dd.MM.yyyy')\n"
        + "field.flow = 'import'\nfield.reporter_iso3 = 'RUS'\nfield.partner_iso3 = 'CHN'\n"
        + "field.hs_code = hs_code(c)\nfield.value_orig = text(v)\n"
        + "field.currency_orig = 'USD'\n");
    assertOneLineError(runJob("input.declarations=a.csv\ninput.declarations.mapping="
            + "text-value.properties\nwarehouse=wh\n"), 2, "Invalid input in "
            + dir.resolve("job.properties") + ": Invalid mapping " + dir.resolve(
                "text-value.properties") + ": field.value_orig: text(v) gives [text], but "
            + "value_orig needs a number: use decimal(column) or kg(...)");
    assertOneLineError(runJob("input.comtrade=a.csv\ninput.comext=.\nwarehouse=wh\n"), 2,
        "Invalid input in " + dir.resolve("job.properties") + ": file:" + dir.resolve("a.csv")
            + " is given as input.comext and as input.comtrade; a file is of one source, "
            + "remove it from the other");
    Launcher.Result usage = InProcess.run(dir);
    assertThat(usage.exitCode()).isEqualTo(2);
    assertThat(usage.stderr()).contains("usage: jobs/dualflow run", "input.comtrade");
  }

  @Test
  void aFileRejectingMoreThanAllowedStopsTheRunWith3AndPublishesNothing() throws Exception {
    // Two lines of four are bad: 50% against a limit of 10%.
    csv("half.csv", EndToEndIT.HEADER + "\n" + EndToEndIT.A.get(0) + "\n" + EndToEndIT.A.get(5)
        + "\n" + EndToEndIT.A.get(11) + "\n" + EndToEndIT.A.get(12) + "\n");
    Launcher.Result r = runJob("input.comtrade=half.csv\nwarehouse=wh\n"
        + "quality.max-reject-ratio=0.1\n");
    // Its reasons, most frequent first, and the first line of the first.
    assertOneLineError(r, 3, "Quality gate: file:" + dir.resolve("half.csv")
        + " rejects 50.0% (2 of 4: field_count 1, e.g. line 4: ");
    assertThat(r.errorLines().get(0)).contains("; not_numeric 1), above "
        + "quality.max-reject-ratio 0.1; nothing was published");
    try (var tables = Files.list(dir.resolve("wh"))) {
      assertThat(tables.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("quality_report", "run_manifest");
    }
    org.apache.spark.sql.Row q = SparkTestSession.get().read()
        .schema(org.dualflow.schema.TableSchema.load("quality_report").schema())
        .parquet(dir.resolve("wh/quality_report").toString()).first();
    assertThat(q.<String>getAs("gate")).isEqualTo("over_limit");
    assertThat(q.<Double>getAs("reject_ratio")).isEqualTo(0.5);
  }

  @Test
  void anEmptyInputFileExitsWith3NamingIt() throws Exception {
    csv("empty.csv", "");
    assertOneLineError(runJob("input.comtrade=empty.csv\nwarehouse=wh\n"), 3,
        "Cannot read " + "file:" + dir.resolve("empty.csv") + ": the file is empty (0 bytes)");
  }

  @Test
  void aFileThatIsNotComtradeOrNotGzipExitsWith3NamingIt() throws Exception {
    csv("eurostat.csv", "REPORTER,PARTNER,PRODUCT,FLOW,PERIOD,VALUE_IN_EUR\nDE,RU,85423111,2,"
        + "202101,5\n");
    Launcher.Result r = runJob("input.comtrade=eurostat.csv\nwarehouse=wh\n");
    assertOneLineError(r, 3, "Cannot read file:" + dir.resolve("eurostat.csv")
        + " as UN Comtrade final data: the header lacks freqCode");
    // It is a Comext file: the message says where it belongs.
    assertThat(r.errorLines().get(0)).contains("; it reads as comext data: give it as "
        + "input.comext (see jobs/dualflow inspect file:" + dir.resolve("eurostat.csv") + ")");
    assertThat(Files.exists(dir.resolve("wh/trade_records"))).isFalse();

    Files.write(dir.resolve("broken.csv.gz"), new byte[] {0x1f, (byte) 0x8b, 8, 0, 1, 2, 3});
    assertOneLineError(runJob("input.comtrade=broken.csv.gz\nwarehouse=wh\n"), 3,
        "Cannot read file:" + dir.resolve("broken.csv.gz") + ": it starts like gzip but its "
            + "gzip header is corrupt or cut short");
  }

  @Test
  void bytesThatAreNotUtf8DeepInAFileFailTheRunWith3NotWithMojibake() throws Exception {
    // A Comext file, which is UTF-8 (a Comtrade file falls back to windows-1252, as the
    // portal serves it), with GBK bytes far enough in that the driver's look at the header
    // does not decode them.
    StringBuilder text = new StringBuilder(
        "REPORTER,PARTNER,PRODUCT,FLOW,STAT_PROCEDURE,PERIOD,VALUE_IN_EUR\n");
    for (int i = 1; i <= 20_000; i++) {
      text.append("DE,RU,85423190,2,1,Jan. 2021,").append(i).append('\n');
    }
    byte[] head = text.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    byte[] gbk = "DE,RU,85423190,2,1,\u4e00\u6708 2021,5\n"
        .getBytes(java.nio.charset.Charset.forName("GBK"));
    byte[] all = new byte[head.length + gbk.length];
    System.arraycopy(head, 0, all, 0, head.length);
    System.arraycopy(gbk, 0, all, head.length, gbk.length);
    Files.write(dir.resolve("gbk.csv"), all);
    Launcher.Result r = runJob("input.comext=gbk.csv\nwarehouse=wh\n");
    assertOneLineError(r, 3, "Cannot read file:" + dir.resolve("gbk.csv") + ": line ");
    assertThat(r.errorLines().get(0)).contains("has bytes that are not valid UTF-8");
    assertThat(Files.exists(dir.resolve("wh/trade_records"))).isFalse();
    // Nothing published, but the failed run is on record.
    org.apache.spark.sql.Row failed = SparkTestSession.get().read()
        .schema(org.dualflow.schema.TableSchema.load("run_manifest").schema())
        .parquet(dir.resolve("wh/run_manifest").toString()).first();
    assertThat(failed.<String>getAs("status")).isEqualTo("failed");
    assertThat(failed.<String>getAs("status_reason")).contains("not valid UTF-8");
    assertThat(Files.list(dir.resolve("wh")).map(p -> p.getFileName().toString()))
        .containsExactly("run_manifest");
  }

  @Test
  void inspectSaysWhatEachFileIsWithoutSpark() throws Exception {
    csv("eurostat.csv", "REPORTER,PARTNER,PRODUCT,FLOW,STAT_PROCEDURE,PERIOD,VALUE_IN_EUR\n"
        + "DE,RU,85423190,2,1,Jan. 2021,1000\nDE,RU,85423190,2,1,202152,12000\n"
        + "DE,XX,85423190,2,1,Jan. 2021,5\n");
    csv("notes.csv", "what,when\nlunch,noon\n");
    Launcher.Result r = InProcess.run(dir, "inspect", "eurostat.csv", "notes.csv");
    assertThat(r.exitCode()).as(r.stderr()).isEqualTo(3);     // notes.csv is no data
    assertThat(r.stdout()).contains("file:" + dir.resolve("eurostat.csv") + "\n"
            + "  source     comext  (jobs: input.comext=...)\n"
            + "  read as    UTF-8, delimited by commas, 7 columns\n",
        "  records    3: 2 accepted, 1 rejected\n",
        "  months     2021-01 (1)\n",
        "  years      2021 (1, annual records)\n",
        "  rejected   unknown_country 1, e.g. line 4: PARTNER 'XX' is not a known country",
        "  example    line 2: 2021-01 DEU > RUS export 85423190, 1217.80 USD FOB (1000.00 EUR)",
        "file:" + dir.resolve("notes.csv") + "\n  no reader takes it:\n",
        "    comtrade: Cannot read file:" + dir.resolve("notes.csv") + " as UN Comtrade");
    assertOneLineError(InProcess.run(dir, "inspect", "nothing.csv"), 2,
        "Cannot find nothing.csv");
  }
}

package org.dualflow.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobConfigTest {

  @TempDir
  Path dir;

  private Path job(String text) throws IOException {
    Path jobs = Files.createDirectories(dir.resolve("jobs"));
    return Files.writeString(jobs.resolve("j.properties"), text);
  }

  @Test
  void relativePathsResolveAgainstTheJobFilesDirectoryAndSetAgainstTheCurrentOne()
      throws IOException {
    Path file = job("input.comtrade=../data/a.csv, hdfs://nn/x/*.csv\nwarehouse=../wh\n");
    JobConfig c = JobConfig.load(file, List.of("periods=2024-01..2024-03", "lists=chpl@all"),
        Path.of("/somewhere"));
    assertThat(c.inputs().get("comtrade"))
        .containsExactly(dir.resolve("data/a.csv").toString(), "hdfs://nn/x/*.csv");
    assertThat(c.warehouse()).isEqualTo(dir.resolve("wh").toString());
    assertThat(c.periods().months()).hasSize(3);
    assertThat(c.lists()).isEqualTo("chpl@all");
    assertThat(c.settings()).containsEntry("reference.dir", "bundled");
    JobConfig overridden = JobConfig.load(file, List.of("warehouse=out"), Path.of("/cwd"));
    assertThat(overridden.warehouse()).isEqualTo("/cwd/out");
  }

  @Test
  void theShippedJobFilesAreValid() {
    Path jobs = Path.of("jobs").toAbsolutePath();
    JobConfig monthly = JobConfig.load(jobs.resolve("monthly.properties"), List.of(), dir);
    assertThat(monthly.periods().isLatest()).isTrue();
    assertThat(monthly.maxRejectRatio()).isEqualTo(0.1);
    assertThat(monthly.inputs()).containsOnlyKeys("comtrade", "gacc", "declarations", "comext");
    JobConfig backfill = JobConfig.load(jobs.resolve("backfill.properties"), List.of(), dir);
    assertThat(backfill.periods().months()).hasSize(72);
    assertThat(backfill.warehouse()).isEqualTo(monthly.warehouse());
    JobConfig.load(jobs.resolve("sample.properties"), List.of(), dir);
  }

  @Test
  void catalogSettingsAreCheckedBeforeSparkStarts() throws IOException {
    Path file = job("input.comtrade=a.csv\nwarehouse=wh\n");
    assertThatThrownBy(() -> JobConfig.load(file, List.of("catalog.register=yes"), dir))
        .isInstanceOf(ConfigException.class)
        .hasMessage("Invalid catalog.register in --set catalog.register: 'yes'; use auto, true "
            + "or false");
    assertThatThrownBy(() -> JobConfig.load(file, List.of("catalog.database=my-db"), dir))
        .hasMessageContaining("Invalid catalog.database");
  }

  @Test
  void analyticsSettingsHaveDefaultsAndEachMistakeNamesItsKey() throws IOException {
    Path file = job("input.comtrade=a.csv\nwarehouse=wh\n");
    var a = JobConfig.load(file, List.of(), dir).analytics();
    assertThat(a.minCoveredMonths(a.baseline())).isEqualTo(9);
    assertThat(List.of(a.persistMonths(), a.persistOf())).containsExactly(3, 4);
    assertThat(a.originGroups()).containsExactly("greater_china", "sanctioning_coalition");
    assertThat(a.factorWindow()).isEqualTo(a.baseline());
    assertThat(List.of(a.factorMin(), a.factorMax())).containsExactly(1.0, 1.2);
    var set = JobConfig.load(file, List.of("analytics.min-coverage=0.5",
        "analytics.transit-persistence=2/3", "analytics.cif-fob-window=2019-01..2019-12",
        "analytics.cif-fob-range=1..1.15"), dir).analytics();
    assertThat(set.minCoveredMonths(set.baseline())).isEqualTo(6);
    assertThat(List.of(set.persistMonths(), set.persistOf())).containsExactly(2, 3);
    assertThat(set.factorWindow().months()).hasSize(12);
    assertThat(set.factorMax()).isEqualTo(1.15);
    assertThatThrownBy(() -> JobConfig.load(file, List.of("analytics.transit-persistence=5/4"),
        dir)).hasMessage("Invalid analytics.transit-persistence in --set "
            + "analytics.transit-persistence: '5/4'; use N/M with 1 <= N <= M, like 3/4");
    assertThatThrownBy(() -> JobConfig.load(file, List.of("analytics.min-coverage=75%"), dir))
        .hasMessage("Invalid analytics.min-coverage in --set analytics.min-coverage: '75%'; use "
            + "a number from 0 to 1, like 0.75");
    assertThatThrownBy(() -> JobConfig.load(file, List.of("analytics.cif-fob-range=0.9..1.2"),
        dir)).hasMessageStartingWith("Invalid analytics.cif-fob-range in --set");
    assertThatThrownBy(() -> JobConfig.load(file, List.of("analytics.baseline=2021"), dir))
        .hasMessageStartingWith("Invalid analytics.baseline in --set analytics.baseline: '2021'");
  }

  @Test
  void anUnknownKeyIsNamedWithTheClosestKnownOne() throws IOException {
    Path file = job("input.comtrde=a.csv\nwarehouse=wh\n");
    assertThatThrownBy(() -> JobConfig.load(file, List.of(), dir))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("Unknown key input.comtrde in " + file
            + " (did you mean input.comtrade?)");
  }

  @Test
  void aMistakeInSetIsBlamedOnSetNotOnTheJobFile() throws IOException {
    Path file = job("input.comtrade=a.csv\nwarehouse=wh\n");
    assertThatThrownBy(() -> JobConfig.load(file, List.of("warehose=x"), dir))
        .hasMessageStartingWith("Unknown key warehose in --set warehose (did you mean warehouse?)");
    assertThatThrownBy(() -> JobConfig.load(file, List.of("periods=2024"), dir))
        .hasMessageStartingWith("Invalid periods in --set periods: ");
  }

  @Test
  void missingWarehouseInputOrFileAndBadPeriodsAreOneLineErrors() throws IOException {
    assertThatThrownBy(() -> JobConfig.load(job("input.comtrade=a.csv\n"), List.of(), dir))
        .hasMessageStartingWith("Missing key warehouse in ");
    assertThatThrownBy(() -> JobConfig.load(job("warehouse=wh\n"), List.of(), dir))
        .hasMessageStartingWith("Missing input in ");
    assertThatThrownBy(() -> JobConfig.load(Path.of("nope.properties"), List.of(), dir))
        .hasMessageStartingWith("Cannot find job file nope.properties");
    assertThatThrownBy(() -> JobConfig.load(job("input.comtrade=a\nwarehouse=w\nperiods=2024"),
        List.of(), dir))
        .hasMessageContaining("Invalid periods in ")
        .hasMessageEndingWith("'2024' is not a month range like 2021-01..2024-12, a month "
            + "like 2024-03, last:3 or all");
    assertThatThrownBy(() -> JobConfig.load(job("input.comtrade=a\nwarehouse=w\n"),
        List.of("periods"), dir))
        .hasMessageStartingWith("Invalid --set periods: expected key=value");
    assertThatThrownBy(() -> JobConfig.load(job("input.comtrade=a\nwarehouse=w\n"
        + "reference.dir=nowhere\n"), List.of(), dir))
        .hasMessageContaining("Invalid reference.dir in ").hasMessageContaining("is not a directory");
  }

  @Test
  void theReportIsOffByDefaultAndGoesBesideTheWarehouse() throws IOException {
    Path file = job("input.comtrade=a.csv\nwarehouse=../wh/\n");
    JobConfig c = JobConfig.load(file, List.of(), dir);
    assertThat(c.settings()).containsEntry("report.enabled", "false")
        .containsEntry("report.dir", dir.resolve("wh").toString() + "-report");
    assertThatThrownBy(() -> JobConfig.load(file, List.of("report.enabled=yes"), dir))
        .isInstanceOf(ConfigException.class)
        .hasMessage("Invalid report.enabled in --set report.enabled: 'yes'; use true or false");
    Files.writeString(dir.resolve("taken"), "x");
    assertThatThrownBy(() -> JobConfig.load(file, List.of("report.dir=taken"), dir))
        .hasMessage("Invalid report.dir in --set report.dir: " + dir.resolve("taken")
            + " is a file; give a folder (it is created if missing)");
    // Every folder of a warehouse is read as a table: a report inside would break sql.
    assertThatThrownBy(() -> JobConfig.load(file, List.of("report.dir=wh/report"), dir))
        .hasMessageStartingWith("Invalid report.dir in --set report.dir: "
            + dir.resolve("wh/report") + " is inside the warehouse");
    // Relative to the job file, as every path in it.
    assertThat(JobConfig.load(job("input.comtrade=a.csv\nwarehouse=wh\nreport.dir=r\n"),
        List.of(), dir).settings()).containsEntry("report.dir",
        dir.resolve("jobs/r").toString());
  }
}

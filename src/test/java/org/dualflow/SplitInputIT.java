package org.dualflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same job on the same input, its files read whole ({@code ingest.split-size=none}) and in
 * splits of 256 bytes: the same tables row by row, and the same counts. The input is
 * {@link EndToEndIT}'s plus a file of quoted line breaks, CRLF, a blank line and malformed
 * lines, so that cuts fall inside and between every kind of record.
 */
class SplitInputIT {

  /**
   * Worked out by hand: records on lines 2 (to 3), 4, 6 (to 8), 9, 10 and 11; line 9 has a
   * character after a closing quote and line 10 too few fields: 6 read, 4 accepted, 2 rejected.
   */
  static final String Q = EndToEndIT.HEADER + "\r\n"
      + "M,2022,3,202203,156,CHN,X,643,RUS,0,H6,854231,6,C00,0,0,\"k\r\ng\",1,1,10.00\r\n"
      + "M,2022,3,202203,156,CHN,X,643,RUS,0,H6,854232,6,C00,0,0,kg,1,1,20.00\r\n"
      + "\r\n"
      + "M,2022,3,202203,156,CHN,X,643,RUS,0,H6,854233,6,C00,0,0,\"a\nb\nc\",1,1,30.00\r\n"
      + "M,2022,3,202203,156,CHN,X,643,RUS,0,H6,854239,6,C00,0,0,\"kg\"x,1,1,40.00\r\n"
      + "M,2022,3\r\n"
      + "M,2022,3,202203,156,CHN,X,643,RUS,0,H6,854239,6,C00,0,0,kg,1,1,50.00\r\n";

  static Path work;
  static final Map<String, Integer> surveyTasks = new ConcurrentHashMap<>();
  static SparkListener listener;

  @BeforeAll
  static void input(@TempDir Path dir) throws Exception {
    work = dir;
    Path input = Files.createDirectories(dir.resolve("input"));
    Files.writeString(input.resolve("a.csv"), EndToEndIT.HEADER + "\n"
        + String.join("\n", EndToEndIT.A) + "\n");
    Files.writeString(input.resolve("q.csv"), Q);
    try (java.io.OutputStream gz = new java.util.zip.GZIPOutputStream(
        Files.newOutputStream(input.resolve("b.csv.gz")))) {
      gz.write(EndToEndIT.B.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    // The tasks that read the input in each run's survey (its first read), by run.
    listener = new SparkListener() {
      @Override
      public void onStageSubmitted(SparkListenerStageSubmitted s) {
        String job = s.properties() == null ? null
            : s.properties().getProperty("spark.job.description");
        String warehouse = s.properties() == null ? null
            : s.properties().getProperty("test.warehouse");
        if ("ingest: read, check and write trade_records".equals(job) && warehouse != null) {
          // The first stage is the read; later ones (the duplicate check's) shuffle.
          surveyTasks.putIfAbsent(warehouse, s.stageInfo().numTasks());
        }
      }
    };
    SparkTestSession.get().sparkContext().addSparkListener(listener);
  }

  @AfterAll
  static void removeListener() {
    SparkTestSession.get().sparkContext().removeSparkListener(listener);
  }

  private static Launcher.Result run(String warehouse, String splitSize) throws Exception {
    Files.writeString(work.resolve(warehouse + ".properties"), "input.comtrade=input\n"
        + "warehouse=" + warehouse + "\nlists=chpl\n"
        + "ingest.split-size=" + splitSize + "\n" + EndToEndIT.NO_GATE);
    SparkSession spark = SparkTestSession.get();
    spark.sparkContext().setLocalProperty("test.warehouse", warehouse);
    try {
      return InProcess.run(work, "run", warehouse + ".properties");
    } finally {
      spark.sparkContext().setLocalProperty("test.warehouse", null);
    }
  }

  @Test
  void aFileReadInSplitsGivesTheTablesAndCountsOfTheFileReadWhole() throws Exception {
    Launcher.Result whole = run("whole", "none");
    Launcher.Result split = run("split", "256");
    assertThat(whole.exitCode()).as(whole.stderr()).isZero();
    assertThat(split.exitCode()).as(split.stderr()).isZero();
    for (Launcher.Result r : List.of(whole, split)) {
      assertThat(r.stdout())
          .containsPattern("input/a\\.csv\\s+comtrade\\s+16\\s+11\\s+5\\s+0\\s+0\\s+31\\.3%")
          .containsPattern("input/q\\.csv\\s+comtrade\\s+6\\s+4\\s+2\\s+0\\s+0\\s+33\\.3%")
          .containsPattern("input/b\\.csv\\.gz\\s+comtrade\\s+2\\s+1\\s+1\\s+1\\s+0");
    }
    WarehouseSnapshot.assertSame(WarehouseSnapshot.of(work.resolve("split")),
        WarehouseSnapshot.of(work.resolve("whole")));
    SparkTestSession.get().sparkContext().listenerBus().waitUntilEmpty();
    // Whole: the three small files in one task. Split: a.csv (1.4 KB) in five or six splits,
    // q.csv (0.6 KB) in two or three, each a task, and b.csv.gz (gzip: never split) in one.
    assertThat(surveyTasks.get("whole")).isEqualTo(1);
    assertThat(surveyTasks.get("split")).isGreaterThanOrEqualTo(8);
  }
}

package org.dualflow.publish;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import scala.jdk.javaapi.CollectionConverters;

/** One row of {@code run_manifest}: what a run read, wrote and concluded. */
public final class RunManifest {

  /** An input file and its counts. */
  public record Input(String source, String path, long sizeBytes, String sha256, long rowsRead,
      long rowsAccepted, long rowsRejected, long rowsOutsidePeriods) {
  }

  /** A table the run wrote. */
  public record Table(String name, long rowsWritten, List<String> partitionsReplaced) {
  }

  private final String runId;
  private final String jobFile;
  private final Map<String, String> settings;
  private final Instant startedAt;
  private final List<String> periods = new ArrayList<>();
  private final List<Input> inputs = new ArrayList<>();
  private final List<Table> tables = new ArrayList<>();

  public RunManifest(String runId, String jobFile, Map<String, String> settings,
      Instant startedAt) {
    this.runId = runId;
    this.jobFile = jobFile;
    this.settings = new TreeMap<>(settings);
    this.startedAt = startedAt;
  }

  public void periods(List<String> months) {
    periods.clear();
    periods.addAll(months);
  }

  public void input(Input input) {
    inputs.add(input);
  }

  public void table(Table table) {
    tables.add(table);
  }

  public List<Input> inputs() {
    return inputs;
  }

  public List<Table> tables() {
    return tables;
  }

  /** The row, in the column order of {@code schemas/tables/run_manifest.ddl}. */
  public Row toRow(String status, String reason, Instant finishedAt, String appVersion,
      String sparkVersion) {
    List<Row> inputRows = inputs.stream()
        .map(i -> RowFactory.create(i.source(), i.path(), i.sizeBytes(), i.sha256(), i.rowsRead(),
            i.rowsAccepted(), i.rowsRejected(), i.rowsOutsidePeriods()))
        .toList();
    List<Row> tableRows = tables.stream()
        .map(t -> RowFactory.create(t.name(), t.rowsWritten(), seq(t.partitionsReplaced())))
        .toList();
    return RowFactory.create(runId, status, reason, jobFile,
        CollectionConverters.asScala(settings), seq(periods), Timestamp.from(startedAt),
        finishedAt == null ? null : Timestamp.from(finishedAt), seq(inputRows), seq(tableRows),
        appVersion, sparkVersion);
  }

  private static <T> scala.collection.immutable.Seq<T> seq(List<T> list) {
    return CollectionConverters.asScala(list).toList();
  }
}

package org.dualflow.ingest;

import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * A source file format: how to check a file's header and turn each of its records into an
 * {@link Ingested} row. Implementations are serialisable and carry their reference data, since
 * they run on the executors.
 */
public interface SourceFormat extends Serializable {

  /** Name stored in the {@code source} column and used in job keys ({@code input.<name>}). */
  String name();

  /** A charset name, or {@code auto}: UTF-8 when the bytes are valid UTF-8, else GB18030. */
  String encoding();

  /** A delimiter that is read off each file's first line: tab, semicolon or comma. */
  char AUTO_DELIMITER = '\0';

  /** Field separator, or {@link #AUTO_DELIMITER}. */
  default char delimiter() {
    return ',';
  }

  /**
   * False when reading a file checks something across all its records (so that several tasks
   * each reading a part of it could not): such files are read whole by one task.
   */
  default boolean splittable() {
    return true;
  }

  /**
   * A parser for a file with this header.
   *
   * @throws InputFileException when the header lacks required columns
   */
  RecordParser parserFor(List<String> header, String file);

  /** Turns one record into a row, accepted or rejected. */
  interface RecordParser {
    /** What the parser reads from which header, in the file's own names (for inspect). */
    default Map<String, String> columns() {
      return Map.of();
    }

    /**
     * Fills {@code row} (from {@link Ingested#newRow()}, with source columns already set): the
     * canonical columns, {@code source_key} (what identifies the record within its source) and
     * {@link Ingested#ACCEPTED}, or a reason and {@link Ingested#REJECTED}.
     */
    void parse(RecordReader record, Object[] row);
  }
}

package org.dualflow.ingest;

import java.io.Closeable;
import java.io.IOException;

/**
 * The records of one input, one at a time: a delimited text file ({@link CsvRecordReader}) or a
 * workbook's sheet ({@link XlsxSheetReader}). Values of {@link #field(int)} and
 * {@link #rawText()} must be taken before {@link #next()}.
 */
public interface RecordReader extends Closeable {

  /** What a spreadsheet cell held, where the file says: text files hold only text. */
  enum FieldType {
    TEXT,
    /** A number cell, given as a plain decimal ({@code 1234.5}) whatever its display format. */
    NUMBER,
    /** A date cell, given as an ISO date ({@code 2023-10-04}). */
    DATE
  }

  /** Advances to the next record; false at the end of the input. */
  boolean next() throws IOException;

  /** Where the current record starts: a text file's physical line, a sheet's row number. */
  long lineNumber();

  /** The record as it stood in the input, for quarantine. */
  String rawText();

  /** Null for a well-formed record, otherwise why it could not be split reliably. */
  String problem();

  int fieldCount();

  /** Field {@code i} as text ({@code ""} when empty). */
  String field(int i);

  /** What field {@code i} held. */
  default FieldType type(int i) {
    return FieldType.TEXT;
  }

  /** The field separator of a text file; a comma for a workbook (no separator to go by). */
  char delimiter();
}

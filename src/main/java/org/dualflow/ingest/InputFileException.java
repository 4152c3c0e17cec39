package org.dualflow.ingest;

/**
 * An input file that cannot be read as its source format at all (empty, not gzip though named
 * so, not valid in its encoding, header without the required columns). Single bad records are
 * never this: they are quarantined. The message names the file and says what to do.
 */
public final class InputFileException extends RuntimeException {

  private final boolean headerMismatch;

  public InputFileException(String message) {
    this(message, null, false);
  }

  public InputFileException(String message, Throwable cause) {
    this(message, cause, false);
  }

  private InputFileException(String message, Throwable cause, boolean headerMismatch) {
    super(message, cause);
    this.headerMismatch = headerMismatch;
  }

  /** A file whose header lacks the format's columns: it may be another source's file. */
  static InputFileException headerMismatch(String message) {
    return new InputFileException(message, null, true);
  }

  public boolean isHeaderMismatch() {
    return headerMismatch;
  }
}

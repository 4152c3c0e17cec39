package org.dualflow.ingest;

/**
 * An input file that cannot be read as its source format at all (empty, not gzip though named
 * so, not valid in its encoding, header without the required columns). Single bad records are
 * never this: they are quarantined. The message names the file and says what to do.
 */
public final class InputFileException extends RuntimeException {
  public InputFileException(String message) {
    super(message);
  }

  public InputFileException(String message, Throwable cause) {
    super(message, cause);
  }
}

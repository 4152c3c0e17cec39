package org.dualflow.report;

/**
 * A report that cannot be written for a reason the user can fix (no published run in the
 * warehouse, an output path that is a file): the message names it and the fix. Exit 2.
 */
public final class ReportException extends RuntimeException {
  public ReportException(String message) {
    super(message);
  }
}

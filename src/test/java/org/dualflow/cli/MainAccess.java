package org.dualflow.cli;

/** Test access to Main's argument parsing, for the benchmark. */
public final class MainAccess {
  private MainAccess() {
  }

  public static long count(String option, String text) {
    return Main.count(option, text);
  }
}

package org.dualflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MainTest {
  @Test
  void oneLineSkipsTheBlankLinesSparkStartsItsMessagesWith() {
    assertThat(Main.oneLine(new RuntimeException("\n[PARSE_SYNTAX_ERROR] near 'SELEC'\n== SQL =="))).isEqualTo("[PARSE_SYNTAX_ERROR] near 'SELEC'");
    assertThat(Main.oneLine(new RuntimeException((String) null))).isEqualTo("RuntimeException");
    assertThat(Main.oneLine(new IllegalStateException(" \n "))).isEqualTo("IllegalStateException");
  }

  @Test
  void aTaskOutOfHeapIsToldApartFromOtherFailures() {
    // As a failed job reaches the driver: the task's error as text in Spark's message.
    assertThat(Main.outOfMemory(new RuntimeException("Job aborted due to stage failure: Task 3 in"
        + " stage 2.0 failed 1 times, most recent failure: Lost task 3.0 in stage 2.0 (TID 9)"
        + " (vm executor driver): java.lang.OutOfMemoryError: Java heap space"))).isTrue();
    assertThat(Main.outOfMemory(new IllegalStateException("write failed",
        new OutOfMemoryError("GC overhead limit exceeded")))).isTrue();
    assertThat(Main.outOfMemory(new IllegalStateException("Task failed: disk full",
        new java.io.IOException("No space left on device")))).isFalse();
  }
}

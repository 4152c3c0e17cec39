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
}

package io.srlm.spark;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The progress line: rows done/total, rate, and the time left at the rate so far. */
class StageProgressTest {
  @Test
  void etaIsTheTimeLeftAtTheRateSoFar() {
    assertThat(StageProgress.line("judge_responses", 40, 100, 1234.4, 60))
        .isEqualTo("[judge_responses] 40/100 rows (40%), 1,234 tokens/s, ETA 1m30s");
    assertThat(StageProgress.line("x", 0, 10, 0, 5)).endsWith("ETA ?");
    assertThat(StageProgress.line("x", 10, 10, 0, 5)).endsWith("(100%), 0 tokens/s, ETA 0s");
    assertThat(StageProgress.duration(7325)).isEqualTo("2h02m");
  }
}

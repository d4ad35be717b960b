package io.srlm.steps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.srlm.tables.EvaluationRow;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The grader's head-to-head rows on fixed outcomes: its win rate with an interval, and its tie rate. */
class HeadToHeadTruthRowsTest {
  @Test
  void winRateCountsTiesHalfAndTieRateIsTheShareOfPromptsNoCorrectnessJudgeCanDecide() {
    // 5 checkable prompts: the newer model has more right answers on 1, fewer on 1, as many on 3.
    List<EvaluationRow> rows = HeadToHeadStep.truthRows("r", 2, "M3 vs M2, judge M1", List.of(1.0, 0.5, 0.5, 0.0,
        0.5));
    assertThat(rows).extracting(EvaluationRow::metric).containsExactly("truth_win_rate", "truth_tie_rate");
    assertThat(rows).allSatisfy(r -> {
      assertThat(r.n()).isEqualTo(5);
      assertThat(r.evaluation()).isEqualTo("head_to_head");
      assertThat(r.model()).isEqualTo("M3 vs M2, judge M1");
      assertThat(r.iteration()).isEqualTo(2);
    });
    assertThat(rows.get(0).value()).isCloseTo(0.5, within(1e-12));
    assertThat(rows.get(0).ciLow()).isLessThan(0.5);
    assertThat(rows.get(0).ciHigh()).isGreaterThan(0.5);
    assertThat(rows.get(1).value()).isCloseTo(0.6, within(1e-12));
    assertThat(rows.get(1).ciLow()).isNull();
    assertThat(HeadToHeadStep.truthRows("r", 2, "x", List.of())).isEmpty();
  }
}

package io.srlm.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.srlm.tables.EvaluationRow;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the head-to-head chart stacks: the counts only, never the rates written beside them. */
class EvaluationChartsTest {
  @Test
  void theStackedBarsAreWinsTiesAndLosses() {
    List<EvaluationRow> rows = List.of("win_rate", "tie_rate", "wins", "ties", "losses", "judge_unparsed",
        "truth_win_rate", "truth_tie_rate").stream()
        .map(m -> new EvaluationRow("r", 1, "M2 vs M1", "head_to_head", m, 1.0, 100, null, null)).toList();
    assertThat(EvaluationCharts.headToHeadCounts(rows)).extracting(EvaluationRow::metric)
        .containsExactly("wins", "ties", "losses");
  }
}

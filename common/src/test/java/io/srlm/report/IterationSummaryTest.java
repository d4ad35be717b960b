package io.srlm.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.srlm.tables.JudgementRow;
import io.srlm.tables.PairRow;
import io.srlm.tables.PromptRow;
import io.srlm.tables.ResponseRow;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IterationSummaryTest {
  private static final String RUN = "r";

  @Test
  void countsOneIterationByHand() {
    List<PromptRow> prompts = List.of(prompt(1, "a", "accepted", null), prompt(1, "b", "rejected", "too_short"),
        prompt(1, "c", "rejected", "too_short"), prompt(1, "d", "rejected", null), prompt(2, "e", "accepted", null));
    List<ResponseRow> responses = List.of(response(1, "a1", "eos"), response(1, "a2", "length"),
        response(1, "a3", "eos"), response(2, "e1", "eos"));
    // a1: scores 4, 5, unparsed -> mean 4.5 on all three rows; a2: nothing parsed -> null.
    List<JudgementRow> judgements = List.of(judgement(1, "a1", 4.0, 4.5), judgement(1, "a1", 5.0, 4.5),
        judgement(1, "a1", null, 4.5), judgement(1, "a2", null, null), judgement(1, "a2", null, null));
    List<PairRow> pairs = List.of(new PairRow(RUN, 1, "p", "a", "q", "a1", "a2", "x", "y", 4.5, 1.5, 3.0, "s",
        "st"));
    ReportData d = new ReportData(RUN, null, prompts, responses, judgements, pairs, null, null, null);
    List<IterationSummary> all = IterationSummary.of(d);
    assertThat(all).extracting(IterationSummary::iteration).containsExactly(1, 2);
    IterationSummary s = all.get(0);
    assertThat(s.promptsAccepted()).isEqualTo(1);
    assertThat(s.promptsRejected()).isEqualTo(3);
    assertThat(s.rejectedByReason()).isEqualTo(Map.of("too_short", 2L, "unknown", 1L));
    assertThat(s.responses()).isEqualTo(3);
    assertThat(s.responsesTruncated()).isEqualTo(1);
    assertThat(s.judgements()).isEqualTo(5);
    assertThat(s.judgementsParsed()).isEqualTo(2);
    assertThat(s.parseRate()).isEqualTo(0.4);
    assertThat(s.responsesJudged()).isEqualTo(2);
    assertThat(s.responsesScored()).isEqualTo(1);
    assertThat(s.meanScore()).isEqualTo(4.5);
    assertThat(s.pairs()).isEqualTo(1);
    assertThat(s.meanMargin()).isEqualTo(3.0);
    IterationSummary two = all.get(1);
    assertThat(two.judgements()).isZero();
    assertThat(two.parseRate()).isNaN();
    assertThat(two.meanScore()).isNaN();
  }

  private static PromptRow prompt(int it, String id, String status, String reason) {
    return new PromptRow(RUN, it, id, "q", status, reason, null, "raw", 0, List.of(), "M0", 0, 5, "eos");
  }

  private static ResponseRow response(int it, String id, String finish) {
    return new ResponseRow(RUN, it, id, "a", 0, 0, "q", "x", 5, 10, finish, "M0", "self");
  }

  private static JudgementRow judgement(int it, String responseId, Double score, Double mean) {
    return new JudgementRow(RUN, it, responseId + score, responseId, "a", 0, 0, "t", score,
        score == null ? "no_score" : "ok", mean, 2, "M0", "additive-5pt", 5, "eos");
  }
}

package io.srlm.variants;

import static org.assertj.core.api.Assertions.assertThat;

import io.srlm.tables.Catalogue;
import io.srlm.tables.JudgementRow;
import io.srlm.tables.PairRow;
import io.srlm.tables.PairwiseJudgementRow;
import io.srlm.tables.ResponseRow;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The pairwise judge (judge.mode = pairwise; stage s03 of {@link VariantRun}): every pair of a prompt's responses
 * is judged in both orders; a comparison is a win only when both orders agree; each response's score is its
 * number of consistent wins; the pair is most wins vs fewest (ties dropped), with source pairwise; M5 is trained
 * from it.
 */
abstract class PairwiseJudgeChecks {
  static final int IT = 4;

  @Test
  void everyPairIsJudgedInBothOrders() {
    VariantRun v = VariantRun.get();
    List<ResponseRow> responses = v.rows(Catalogue.RESPONSES, IT);
    List<PairwiseJudgementRow> calls = v.rows(Catalogue.PAIRWISE_JUDGEMENTS, IT);
    assertThat(calls).hasSize(4 * 6 * 2); // 4 prompts, C(4, 2) comparisons, 2 orders
    Map<String, List<PairwiseJudgementRow>> byComparison = calls.stream().collect(Collectors.groupingBy(
        PairwiseJudgementRow::comparisonId));
    assertThat(byComparison).hasSize(24);
    long parsed = calls.stream().filter(c -> c.verdict() != null).count();
    assertThat(parsed).as("the pairwise judge model writes parseable verdicts").isGreaterThan(calls.size() / 2);
    for (List<PairwiseJudgementRow> two : byComparison.values()) {
      PairwiseJudgementRow ab = two.stream().filter(c -> c.order().equals("ab")).findFirst().orElseThrow();
      PairwiseJudgementRow ba = two.stream().filter(c -> c.order().equals("ba")).findFirst().orElseThrow();
      assertThat(ba.responseAId()).isEqualTo(ab.responseBId());
      assertThat(ba.responseBId()).isEqualTo(ab.responseAId());
      assertThat(ab.judgeModel()).isEqualTo(v.pairwiseJudge.toString());
      assertThat(ab.template()).isEqualTo("pairwise-score");
      String expected = ab.verdict() == null || ba.verdict() == null ? "no_verdict"
          : ab.verdict().equals("A") && ba.verdict().equals("B") || ab.verdict().equals("B")
              && ba.verdict().equals("A") ? "win" : "tie";
      assertThat(ab.outcome()).isEqualTo(expected).isEqualTo(ba.outcome());
      String winner = !expected.equals("win") ? null : ab.verdict().equals("A") ? ab.responseAId()
          : ab.responseBId();
      assertThat(ab.winnerId()).isEqualTo(winner).isEqualTo(ba.winnerId());
      assertThat(ab.parseStatus().equals("ok")).isEqualTo(ab.verdict() != null);
    }
    assertThat(responses).hasSize(16);
  }

  @Test
  void scoresAreConsistentWinsAndPairsAreMostVersusFewest() {
    VariantRun v = VariantRun.get();
    List<PairwiseJudgementRow> calls = v.rows(Catalogue.PAIRWISE_JUDGEMENTS, IT);
    Map<String, Integer> wins = new HashMap<>();
    Map<String, Integer> verdicts = new HashMap<>();
    for (PairwiseJudgementRow c : calls) {
      if (c.order().equals("ab")) {
        if (c.winnerId() != null) {
          wins.merge(c.winnerId(), 1, Integer::sum);
        }
        if (!c.outcome().equals("no_verdict")) {
          verdicts.merge(c.responseAId(), 1, Integer::sum);
          verdicts.merge(c.responseBId(), 1, Integer::sum);
        }
      }
    }
    List<JudgementRow> judgements = v.rows(Catalogue.JUDGEMENTS, IT);
    assertThat(judgements).hasSize(16);
    for (JudgementRow j : judgements) {
      if (verdicts.getOrDefault(j.responseId(), 0) == 0) {
        assertThat(j.score()).isNull();
        assertThat(j.parseStatus()).isEqualTo("no_verdict");
      } else {
        assertThat(j.score()).isEqualTo((double) wins.getOrDefault(j.responseId(), 0));
        assertThat(j.parseStatus()).isEqualTo("ok");
      }
      assertThat(j.meanScore()).isEqualTo(j.score());
      assertThat(j.validJudgements()).isEqualTo(verdicts.getOrDefault(j.responseId(), 0));
    }
    Map<String, Double> score = new HashMap<>();
    judgements.forEach(j -> score.put(j.responseId(), j.score()));
    List<PairRow> pairs = v.rows(Catalogue.PREFERENCE_PAIRS, IT);
    assertThat(pairs).as("some prompt has a response with more consistent wins than another").isNotEmpty();
    Map<String, List<ResponseRow>> byPrompt = v.rows(Catalogue.RESPONSES, IT).stream().collect(
        Collectors.groupingBy(ResponseRow::promptId));
    for (PairRow p : pairs) {
      assertThat(p.source()).isEqualTo("pairwise");
      double max = byPrompt.get(p.promptId()).stream().map(r -> score.get(r.responseId()))
          .filter(java.util.Objects::nonNull).mapToDouble(Double::doubleValue).max().orElseThrow();
      assertThat(p.chosenScore()).isEqualTo(max).isEqualTo(score.get(p.chosenId()));
      assertThat(p.rejectedScore()).isLessThan(p.chosenScore()).isEqualTo(score.get(p.rejectedId()));
    }
    long dropped = v.rows(Catalogue.REJECTED_ROWS, IT).stream().filter(r -> r.step().equals("build_pairs")).count();
    assertThat(pairs.size() + dropped).isEqualTo(4);
    assertThat(v.models().get("M5").parentModel()).isEqualTo("M4");
  }
}

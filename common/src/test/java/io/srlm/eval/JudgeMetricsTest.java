package io.srlm.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.srlm.tables.EvaluationRow;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class JudgeMetricsTest {
  private static final double EPS = 1e-12;

  /** Items as alternating (rank, score) values; a null score is an unparsed judgement. */
  private static JudgeGroup group(String id, Object... rankScore) {
    List<JudgeItem> items = new ArrayList<>();
    for (int i = 0; i < rankScore.length; i += 2) {
      Number s = (Number) rankScore[i + 1];
      items.add(new JudgeItem((Integer) rankScore[i], s == null ? null : s.doubleValue()));
    }
    return new JudgeGroup(id, items);
  }

  // A: ranks (0,1,2), scores (5,3,4).
  //   pairs: (r0,r1) 5>3 right; (r0,r2) 5>4 right; (r1,r2) 3<4 wrong -> 2 of 3.
  //   five-best: r0 has 5 -> yes. exact: no.
  //   spearman: goodness (0,-1,-2) ranks (3,2,1); scores ranks (3,1,2); d = (0,1,-1), sum d^2 = 2,
  //             rho = 1 - 6*2/(3*8) = 0.5.
  //   kendall: 2 concordant, 1 discordant, no ties -> (2-1)/3 = 1/3.
  private static final JudgeGroup A = group("A", 0, 5, 1, 3, 2, 4);
  // B: human tie at the top. items a(0,4) b(0,5) c(1,4) d(2,1).
  //   pairs with different ranks: a-c tie (0.5), a-d right, b-c right, b-d right, c-d right -> 4.5 of 5, 1 tied.
  //   five-best: human-best are a and b; a has 4 < 5 -> no. exact: a-b human tie but model 4 vs 5 -> no.
  //   spearman: goodness (0,0,-1,-2) -> avg ranks (3.5,3.5,2,1); scores (4,5,4,1) -> (2.5,4,2.5,1);
  //             centred: (1,1,-0.5,-1.5) and (0,1.5,0,-1.5); cov = 0+1.5+0+2.25 = 3.75;
  //             sxx = 1+1+0.25+2.25 = 4.5; syy = 0+2.25+0+2.25 = 4.5; rho = 3.75/4.5 = 5/6.
  //   kendall: a-b tied in x only, a-c tied in y only, other 4 concordant -> 4/sqrt((4+1)(4+1)) = 0.8.
  private static final JudgeGroup B = group("B", 0, 4, 0, 5, 1, 4, 2, 1);
  // C: the best response's judgement did not parse; evaluated on (1,2.0) and (2,3.0).
  //   pairs: human prefers rank 1 but 2 < 3 -> wrong, 0 of 1. five-best: best scored is rank 1 with 2 -> no.
  //   exact: no. spearman = kendall = -1 (two items, reversed).
  private static final JudgeGroup C = group("C", 0, null, 1, 2, 2, 3);
  // D: one scored item only -> skipped by every group metric; its null still counts for parse failures.
  private static final JudgeGroup D = group("D", 0, 5, 1, null);
  // E: humans tie everything, so does the model. No pairs; five-best: best items score 3 -> no; exact: yes;
  //    correlations skipped (human ranks constant).
  private static final JudgeGroup E = group("E", 0, 3, 0, 3);
  // F: humans distinguish, the model ties. pairs: 1 tie -> 0.5. five-best: 4 -> no. exact: no.
  //    correlations: model constant -> contributes 0.
  private static final JudgeGroup F = group("F", 0, 4, 1, 4);

  @Test
  void handComputedOverMixedGroups() {
    JudgeMetricsResult r = JudgeMetrics.defaults().compute(List.of(A, B, C, D, E, F));
    // pairwise: credit 2 + 4.5 + 0 + 0 + 0.5 = 7 over 3 + 5 + 1 + 0 + 1 = 10 pairs.
    assertThat(r.pairwiseAccuracy().value()).isCloseTo(0.7, within(EPS));
    assertThat(r.pairwiseAccuracy().n()).isEqualTo(10);
    assertThat(r.tiedPairs()).isEqualTo(2);
    assertThat(r.pairs()).isEqualTo(10);
    // evaluated groups A, B, C, E, F (D skipped): five-best only A; exact only E.
    assertThat(r.fiveBest()).isEqualTo(new Metric(0.2, 5));
    assertThat(r.exactMatch()).isEqualTo(new Metric(0.2, 5));
    // correlations over A, B, C, F (E skipped): (0.5 + 5/6 - 1 + 0) / 4 and (1/3 + 0.8 - 1 + 0) / 4.
    assertThat(r.spearman().value()).isCloseTo((0.5 + 5.0 / 6 - 1) / 4, within(EPS));
    assertThat(r.spearman().n()).isEqualTo(4);
    assertThat(r.kendallTau().value()).isCloseTo((1.0 / 3 + 0.8 - 1) / 4, within(EPS));
    assertThat(r.kendallTau().n()).isEqualTo(4);
    assertThat(r.correlationGroupsSkipped()).isEqualTo(1);
    // items 3+4+3+2+2+2 = 16, unscored 2 (one in C, one in D).
    assertThat(r.parseFailureRate().value()).isCloseTo(2.0 / 16, within(EPS));
    assertThat(r.parseFailureRate().n()).isEqualTo(16);
    assertThat(r.groups()).isEqualTo(6);
    assertThat(r.groupsSkipped()).isEqualTo(1);
    assertThat(r.items()).isEqualTo(16);
    assertThat(r.unscoredItems()).isEqualTo(2);
  }

  @Test
  void perGroupValuesMatchHandComputation() {
    JudgeMetricsResult a = JudgeMetrics.defaults().compute(List.of(A));
    assertThat(a.pairwiseAccuracy().value()).isCloseTo(2.0 / 3, within(EPS));
    assertThat(a.spearman().value()).isCloseTo(0.5, within(EPS));
    assertThat(a.kendallTau().value()).isCloseTo(1.0 / 3, within(EPS));
    assertThat(a.fiveBest().value()).isEqualTo(1.0);
    assertThat(a.exactMatch().value()).isEqualTo(0.0);

    JudgeMetricsResult b = JudgeMetrics.defaults().compute(List.of(B));
    assertThat(b.pairwiseAccuracy().value()).isCloseTo(0.9, within(EPS));
    assertThat(b.spearman().value()).isCloseTo(5.0 / 6, within(EPS));
    assertThat(b.kendallTau().value()).isCloseTo(0.8, within(EPS));
    assertThat(b.fiveBest().value()).isEqualTo(0.0);
  }

  @Test
  void tieCreditAndTopScoreAreParameters() {
    // tie credit 0: 2 + 4 + 0 + 0 = 6 of 10.
    JudgeMetricsResult strict = new JudgeMetrics(5, 0).compute(List.of(A, B, C, D, E, F));
    assertThat(strict.pairwiseAccuracy().value()).isCloseTo(0.6, within(EPS));
    // tie credit 1: 2 + 5 + 0 + 1 = 8 of 10.
    JudgeMetricsResult lenient = new JudgeMetrics(5, 1).compute(List.of(A, B, C, D, E, F));
    assertThat(lenient.pairwiseAccuracy().value()).isCloseTo(0.8, within(EPS));
    // top score 4: A (5), B (4 and 5), F (4) reach it; C (2) and E (3) do not -> 3 of 5.
    JudgeMetricsResult top4 = JudgeMetrics.forScale(4).compute(List.of(A, B, C, D, E, F));
    assertThat(top4.fiveBest().value()).isCloseTo(0.6, within(EPS));
  }

  @Test
  void meanScoresThatAreEqualUpToRoundingAreTies() {
    // (4+4+5)/3 computed two ways: a judge tie, not an ordering.
    double m1 = (4.0 + 4.0 + 5.0) / 3;
    double m2 = 4.0 + 1.0 / 3;
    JudgeMetricsResult r = JudgeMetrics.defaults().compute(List.of(group("g", 0, m1, 1, m2)));
    assertThat(r.tiedPairs()).isEqualTo(1);
    assertThat(r.pairwiseAccuracy().value()).isEqualTo(0.5);
    // a mean of 3 fives reaches the top score even if it is 4.999999999999.
    JudgeMetricsResult top = JudgeMetrics.defaults().compute(List.of(group("g", 0, 5 - 1e-12, 1, 1)));
    assertThat(top.fiveBest().value()).isEqualTo(1.0);
  }

  @Test
  void exactMatchRequiresTheHumanTiesToo() {
    // humans tie the top two, the model separates them: every pair with different human ranks is right
    // (2 of 2, the tied pair is not a pair for pairwise accuracy), but the ranking is not an exact match.
    JudgeMetricsResult r = JudgeMetrics.defaults().compute(List.of(group("t", 0, 5, 0, 4, 1, 3)));
    assertThat(r.pairwiseAccuracy()).isEqualTo(new Metric(1.0, 2));
    assertThat(r.exactMatch()).isEqualTo(new Metric(0.0, 1));
    // five-best needs both human-best items at 5: 4 fails it.
    assertThat(r.fiveBest()).isEqualTo(new Metric(0.0, 1));
    // the same with the model tying them too: exact.
    JudgeMetricsResult tied = JudgeMetrics.defaults().compute(List.of(group("t", 0, 5, 0, 5, 1, 3)));
    assertThat(tied.exactMatch()).isEqualTo(new Metric(1.0, 1));
    assertThat(tied.fiveBest()).isEqualTo(new Metric(1.0, 1));
  }

  @Test
  void perfectJudge() {
    JudgeMetricsResult r = JudgeMetrics.defaults().compute(List.of(
        group("p", 0, 5, 1, 4, 2, 2), group("q", 0, 5, 1, 3, 1, 3, 2, 0)));
    assertThat(r.pairwiseAccuracy()).isEqualTo(new Metric(1.0, 3 + 5));
    assertThat(r.exactMatch().value()).isEqualTo(1.0);
    assertThat(r.fiveBest().value()).isEqualTo(1.0);
    assertThat(r.spearman().value()).isCloseTo(1.0, within(EPS));
    assertThat(r.kendallTau().value()).isCloseTo(1.0, within(EPS));
    assertThat(r.parseFailureRate()).isEqualTo(new Metric(0.0, 7));
  }

  @Test
  void reversedJudgeIsMinusOne() {
    JudgeMetricsResult r = JudgeMetrics.defaults().compute(List.of(group("p", 0, 1, 1, 3, 2, 5)));
    assertThat(r.pairwiseAccuracy().value()).isEqualTo(0.0);
    assertThat(r.spearman().value()).isCloseTo(-1.0, within(EPS));
    assertThat(r.kendallTau().value()).isCloseTo(-1.0, within(EPS));
  }

  @Test
  void allEqualEverywhere() {
    // Humans and model tie everything: an exact match, but nothing to order or correlate.
    JudgeMetricsResult r = JudgeMetrics.defaults().compute(List.of(group("e", 0, 5, 0, 5, 0, 5)));
    assertThat(r.pairwiseAccuracy()).isEqualTo(Metric.undefined());
    assertThat(r.exactMatch()).isEqualTo(new Metric(1.0, 1));
    assertThat(r.fiveBest()).isEqualTo(new Metric(1.0, 1));
    assertThat(r.spearman()).isEqualTo(Metric.undefined());
    assertThat(r.kendallTau()).isEqualTo(Metric.undefined());
    assertThat(r.correlationGroupsSkipped()).isEqualTo(1);
  }

  @Test
  void constantJudgeGetsHalfAndZeroCorrelation() {
    JudgeMetricsResult r = JudgeMetrics.defaults().compute(List.of(group("c", 0, 3, 1, 3, 2, 3)));
    assertThat(r.pairwiseAccuracy()).isEqualTo(new Metric(0.5, 3));
    assertThat(r.spearman()).isEqualTo(new Metric(0.0, 1));
    assertThat(r.kendallTau()).isEqualTo(new Metric(0.0, 1));
    assertThat(r.exactMatch().value()).isEqualTo(0.0);
  }

  @Test
  void allScoresNullSkipsEveryGroup() {
    JudgeMetricsResult r = JudgeMetrics.defaults().compute(List.of(group("n", 0, null, 1, null),
        group("m", 0, null)));
    assertThat(r.parseFailureRate()).isEqualTo(new Metric(1.0, 3));
    assertThat(r.groupsSkipped()).isEqualTo(2);
    assertThat(r.pairwiseAccuracy().isDefined()).isFalse();
    assertThat(r.fiveBest().isDefined()).isFalse();
    assertThat(r.exactMatch().isDefined()).isFalse();
    assertThat(r.spearman().value()).isNaN();
    assertThat(r.toRows("run", 1, "M1")).extracting(EvaluationRow::metric)
        .containsExactly(JudgeMetricsResult.PARSE_FAILURE_RATE);
  }

  @Test
  void noGroups() {
    JudgeMetricsResult r = JudgeMetrics.defaults().compute(List.of());
    assertThat(r.parseFailureRate()).isEqualTo(Metric.undefined());
    assertThat(r.toRows("run", 1, "M1")).isEmpty();
  }

  @Test
  void rowsCarryNamesAndWilsonIntervals() {
    List<EvaluationRow> rows = JudgeMetrics.defaults().compute(List.of(A, B, C, D, E, F)).toRows("r1", 2, "M2");
    assertThat(rows).extracting(EvaluationRow::metric).containsExactlyElementsOf(JudgeMetricsResult.METRICS);
    assertThat(rows).allSatisfy(row -> {
      assertThat(row.runId()).isEqualTo("r1");
      assertThat(row.iteration()).isEqualTo(2);
      assertThat(row.model()).isEqualTo("M2");
      assertThat(row.evaluation()).isEqualTo("judge");
    });
    EvaluationRow pa = rows.get(0);
    assertThat(pa.value()).isCloseTo(0.7, within(EPS));
    assertThat(pa.n()).isEqualTo(10);
    Interval ci = Stats.wilson95(7, 10);
    assertThat(pa.ciLow()).isCloseTo(ci.low(), within(EPS));
    assertThat(pa.ciHigh()).isCloseTo(ci.high(), within(EPS));
    EvaluationRow spearman = rows.get(1);
    assertThat(spearman.ciLow()).isNull();
    assertThat(spearman.ciHigh()).isNull();
  }

  @Test
  void rejectsBadParameters() {
    assertThatThrownBy(() -> new JudgeMetrics(5, 1.5)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new JudgeMetrics(Double.NaN, 0.5)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new JudgeItem(-1, 3.0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new JudgeItem(0, Double.NaN)).isInstanceOf(IllegalArgumentException.class);
  }
}

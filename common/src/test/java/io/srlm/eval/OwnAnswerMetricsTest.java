package io.srlm.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The definitions of the own-answer AUC, the head-to-head tie rate and their intervals, on small fixed inputs. */
class OwnAnswerMetricsTest {
  private static TruthAuc.Scored s(String p, boolean ok, Double score) {
    return new TruthAuc.Scored(p, ok, score);
  }

  @Test
  void aucComparesRightAndWrongWithinAPromptOnly() {
    // p1: right 4 vs wrong 2 (win), right 4 vs wrong 4 (tie), right 1 vs wrong 2 (loss), right 1 vs 4 (loss):
    // 1.5 of 4. p2: right 3 vs wrong 1: 1 of 1. p3 has only a right answer; p4's wrong answer is unparsed.
    // Across prompts p3's 0 would lose to everything; within prompts it is never compared.
    List<TruthAuc.Scored> in = List.of(s("p1", true, 4.0), s("p1", true, 1.0), s("p1", false, 2.0),
        s("p1", false, 4.0), s("p2", true, 3.0), s("p2", false, 1.0), s("p3", true, 0.0), s("p4", true, 5.0),
        s("p4", false, null));
    TruthAuc a = TruthAuc.of(in);
    assertThat(a.pairs()).isEqualTo(5);
    assertThat(a.prompts()).isEqualTo(2);
    assertThat(a.auc()).isCloseTo(2.5 / 5, within(1e-12));
  }

  @Test
  void aucIsOneForAPerfectJudgeHalfForAConstantOneAndNanWithoutPairs() {
    List<TruthAuc.Scored> perfect = new ArrayList<>();
    List<TruthAuc.Scored> constant = new ArrayList<>();
    for (int p = 0; p < 20; p++) {
      perfect.add(s("p" + p, true, 5.0));
      perfect.add(s("p" + p, false, 1.0));
      constant.add(s("p" + p, true, 3.0));
      constant.add(s("p" + p, false, 3.0));
    }
    assertThat(TruthAuc.of(perfect).auc()).isEqualTo(1.0);
    assertThat(TruthAuc.of(constant).auc()).isEqualTo(0.5);
    assertThat(TruthAuc.of(List.of(s("p", true, 5.0))).auc()).isNaN();
    assertThat(TruthAuc.bootstrap95(List.of(s("p", true, 5.0)), 100, 1)).isNull();
    // Every resample of a perfect judge is perfect: the interval is the point.
    assertThat(TruthAuc.bootstrap95(perfect, 200, 1)).isEqualTo(new Interval(1.0, 1.0));
  }

  @Test
  void bootstrapIntervalCoversTheAucAndIsReproducible() {
    List<TruthAuc.Scored> in = new ArrayList<>();
    for (int p = 0; p < 30; p++) {
      in.add(s("p" + p, true, p % 3 == 0 ? 1.0 : 4.0));
      in.add(s("p" + p, false, 2.0));
    }
    TruthAuc a = TruthAuc.of(in);
    assertThat(a.auc()).isCloseTo(20.0 / 30, within(1e-12));
    Interval ci = TruthAuc.bootstrap95(in, 500, 7);
    assertThat(ci.contains(a.auc())).isTrue();
    assertThat(ci.low()).isGreaterThan(0.3);
    assertThat(ci.high()).isLessThan(1.0);
    assertThat(TruthAuc.bootstrap95(in, 500, 7)).isEqualTo(ci);
  }

  @Test
  void tieRateIsTiesOverAllPromptsAndTiesCountHalfInTheWinRate() {
    HeadToHead h = HeadToHead.ofOutcomes(List.of(1.0, 1.0, 1.0, 0.5, 0.5, 0.0, 0.0, 0.0, 0.0, 1.0));
    assertThat(h.tieRate()).isCloseTo(0.2, within(1e-12));
    assertThat(h.winRate()).isCloseTo(0.5, within(1e-12));
    assertThat(h.ci()).isEqualTo(Stats.wilson95(5, 10));
    assertThat(HeadToHead.of(0, 0, 0).tieRate()).isNaN();
  }
}

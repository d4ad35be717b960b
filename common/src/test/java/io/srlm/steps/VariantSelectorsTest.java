package io.srlm.steps;

import static org.assertj.core.api.Assertions.assertThat;

import io.srlm.prompting.ScoreParser.Choice;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pure parts of the pairwise judge (outcomes of both orders, win counts) and of SPIN pair selection. */
class VariantSelectorsTest {
  @Test
  void aComparisonIsAWinOnlyWhenBothOrdersAgree() {
    assertThat(PairwiseTally.outcome(Choice.A, Choice.B)).isEqualTo(PairwiseTally.Outcome.FIRST);
    assertThat(PairwiseTally.outcome(Choice.B, Choice.A)).isEqualTo(PairwiseTally.Outcome.SECOND);
    // Position bias (A both times), an explicit tie, or half a tie: a tie.
    assertThat(PairwiseTally.outcome(Choice.A, Choice.A)).isEqualTo(PairwiseTally.Outcome.TIE);
    assertThat(PairwiseTally.outcome(Choice.B, Choice.B)).isEqualTo(PairwiseTally.Outcome.TIE);
    assertThat(PairwiseTally.outcome(Choice.TIE, Choice.TIE)).isEqualTo(PairwiseTally.Outcome.TIE);
    assertThat(PairwiseTally.outcome(Choice.A, Choice.TIE)).isEqualTo(PairwiseTally.Outcome.TIE);
    // An order that did not parse: no verdict at all.
    assertThat(PairwiseTally.outcome(null, Choice.B)).isEqualTo(PairwiseTally.Outcome.NO_VERDICT);
    assertThat(PairwiseTally.outcome(Choice.A, null)).isEqualTo(PairwiseTally.Outcome.NO_VERDICT);
  }

  @Test
  void scoresAreConsistentWinCounts() {
    PairwiseTally t = new PairwiseTally();
    t.add("r0", "r1", PairwiseTally.Outcome.FIRST);
    t.add("r0", "r2", PairwiseTally.Outcome.FIRST);
    t.add("r1", "r2", PairwiseTally.Outcome.TIE);
    t.add("r0", "r3", PairwiseTally.Outcome.NO_VERDICT);
    t.add("r1", "r3", PairwiseTally.Outcome.NO_VERDICT);
    t.add("r2", "r3", PairwiseTally.Outcome.NO_VERDICT);
    assertThat(t.of("r0").score()).isEqualTo(2.0);
    assertThat(t.of("r1").score()).isEqualTo(0.0);
    assertThat(t.of("r2").score()).isEqualTo(0.0);
    assertThat(t.of("r3").score()).as("no comparison of r3 had a verdict").isNull();
    assertThat(t.of("r0").verdicts()).isEqualTo(2);
    assertThat(t.of("r1").summary()).isEqualTo(
        "pairwise: 0 wins, 1 ties, 1 losses, 1 without verdict (of 3 comparisons)");
  }

  @Test
  void spinPairsTheHumanCompletionAgainstTheModelAndSkipsIdenticalOnes() {
    SpinSide human = new SpinSide("p1", "h1", "human", "Add 2 and 3.", "5");
    SpinSide self = new SpinSide("p1", "s1", "self", "Add 2 and 3.", "6");
    PairChoice pair = new SpinPairSelector().select("p1", List.of(self, human));
    assertThat(pair).isEqualTo(PairChoice.pair("p1", "Add 2 and 3.", "h1", "s1", "5", "6", 1.0, 0.0));
    assertThat(pair.isPair()).isTrue();
    PairChoice same = SpinPairSelector.select("p1", human, new SpinSide("p1", "s1", "self", "Add 2 and 3.", " 5\n"));
    assertThat(same.isPair()).isFalse();
    assertThat(same.reason()).isEqualTo("identical");
    assertThat(SpinPairSelector.select("p1", human, new SpinSide("p1", "s1", "self", "Add 2 and 3.", " "))
        .reason()).isEqualTo("empty_generation");
    assertThat(SpinPairSelector.select("p1", human, null)).isEqualTo(PairChoice.drop("p1", "Add 2 and 3.",
        "missing_side", "no model answer"));
  }
}

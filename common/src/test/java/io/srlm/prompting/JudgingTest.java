package io.srlm.prompting;

import static org.assertj.core.api.Assertions.assertThat;

import io.srlm.prompting.Judging.Verdict;
import io.srlm.prompting.ScoreParser.Choice;
import io.srlm.prompting.ScoreParser.Parsed;
import io.srlm.prompting.ScoreParser.Status;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The judging kernel: mean of the parsed samples only; a pairwise winner only when both orders agree. */
class JudgingTest {
  private static Parsed ok(double s) {
    return new Parsed(Status.OK, s, "Score: " + s);
  }

  private static Parsed bad(Status s) {
    return new Parsed(s, null, "no score here");
  }

  @Test
  void theMeanIsOverTheParsedSamplesOnly() {
    Judging.Mean m = Judging.mean(List.of(ok(4), bad(Status.NO_SCORE), ok(2), bad(Status.MULTIPLE_SCORES)));
    assertThat(m.value()).isEqualTo(3.0);
    assertThat(m.parsed()).isEqualTo(2);
    assertThat(m.scored()).isTrue();
  }

  @Test
  void noParsedSampleMeansNoScoreNotZero() {
    Judging.Mean m = Judging.mean(List.of(bad(Status.EMPTY), bad(Status.OUT_OF_RANGE)));
    assertThat(m.value()).isNull();
    assertThat(m.parsed()).isZero();
    assertThat(m.scored()).isFalse();
    assertThat(Judging.mean(List.of()).scored()).isFalse();
  }

  @Test
  void aWinnerNeedsBothOrdersToAgree() {
    assertThat(Judging.bothOrders(Choice.A, Choice.B)).isEqualTo(Verdict.FIRST);
    assertThat(Judging.bothOrders(Choice.B, Choice.A)).isEqualTo(Verdict.SECOND);
    // position bias: the judge always picks the response shown first
    assertThat(Judging.bothOrders(Choice.A, Choice.A)).isEqualTo(Verdict.TIE);
    assertThat(Judging.bothOrders(Choice.TIE, Choice.B)).isEqualTo(Verdict.TIE);
    assertThat(Judging.bothOrders(null, Choice.B)).isEqualTo(Verdict.NO_VERDICT);
    assertThat(Judging.bothOrders(Choice.A, null)).isEqualTo(Verdict.NO_VERDICT);
    assertThat(Verdict.FIRST.firstScore()).isEqualTo(1.0);
    assertThat(Verdict.SECOND.firstScore()).isEqualTo(0.0);
    assertThat(Verdict.NO_VERDICT.firstScore()).isEqualTo(0.5);
  }
}

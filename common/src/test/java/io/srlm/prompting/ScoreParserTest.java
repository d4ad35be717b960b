package io.srlm.prompting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.srlm.errors.SrlmException;
import io.srlm.prompting.ScoreParser.Status;
import io.srlm.testing.TestConf;
import org.junit.jupiter.api.Test;

/** The judge parser: good, malformed, out-of-range, multiple-score and NaN outputs, and template validation. */
class ScoreParserTest {
  private final JudgeTemplate additive = JudgeTemplate.load(TestConf.conf(), "additive-5pt", "judge.template");
  private final ScoreParser p = additive.parser();

  @Test
  void goodOutputsParse() {
    assertThat(p.parse("Relevant and exact.\nScore: 4")).isEqualTo(new ScoreParser.Parsed(Status.OK, 4.0, "4"));
    assertThat(p.parse("Score:5").score()).isEqualTo(5.0);
    assertThat(p.parse("Score: 0").score()).isEqualTo(0.0);
  }

  @Test
  void unparseableOutputsGetAStatusAndNeverAScore() {
    assertThat(p.parse("")).extracting(ScoreParser.Parsed::status, ScoreParser.Parsed::score)
        .containsExactly(Status.EMPTY, null);
    assertThat(p.parse("   \n")).extracting(ScoreParser.Parsed::status).isEqualTo(Status.EMPTY);
    assertThat(p.parse("I like it, 4 out of 5").status()).isEqualTo(Status.NO_SCORE);
    assertThat(p.parse("Score: 3. On reflection, Score: 4").status()).isEqualTo(Status.MULTIPLE_SCORES);
    assertThat(p.parse("Score: 3\nScore: 3").status()).isEqualTo(Status.MULTIPLE_SCORES);
    assertThat(p.parse("Score: 7").status()).isEqualTo(Status.OUT_OF_RANGE);
    assertThat(p.parse("Score: 3.5").status()).isEqualTo(Status.NOT_INTEGER);
    assertThat(p.parse("Score: 3.5").score()).isNull();
  }

  @Test
  void nanAndRealScalesWithACustomRegex() {
    JudgeTemplate real = JudgeTemplate.parse("""
        name = "x"
        kind = "pointwise"
        template = "Q {prompt} R {response}"
        score_regex = "Rating: ?(\\\\S+)"
        score_format = "Rating: {score}"
        score_min = 0
        score_max = 10
        score_type = "real"
        """, "inline");
    assertThat(real.parser().parse("Rating: NaN").status()).isEqualTo(Status.NOT_A_NUMBER);
    assertThat(real.parser().parse("Rating: Infinity").status()).isEqualTo(Status.NOT_A_NUMBER);
    assertThat(real.parser().parse("Rating: seven").status()).isEqualTo(Status.NOT_A_NUMBER);
    assertThat(real.parser().parse("Rating: 7.5").score()).isEqualTo(7.5);
    assertThat(real.formatScore(7.5)).isEqualTo("Rating: 7.5");
  }

  @Test
  void pairwiseVerdicts() {
    ScoreParser pw = JudgeTemplate.load(TestConf.conf(), "pairwise-ab", "t").parser();
    assertThat(pw.parse("A is right.\nWinner: A").choice()).isEqualTo(ScoreParser.Choice.A);
    assertThat(pw.parse("Winner: b").choice()).isEqualTo(ScoreParser.Choice.B);
    assertThat(pw.parse("Winner: tie").choice()).isEqualTo(ScoreParser.Choice.TIE);
    assertThat(pw.parse("Winner: A\nWinner: B").status()).isEqualTo(Status.MULTIPLE_SCORES);
    assertThat(pw.parse("both fine").status()).isEqualTo(Status.NO_SCORE);
  }

  @Test
  void renderingInsertsTextOnceAndTemplatesAreValidated() {
    String r = additive.renderPointwise("What is {response}?", "{prompt} is $1 \\ text");
    assertThat(r).contains("<question>What is {response}?</question>")
        .contains("<response>{prompt} is $1 \\ text</response>");
    for (String name : new String[] {"additive-5pt", "additive-5pt-compact", "rating-0-10", "pairwise-ab"}) {
      JudgeTemplate t = JudgeTemplate.load(TestConf.conf(), name, "judge.template");
      String line = t.kind() == JudgeTemplate.Kind.POINTWISE ? t.formatScore(t.scoreMax())
          : t.formatWinner(ScoreParser.Choice.A);
      assertThat(t.parser().parse("Because.\n" + line).ok()).as(name).isTrue();
    }
    assertThatThrownBy(() -> JudgeTemplate.parse("""
        name = "broken"
        kind = "pointwise"
        template = "Judge this: {response}"
        score_regex = "Score: ([0-9])"
        score_format = "Score: {score}"
        score_min = 0
        score_max = 5
        """, "broken.conf")).isInstanceOf(SrlmException.class).hasMessageContaining("{prompt}")
        .hasMessageContaining("broken.conf");
    assertThatThrownBy(() -> JudgeTemplate.parse("""
        name = "nogroup"
        kind = "pointwise"
        template = "{prompt} {response}"
        score_regex = "Score: [0-9]"
        score_format = "Score: {score}"
        score_min = 0
        score_max = 5
        """, "nogroup.conf")).hasMessageContaining("capturing group");
    assertThatThrownBy(() -> JudgeTemplate.parse("""
        name = "mismatch"
        kind = "pointwise"
        template = "{prompt} {response}"
        score_regex = "Score: ([0-9])"
        score_format = "Points: {score}"
        score_min = 0
        score_max = 5
        """, "mismatch.conf")).hasMessageContaining("does not match score_regex");
  }
}

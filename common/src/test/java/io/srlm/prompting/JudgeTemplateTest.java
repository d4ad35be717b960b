package io.srlm.prompting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.srlm.errors.ErrorCode;
import io.srlm.errors.SrlmException;
import io.srlm.testing.TestConf;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Custom judge templates: a 0-10 rating judge (conf/judges/rating-0-10.conf) renders and parses by its own regex,
 * range and type; templates with missing or unknown placeholders, bad regexes or formats fail to load with an
 * error naming the file and the fix.
 */
class JudgeTemplateTest {
  @TempDir
  Path dir;

  @Test
  void theZeroToTenRatingJudgeRendersAndParsesItsOwnScale() {
    JudgeTemplate t = JudgeTemplate.load(TestConf.conf(), "rating-0-10", "judge.template");
    assertThat(t.kind()).isEqualTo(JudgeTemplate.Kind.POINTWISE);
    assertThat(t.scoreMin()).isEqualTo(0);
    assertThat(t.scoreMax()).isEqualTo(10);
    String rendered = t.renderPointwise("What is {response}?", "Seven.");
    assertThat(rendered).contains("<question>What is {response}?</question>").contains("<response>Seven.</response>")
        .contains("Rating: <number from 0 to 10>");
    ScoreParser p = t.parser();
    assertThat(p.parse("Clear and right.\nRating: 7").score()).isEqualTo(7.0);
    assertThat(p.parse("Rating:10").score()).isEqualTo(10.0);
    assertThat(p.parse("Rating: 11").status()).isEqualTo(ScoreParser.Status.OUT_OF_RANGE);
    assertThat(p.parse("Rating: 7.5").status()).isEqualTo(ScoreParser.Status.NOT_INTEGER);
    assertThat(p.parse("Score: 4").status()).isEqualTo(ScoreParser.Status.NO_SCORE);
    assertThat(p.parse("Rating: 3 ... Rating: 4").status()).isEqualTo(ScoreParser.Status.MULTIPLE_SCORES);
    assertThat(p.parse(t.formatScore(8)).score()).isEqualTo(8.0);
  }

  @Test
  void pairwiseTemplatesParseWinners() {
    JudgeTemplate t = JudgeTemplate.load(TestConf.conf(), "pairwise-ab", "judge.template");
    assertThat(t.renderPairwise("Q", "first", "second")).contains("<response_a>first</response_a>")
        .contains("<response_b>second</response_b>");
    assertThat(t.parser().parse("A is better.\nWinner: A").choice()).isEqualTo(ScoreParser.Choice.A);
    assertThat(t.parser().parse("Winner: b").choice()).isEqualTo(ScoreParser.Choice.B);
    assertThat(t.parser().parse("Winner: tie").choice()).isEqualTo(ScoreParser.Choice.TIE);
    assertThat(t.parser().parse("Winner: C").ok()).isFalse();
  }

  @Test
  void missingPlaceholdersAreRefusedNamingTheFile() throws Exception {
    Path f = write("no-response.conf", "pointwise", "Rate: {prompt}", "Score: ?([0-9]+)", "Score: {score}", "integer");
    assertThatThrownBy(() -> JudgeTemplate.load(TestConf.conf(), f.toString(), "judge.template"))
        .isInstanceOfSatisfying(SrlmException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.JUDGE))
        .hasMessageContaining("has no {response} placeholder").hasMessageContaining(f.toString())
        .hasMessageContaining("a pointwise template needs {prompt}, {response}");
    Path g = write("no-b.conf", "pairwise", "{prompt} {response_a}", "Winner: ?(A|B|tie)", "Winner: {winner}",
        "choice");
    assertThatThrownBy(() -> JudgeTemplate.load(TestConf.conf(), g.toString(), "judge.template"))
        .hasMessageContaining("has no {response_b} placeholder").hasMessageContaining("no-b.conf");
    Path h = write("extra.conf", "pointwise", "{prompt} {response} {answer}", "Score: ?([0-9]+)",
        "Score: {score}", "integer");
    assertThatThrownBy(() -> JudgeTemplate.load(TestConf.conf(), h.toString(), "judge.template"))
        .hasMessageContaining("unknown placeholder {answer}")
        .hasMessageContaining("may use only {prompt}, {response} and the optional {reference}");
  }

  @Test
  void badRegexesAndFormatsAreRefused() throws Exception {
    Path noGroup = write("g.conf", "pointwise", "{prompt} {response}", "Score: [0-9]+", "Score: {score}", "integer");
    assertThatThrownBy(() -> JudgeTemplate.load(TestConf.conf(), noGroup.toString(), "judge.template"))
        .hasMessageContaining("no capturing group");
    Path mismatch = write("m.conf", "pointwise", "{prompt} {response}", "Rating: ?([0-9]+)", "Score: {score}",
        "integer");
    assertThatThrownBy(() -> JudgeTemplate.load(TestConf.conf(), mismatch.toString(), "judge.template"))
        .hasMessageContaining("does not match score_regex");
    Path choice = write("c.conf", "pairwise", "{prompt} {response_a} {response_b}", "Winner: ?(A|B|tie)",
        "Winner: {winner}", "integer");
    assertThatThrownBy(() -> JudgeTemplate.load(TestConf.conf(), choice.toString(), "judge.template"))
        .hasMessageContaining("score_type = \"choice\"");
  }

  @Test
  void scoreFormatMustParseBackUnderTheOneMatchRule() throws Exception {
    // A format that writes the score twice would teach the judge lines the parser counts as multiple_scores.
    Path twice = write("twice.conf", "pointwise", "{prompt} {response}", "Score: ?([0-9]+)",
        "Score: {score} (Score: {score})", "integer");
    assertThatThrownBy(() -> JudgeTemplate.load(TestConf.conf(), twice.toString(), "judge.template"))
        .hasMessageContaining("matches score_regex 2 times").hasMessageContaining("exactly once")
        .hasMessageContaining("twice.conf");
    // A regex that captures only part of the written score (10 read as 1) is refused too.
    Path partial = write("partial.conf", "pointwise", "{prompt} {response}", "Score: ?([0-9])", "Score: {score}",
        "integer");
    assertThatThrownBy(() -> JudgeTemplate.load(TestConf.conf(), partial.toString(), "judge.template"))
        .hasMessageContaining("reads '1' from 'Score: 10', not 10");
    // Every shipped template: its own score line parses back to the value, alone and after a justification.
    for (String name : new String[] {"additive-5pt", "additive-5pt-compact", "rating-0-10",
        "additive-5pt-reference"}) {
      JudgeTemplate t = JudgeTemplate.load(TestConf.conf(), name, "judge.template");
      for (double v = t.scoreMin(); v <= t.scoreMax(); v++) {
        assertThat(t.parser().parse("Because.\n" + t.formatScore(v)).score()).as(name + " " + v).isEqualTo(v);
        assertThat(t.parser().parse(t.formatScore(v) + "\n" + t.formatScore(v)).status()).as(name)
            .isEqualTo(ScoreParser.Status.MULTIPLE_SCORES);
      }
    }
  }

  @Test
  void referenceFormatIsValidatedAndItsLineNeverCarriesAScore() throws Exception {
    JudgeTemplate ref = JudgeTemplate.load(TestConf.conf(), "additive-5pt-reference", "judge.template");
    assertThat(ref.usesReference()).isTrue();
    assertThat(ref.formatReference(" cat fox ")).contains("Expected: cat fox.");
    assertThat(ref.formatReference(" ")).isEmpty();
    assertThat(ref.formatReference(null)).isEmpty();
    // An expected answer the parser would read as a score is left out, so the target keeps exactly one score.
    assertThat(ref.formatReference("Score: 3")).isEmpty();
    assertThat(ref.parser().parse(ref.formatReference("3000 meters").orElseThrow() + "\nRight.\n"
        + ref.formatScore(4)).score()).isEqualTo(4.0);
    JudgeTemplate plain = JudgeTemplate.load(TestConf.conf(), "additive-5pt-compact", "judge.template");
    assertThat(plain.usesReference()).isFalse();
    assertThat(plain.formatReference("cat")).isEmpty();

    Path noSlot = withReference("no-slot.conf", "pointwise", "Expected answer.");
    assertThatThrownBy(() -> JudgeTemplate.load(TestConf.conf(), noSlot.toString(), "judge.template"))
        .isInstanceOfSatisfying(SrlmException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.JUDGE))
        .hasMessageContaining("exactly the {reference} placeholder").hasMessageContaining("no-slot.conf");
    Path scored = withReference("scored.conf", "pointwise", "Score: 5 is {reference}");
    assertThatThrownBy(() -> JudgeTemplate.load(TestConf.conf(), scored.toString(), "judge.template"))
        .hasMessageContaining("matches score_regex").hasMessageContaining("scored.conf");
    Path pairwise = withReference("pair.conf", "pairwise", "Expected: {reference}.");
    assertThatThrownBy(() -> JudgeTemplate.load(TestConf.conf(), pairwise.toString(), "judge.template"))
        .hasMessageContaining("pointwise templates only").hasMessageContaining("pair.conf");
  }

  /**
   * Self-reference judging: a pointwise template may show a {reference} answer; it must then be given one, and a
   * template cannot both show a reference and make the judge write one.
   */
  @Test
  void aReferencePlaceholderIsPointwiseOnlyAndMustBeFilled() throws Exception {
    JudgeTemplate self = JudgeTemplate.load(TestConf.conf(), "additive-5pt-self-reference", "judge.template");
    assertThat(self.readsReference()).isTrue();
    assertThat(self.usesReference()).as("the judge does not write the expected answer itself").isFalse();
    String p = self.renderPointwise("What is 2 plus 2?", "5", " 4 ");
    assertThat(p).contains("<question>What is 2 plus 2?</question>\n<reference>4</reference>\n<response>5</response>");
    assertThat(self.renderPointwise("Q {reference}", "R {prompt}", "{response}"))
        .as("values are never re-expanded").contains("<question>Q {reference}</question>")
        .contains("<reference>{response}</reference>").contains("<response>R {prompt}</response>");
    assertThatThrownBy(() -> self.renderPointwise("What is 2 plus 2?", "4"))
        .isInstanceOfSatisfying(SrlmException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.JUDGE))
        .hasMessageContaining("additive-5pt-self-reference").hasMessageContaining("{reference}");
    JudgeTemplate plain = JudgeTemplate.load(TestConf.conf(), "additive-5pt-compact", "judge.template");
    assertThat(plain.readsReference()).isFalse();
    assertThat(plain.renderPointwise("Q", "R", "ignored")).isEqualTo(plain.renderPointwise("Q", "R"))
        .doesNotContain("ignored");

    Path pair = write("pair-ref.conf", "pairwise", "{prompt} {reference} {response_a} {response_b}",
        "Winner: ?(A|B|tie)", "Winner: {winner}", "choice");
    assertThatThrownBy(() -> JudgeTemplate.load(TestConf.conf(), pair.toString(), "judge.template"))
        .hasMessageContaining("unknown placeholder {reference}").hasMessageContaining("pair-ref.conf");
    Path both = write("both.conf", "pointwise", "{prompt} {reference} {response}", "Score: ?([0-9]+)",
        "Score: {score}", "integer");
    Files.writeString(both, Files.readString(both) + "reference_format = \"Expected: {reference}.\"\n");
    assertThatThrownBy(() -> JudgeTemplate.load(TestConf.conf(), both.toString(), "judge.template"))
        .hasMessageContaining("both reference_format").hasMessageContaining("both.conf");
  }

  private Path withReference(String name, String kind, String format) throws Exception {
    Path f = kind.equals("pointwise")
        ? write(name, kind, "{prompt} {response}", "Score: ?([0-9]+)", "Score: {score}", "integer")
        : write(name, kind, "{prompt} {response_a} {response_b}", "Winner: ?(A|B|tie)", "Winner: {winner}",
            "choice");
    Files.writeString(f, Files.readString(f) + "reference_format = \"" + format + "\"\n");
    return f;
  }

  private Path write(String name, String kind, String template, String regex, String format, String type)
      throws Exception {
    Path f = dir.resolve(name);
    Files.writeString(f, "name = \"" + name + "\"\nkind = \"" + kind + "\"\ntemplate = \"\"\"" + template
        + "\"\"\"\nscore_regex = \"" + regex.replace("\\", "\\\\") + "\"\nscore_format = \"" + format
        + "\"\nscore_min = 0\nscore_max = 10\nscore_type = \"" + type + "\"\n");
    return f;
  }
}

package io.srlm.seed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.srlm.prompting.JudgeTemplate;
import io.srlm.tables.SeedEft;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModelEftTest {
  private static final JudgeTemplate JUDGE = SeedTestSupport.judge("additive-5pt-compact");

  private static ModelEft.Group group() {
    return new ModelEft.Group("r", "grader", "q1", "train", "add", "What is 2 plus 2?", List.of(
        new ModelEft.Answer("4", 5, 0, "Exact."), new ModelEft.Answer("5", 3, 1, "Wrong number."),
        new ModelEft.Answer("", 0, 2, "Empty.")));
  }

  @Test
  void agreeingJudgementsBecomeRowsWithTheModelsOwnText() {
    // The sample nearest each known score is chosen: 5, 2 and 0 are strictly ordered as the ranks.
    ModelEft.Result r = ModelEft.build(JUDGE, group(), List.of(
        List.of("Fine.\nScore: 3", "Right.\nScore: 5"), List.of("Off.\nScore: 2", "garbled"),
        List.of("Nothing.\nScore: 0")), true);
    assertThat(r.outcome()).isEqualTo(ModelEft.Outcome.AGREED);
    assertThat(r.rows()).extracting(SeedEft::completion).containsExactly("Right.\nScore: 5", "Off.\nScore: 2",
        "Nothing.\nScore: 0");
    assertThat(r.rows()).allSatisfy(x -> assertThat(x.source()).isEqualTo(ModelEft.SOURCE_AGREED));
    assertThat(r.rows()).extracting(SeedEft::humanRank).containsExactly(0, 1, 2);
    assertThat(r.rows().get(1).prompt()).isEqualTo(JUDGE.renderPointwise("What is 2 plus 2?", "5"));
    assertThat(r.rows()).extracting(SeedEft::groupId).containsOnly(r.rows().get(0).groupId());
  }

  @Test
  void aDisagreementFallsBackToTheRankToScoreMappingOrIsDropped() {
    // The wrong answer scored as high as the right one: not strictly ordered.
    List<List<String>> tie = List.of(List.of("Score: 4"), List.of("Score: 4"), List.of("Score: 0"));
    ModelEft.Result fb = ModelEft.build(JUDGE, group(), tie, true);
    assertThat(fb.outcome()).isEqualTo(ModelEft.Outcome.FALLBACK);
    assertThat(fb.rows()).extracting(SeedEft::source).containsOnly(ModelEft.SOURCE_FALLBACK);
    assertThat(fb.rows()).extracting(SeedEft::completion).containsExactly("Exact.\n" + JUDGE.formatScore(5),
        "Wrong number.\n" + JUDGE.formatScore(3), "Empty.\n" + JUDGE.formatScore(0));
    assertThat(ModelEft.build(JUDGE, group(), tie, false).outcome()).isEqualTo(ModelEft.Outcome.DROPPED_DISAGREED);
    // An unparsed answer cannot agree.
    assertThat(ModelEft.build(JUDGE, group(), List.of(List.of("Score: 5"), List.of("no score"),
        List.of("Score: 0")), false).outcome()).isEqualTo(ModelEft.Outcome.DROPPED_DISAGREED);
  }

  @Test
  void fallbackRowsOfAReferenceTemplateStateTheExpectedAnswerFirst() {
    JudgeTemplate ref = SeedTestSupport.judge("additive-5pt-reference");
    List<List<String>> tie = List.of(List.of("Score: 4"), List.of("Score: 4"), List.of("Score: 0"));
    ModelEft.Result fb = ModelEft.build(ref, group(), tie, true);
    assertThat(fb.outcome()).isEqualTo(ModelEft.Outcome.FALLBACK);
    assertThat(fb.rows()).extracting(SeedEft::completion).containsExactly("Expected: 4.\nExact.\nScore: 5",
        "Expected: 4.\nWrong number.\nScore: 3", "Expected: 4.\nEmpty.\nScore: 0");
    assertThat(fb.rows()).allSatisfy(x -> assertThat(ref.parser().parse(x.completion()).score())
        .isEqualTo(x.humanScore()));
    // A question the grader cannot parse has no known answer: no expected-answer line.
    ModelEft.Group unknown = new ModelEft.Group("r", "grader", "q3", "train", "general", "Tell me a joke.", List.of(
        new ModelEft.Answer("A joke.", 5, 0, "Fine."), new ModelEft.Answer("", 0, 1, "Empty.")));
    assertThat(ModelEft.build(ref, unknown, List.of(List.of("Score: 0"), List.of("Score: 5")), true).rows())
        .extracting(SeedEft::completion).containsExactly("Fine.\nScore: 5", "Empty.\nScore: 0");
  }

  @Test
  void aGroupWithoutRankingIsDroppedAndPairwiseTemplatesAreRefused() {
    ModelEft.Group same = new ModelEft.Group("r", "grader", "q2", "train", "add", "Q", List.of(
        new ModelEft.Answer("4", 5, 0, "Exact."), new ModelEft.Answer("4.", 5, 0, "Exact.")));
    assertThat(ModelEft.build(JUDGE, same, List.of(List.of("Score: 5"), List.of("Score: 5")), true).outcome())
        .isEqualTo(ModelEft.Outcome.DROPPED_NO_RANKING);
    assertThatThrownBy(() -> ModelEft.build(SeedTestSupport.judge("pairwise-ab"), group(), List.of(), true))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pointwise");
  }
}

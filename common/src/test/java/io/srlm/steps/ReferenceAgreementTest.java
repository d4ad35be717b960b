package io.srlm.steps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.srlm.eval.TruthAuc;
import io.srlm.tables.SeedEft;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The reference-agreement probe's definition on fixed inputs: which prompts it builds and what its AUC says. */
class ReferenceAgreementTest {
  private static final String LAST = "Which word is last in this list: deer star black seal?";
  private static final String CONVERT = "Convert 3 kilometers to meters.";

  private static final List<List<SeedEft>> GROUPS = List.of(
      List.of(eft("g1", LAST, "The answer is seal."), eft("g1", LAST, "star"), eft("g1", LAST, "seal"),
          eft("g1", LAST, "deer"), eft("g1", LAST, "")),
      List.of(eft("g2", CONVERT, "3000 meters"), eft("g2", CONVERT, "30000 meters")),
      List.of(eft("g3", CONVERT, "3000 meters"), eft("g3", CONVERT, "")));

  @Test
  void fourPromptsPerQuestionWithARightAndASameFormWrongAnswer() {
    List<ReferenceAgreement.Item> items = ReferenceAgreement.items(GROUPS);
    // g1: right "seal", the first same-form wrong answer "star"; g2: "3000 meters" and "30000 meters"; g3 has no
    // same-form wrong answer and gives no prompt.
    assertThat(items).extracting(ReferenceAgreement.Item::reference, ReferenceAgreement.Item::response).containsExactly(
        org.assertj.core.groups.Tuple.tuple("seal", "seal"), org.assertj.core.groups.Tuple.tuple("seal", "star"),
        org.assertj.core.groups.Tuple.tuple("star", "seal"), org.assertj.core.groups.Tuple.tuple("star", "star"),
        org.assertj.core.groups.Tuple.tuple("3000 meters", "3000 meters"),
        org.assertj.core.groups.Tuple.tuple("3000 meters", "30000 meters"),
        org.assertj.core.groups.Tuple.tuple("30000 meters", "3000 meters"),
        org.assertj.core.groups.Tuple.tuple("30000 meters", "30000 meters"));
    assertThat(items).extracting(ReferenceAgreement.Item::agrees)
        .containsExactly(true, false, false, true, true, false, false, true);
    assertThat(items.stream().map(ReferenceAgreement.Item::pairKey).distinct()).hasSize(4);
    assertThat(items.stream().map(ReferenceAgreement.Item::id).distinct()).hasSize(8);
    assertThat(items.get(0).question()).isEqualTo(LAST);
  }

  @Test
  void oneForAJudgeThatFollowsItsReferenceAndOneHalfForOneThatKnowsTheAnswerButIgnoresIt() {
    List<ReferenceAgreement.Item> items = ReferenceAgreement.items(GROUPS);
    TruthAuc follows = auc(items, i -> i.response().equals(i.reference()) ? 5.0 : 1.0);
    assertThat(follows.pairs()).isEqualTo(4);
    assertThat(follows.prompts()).isEqualTo(4);
    assertThat(follows.auc()).isEqualTo(1.0);
    // Scores the right answer 5 and the wrong one 1 whatever the reference: right when the reference is right,
    // wrong when it is wrong.
    TruthAuc knows = auc(items, i -> i.response().equals("seal") || i.response().equals("3000 meters") ? 5.0 : 1.0);
    assertThat(knows.auc()).isCloseTo(0.5, within(1e-12));
    assertThat(auc(items, i -> 3.0).auc()).isCloseTo(0.5, within(1e-12));
    TruthAuc unparsed = auc(items, i -> i.reference().equals("star") ? null : 4.0);
    assertThat(unparsed.pairs()).as("the pair under reference 'star' has no scores").isEqualTo(3);
  }

  private static TruthAuc auc(List<ReferenceAgreement.Item> items, Function<ReferenceAgreement.Item, Double> judge) {
    return TruthAuc.of(items.stream().map(i -> i.scored(judge.apply(i))).toList());
  }

  private static SeedEft eft(String group, String question, String response) {
    return new SeedEft("r", 0, group + response, "builtin", "heldout", "t", group, question, response, 0.0, 0,
        "prompt", "completion");
  }
}

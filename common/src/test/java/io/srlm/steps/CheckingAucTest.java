package io.srlm.steps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.srlm.eval.TruthAuc;
import io.srlm.seed.BuiltinTasks;
import io.srlm.seed.BuiltinTasks.Checking;
import io.srlm.tables.SeedEft;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The checking AUC's definition on fixed inputs: which judged answers it compares, and its value. */
class CheckingAucTest {
  private static final String LAST = "Which word is last in this list: deer star black seal?";
  private static final String CONVERT = "Convert 3 kilometers to meters.";
  private static final String REVERSE = "Reverse the order of these words: red fox sun";

  @Test
  void rightAnswersAgainstWrongOnesOfTheSameFormOnly() {
    assertThat(BuiltinTasks.checkingKind(LAST, "seal")).isEqualTo(Checking.RIGHT);
    assertThat(BuiltinTasks.checkingKind(LAST, " seal ")).isEqualTo(Checking.RIGHT);
    assertThat(BuiltinTasks.checkingKind(LAST, "star")).isEqualTo(Checking.SAME_FORM_WRONG);
    assertThat(BuiltinTasks.checkingKind(LAST, "The answer is seal.")).isEqualTo(Checking.OTHER);
    assertThat(BuiltinTasks.checkingKind(LAST, "")).isEqualTo(Checking.OTHER);
    assertThat(BuiltinTasks.checkingKind(LAST, "seal seal")).isEqualTo(Checking.OTHER);
    assertThat(BuiltinTasks.checkingKind(LAST, "kite")).as("a word unrelated to the question scores 0")
        .isEqualTo(Checking.OTHER);
    assertThat(BuiltinTasks.checkingKind(CONVERT, "3000 meters")).isEqualTo(Checking.RIGHT);
    assertThat(BuiltinTasks.checkingKind(CONVERT, "30000 meters")).isEqualTo(Checking.SAME_FORM_WRONG);
    assertThat(BuiltinTasks.checkingKind(CONVERT, "30000")).as("the unit left out").isEqualTo(Checking.OTHER);
    assertThat(BuiltinTasks.checkingKind(REVERSE, "sun fox red")).isEqualTo(Checking.RIGHT);
    assertThat(BuiltinTasks.checkingKind(REVERSE, "red fox sun")).isEqualTo(Checking.SAME_FORM_WRONG);
    assertThat(BuiltinTasks.checkingKind(REVERSE, "sun fox")).isEqualTo(Checking.OTHER);
    assertThat(BuiltinTasks.checkingKind("Tell me a joke.", "No.")).isEqualTo(Checking.OTHER);
    assertThat(BuiltinTasks.checkingKind(LAST, null)).isEqualTo(Checking.OTHER);
  }

  @Test
  void aucOverTheComparedAnswersWithinEachQuestion() {
    // g1: right 4 vs same-form wrong 2 (win) and 4 (tie); the chatter answer's 5 and the empty answer's 0 are not
    // compared. g2: right 3 vs same-form wrong 1 (win). g3: the wrong answer is unparsed (null): no pair.
    List<List<SeedEft>> groups = List.of(
        List.of(eft("g1", LAST, "seal"), eft("g1", LAST, "star"), eft("g1", LAST, "deer"),
            eft("g1", LAST, "The answer is seal."), eft("g1", LAST, "")),
        List.of(eft("g2", CONVERT, "3000 meters"), eft("g2", CONVERT, "300 meters")),
        List.of(eft("g3", REVERSE, "sun fox red"), eft("g3", REVERSE, "red fox sun")));
    Double[] scores = {4.0, 2.0, 4.0, 5.0, 0.0, 3.0, 1.0, 5.0, null};
    List<TruthAuc.Scored> in = new ArrayList<>();
    int i = 0;
    for (List<SeedEft> g : groups) {
      for (SeedEft e : g) {
        EvaluateJudgeStep.checkingAnswer(e, scores[i++]).ifPresent(in::add);
      }
    }
    assertThat(in).hasSize(7);
    TruthAuc auc = TruthAuc.of(in);
    assertThat(auc.pairs()).isEqualTo(3);
    assertThat(auc.prompts()).isEqualTo(2);
    assertThat(auc.auc()).isCloseTo(2.5 / 3, within(1e-12));
  }

  private static SeedEft eft(String group, String question, String response) {
    return new SeedEft("r", 0, group + response, "builtin", "heldout", "t", group, question, response, 0.0, 0,
        "prompt", "completion");
  }
}

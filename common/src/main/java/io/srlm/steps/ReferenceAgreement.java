package io.srlm.steps;

import io.srlm.eval.TruthAuc;
import io.srlm.seed.BuiltinTasks;
import io.srlm.tables.SeedEft;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Does a self-reference judge use its reference? On each held-out built-in EFT group with a right answer R and a
 * wrong answer W of the same form ({@link BuiltinTasks#checkingKind}), the judge is shown four prompts: reference R
 * or W, response R or W. The reference-agreement AUC is the probability that, for the same question and the same
 * shown reference, the response equal to the reference scores above the one that differs (ties 1/2). A judge that
 * compares the response with its reference scores 1; one that ignores the reference (grading the task on its own,
 * or the form) scores 0.5, whether or not it knows the right answer: with reference W the right answer must lose.
 * Since the self-reference judge's reference at run time is its own greedy answer, this is the comparison that its
 * scores of its own answers rest on.
 */
final class ReferenceAgreement {
  /**
   * One prompt of the probe.
   *
   * @param id stable item id (the group's, the reference's and the response's kind: r or w)
   * @param pairKey the question and shown reference: items are compared within one key only
   */
  record Item(String id, String pairKey, String question, String reference, String response) {
    boolean agrees() {
      return response.equals(reference);
    }

    TruthAuc.Scored scored(Double meanScore) {
      return new TruthAuc.Scored(pairKey, agrees(), meanScore);
    }
  }

  private ReferenceAgreement() {}

  /** Four items per group that has a right answer and a same-form wrong one (the first such wrong one); none else. */
  static List<Item> items(List<List<SeedEft>> groups) {
    List<Item> out = new ArrayList<>();
    for (List<SeedEft> g : groups) {
      Optional<SeedEft> right = first(g, BuiltinTasks.Checking.RIGHT);
      Optional<SeedEft> wrong = first(g, BuiltinTasks.Checking.SAME_FORM_WRONG);
      if (right.isEmpty() || wrong.isEmpty()) {
        continue;
      }
      String q = right.get().question();
      String[] answers = {right.get().response().strip(), wrong.get().response().strip()};
      String[] tags = {"r", "w"};
      for (int ref = 0; ref < 2; ref++) {
        for (int resp = 0; resp < 2; resp++) {
          String key = right.get().groupId() + "|ref=" + tags[ref];
          out.add(new Item(key + "|resp=" + tags[resp], key, q, answers[ref], answers[resp]));
        }
      }
    }
    return out;
  }

  private static Optional<SeedEft> first(List<SeedEft> g, BuiltinTasks.Checking kind) {
    return g.stream().filter(e -> BuiltinTasks.checkingKind(e.question(), e.response()) == kind).findFirst();
  }
}

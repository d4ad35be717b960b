package io.srlm.steps;

import java.util.List;

/**
 * Per seed prompt (a Spark group) of a SPIN stage: chosen = the human completion (source human), rejected = the
 * model's answer (source self), chosen_score 1 and rejected_score 0 (SPIN has no scores; the margin is 1). A prompt
 * is dropped (and recorded) when the two texts are identical after trimming surrounding whitespace (DPO would
 * learn nothing from it), when the model's answer is empty, or when either side is missing.
 *
 * <p>Input: the prompt's {@link SpinSide}s; output: one {@link PairChoice}.
 */
final class SpinPairSelector implements PairOutputs.Rule<SpinSide> {
  private static final long serialVersionUID = 1L;

  @Override
  public PairChoice select(String promptId, List<SpinSide> sides) {
    SpinSide human = null;
    SpinSide self = null;
    for (SpinSide s : sides) {
      if (s.source().equals(SpinGenerateStep.HUMAN)) {
        human = s;
      } else if (s.source().equals(SpinGenerateStep.SELF)) {
        self = s;
      }
    }
    return select(promptId, human, self);
  }

  /** The pair of {@code human} over {@code self}, or the drop; either side may be null (missing). */
  static PairChoice select(String promptId, SpinSide human, SpinSide self) {
    String prompt = human != null ? human.prompt() : self != null ? self.prompt() : null;
    if (human == null || self == null) {
      return PairChoice.drop(promptId, prompt, "missing_side", human == null ? "no human completion"
          : "no model answer");
    }
    if (self.response().isBlank()) {
      return PairChoice.drop(promptId, prompt, "empty_generation", "the model's answer is empty");
    }
    if (human.response().strip().equals(self.response().strip())) {
      return PairChoice.drop(promptId, prompt, "identical", "the model's answer equals the human completion");
    }
    return PairChoice.pair(promptId, prompt, human.responseId(), self.responseId(), human.response(),
        self.response(), 1.0, 0.0);
  }
}

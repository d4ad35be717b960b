package io.srlm.loop;

import io.srlm.config.SrlmConfig;
import io.srlm.pipeline.Step;
import io.srlm.steps.BaseModelStep;
import io.srlm.steps.BuildPairsStep;
import io.srlm.steps.BuildSpinPairsStep;
import io.srlm.steps.GeneratePromptsStep;
import io.srlm.steps.JudgePairwiseStep;
import io.srlm.steps.JudgeResponsesStep;
import io.srlm.steps.LoadSeedStep;
import io.srlm.steps.SampleResponsesStep;
import io.srlm.steps.ScoreRewardsStep;
import io.srlm.steps.SpinGenerateStep;
import io.srlm.steps.TrainDpoStep;
import io.srlm.steps.TrainSftStep;
import java.util.ArrayList;
import java.util.List;

/**
 * The steps of each stage type, in order, defined once. The first stage also loads the seed data and establishes
 * M0. Evaluation steps follow a stage that produced a model when loop.evaluate is on.
 *
 * <ul>
 *   <li>sft: train_sft (M0 -> M1), then with eft.enabled build_eft and train_eft (model-written EFT, M1 -> M1)
 *   <li>self_reward_dpo, external_reward_dpo: generate_prompts, sample_responses, the judging step, build_pairs,
 *       train_dpo. The judging step follows judge.*: score_rewards (judge.model with reward_head =
 *       sequence_classification), judge_pairwise (mode = pairwise), else judge_responses (pointwise template). The
 *       judge is the policy unless judge.model is set (always set for external_reward_dpo).
 *   <li>spin: spin_generate, build_spin_pairs, train_dpo (beta = dpo.spin_lambda)
 * </ul>
 */
public final class Recipe {
  private Recipe() {}

  public static List<Step> steps(SrlmConfig.Stage stage, boolean evaluate) {
    List<Step> out = new ArrayList<>();
    if (stage.index() == 0) {
      out.add(new LoadSeedStep());
      out.add(new BaseModelStep());
    }
    switch (stage.type()) {
      case "sft" -> {
        out.add(new TrainSftStep());
        if (io.srlm.steps.EftSettings.of(stage.settings()).enabled()) {
          out.add(new io.srlm.steps.BuildEftStep());
          out.add(new io.srlm.steps.TrainEftStep());
        }
      }
      case "self_reward_dpo", "external_reward_dpo" -> {
        out.add(new GeneratePromptsStep());
        out.add(new SampleResponsesStep());
        out.add(judging(stage.settings().judge()));
        out.add(new BuildPairsStep());
        out.add(new TrainDpoStep());
      }
      case "spin" -> {
        out.add(new SpinGenerateStep());
        out.add(new BuildSpinPairsStep());
        out.add(new TrainDpoStep());
      }
      default -> throw new IllegalArgumentException("no recipe for stage type " + stage.type());
    }
    if (evaluate) {
      out.addAll(Evaluations.steps(stage));
    }
    return out;
  }

  /** The judging step that judge.* selects. */
  static Step judging(SrlmConfig.Judge judge) {
    if (judge.rewardModel()) {
      return new ScoreRewardsStep();
    }
    return judge.pairwise() ? new JudgePairwiseStep() : new JudgeResponsesStep();
  }

  /** The step of a stage with the given name (for the per-step CLI verbs and job mains). */
  public static Step step(SrlmConfig.Stage stage, String name) {
    for (Step s : steps(stage, true)) {
      if (s.name().equals(name)) {
        return s;
      }
    }
    throw io.srlm.errors.Errors.configBadValue("--stage", "(command line)", "is a " + stage.type()
        + " stage, which has no step " + name + "; its steps are " + names(stage), stage.index());
  }

  static List<String> names(SrlmConfig.Stage stage) {
    List<String> n = new ArrayList<>();
    for (Step s : steps(stage, true)) {
      n.add(s.name());
    }
    return n;
  }
}

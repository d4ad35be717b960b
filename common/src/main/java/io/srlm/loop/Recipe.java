package io.srlm.loop;

import io.srlm.config.SrlmConfig;
import io.srlm.errors.Errors;
import io.srlm.pipeline.Step;
import io.srlm.registry.StepDef;
import io.srlm.registry.StepRegistry;
import java.lang.reflect.InvocationTargetException;
import java.util.ArrayList;
import java.util.List;

/**
 * The steps of each stage, in order: the rows of {@link StepRegistry} whose stage types include the stage's type
 * and whose condition holds. With the default registry:
 *
 * <ul>
 *   <li>the first stage also runs seed and base_model (seed data and M0);
 *   <li>sft: train_sft (M0 -> M1), then with eft.enabled build_eft and train_eft (model-written EFT, M1 -> M1);
 *   <li>self_reward_dpo, external_reward_dpo: generate_prompts, sample_responses, the judging step, build_pairs,
 *       train_dpo. The judging step follows judge.*: score_rewards (judge.model with reward_head =
 *       sequence_classification), judge_pairwise (mode = pairwise), else judge_responses (pointwise template). The
 *       judge is the policy unless judge.model is set (always set for external_reward_dpo);
 *   <li>spin: spin_generate, build_spin_pairs, train_dpo (beta = dpo.spin_lambda);
 *   <li>then the evaluations eval.* enables, when loop.evaluate is on.
 * </ul>
 */
public final class Recipe {
  private Recipe() {}

  /** The registry rows a stage runs, in order. */
  public static List<StepDef> defs(SrlmConfig.Stage stage, boolean evaluate) {
    List<StepDef> out = new ArrayList<>();
    for (StepDef d : StepRegistry.STEPS_IN_ORDER) {
      if (d.stageTypes().contains(stage.type()) && holds(d.when(), stage, evaluate)) {
        out.add(d);
      }
    }
    return out;
  }

  public static List<Step> steps(SrlmConfig.Stage stage, boolean evaluate) {
    List<Step> out = new ArrayList<>();
    for (StepDef d : defs(stage, evaluate)) {
      out.add(instantiate(d));
    }
    return out;
  }

  private static boolean holds(StepDef.When when, SrlmConfig.Stage stage, boolean evaluate) {
    SrlmConfig.Judge judge = stage.settings().judge();
    SrlmConfig.Eval e = stage.settings().eval();
    return switch (when) {
      case ALWAYS -> true;
      case FIRST_STAGE -> stage.index() == 0;
      case EFT -> io.srlm.steps.EftSettings.of(stage.settings()).enabled();
      case JUDGE_REWARD_MODEL -> judge.rewardModel();
      case JUDGE_PAIRWISE -> !judge.rewardModel() && judge.pairwise();
      case JUDGE_POINTWISE -> !judge.rewardModel() && !judge.pairwise();
      case EVAL_JUDGE -> evaluate && e.judgeEnabled();
      case EVAL_TASKS -> evaluate && e.taskEnabled();
      case EVAL_HEAD_TO_HEAD -> evaluate && e.h2hEnabled();
    };
  }

  /** A new instance of the row's step class. */
  public static Step instantiate(StepDef d) {
    try {
      return (Step) Class.forName(d.stepClass()).getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException | ClassCastException e) {
      Throwable cause = e instanceof InvocationTargetException ite ? ite.getCause() : e;
      throw new IllegalStateException("step registry row " + d.id() + ": cannot create " + d.stepClass(), cause);
    }
  }

  /** The step of a stage with the given name (for the per-step CLI verbs and job mains). */
  public static Step step(SrlmConfig.Stage stage, String name) {
    for (StepDef d : defs(stage, true)) {
      if (d.id().equals(name)) {
        return instantiate(d);
      }
    }
    throw Errors.configBadValue("--stage", "(command line)", "is a " + stage.type()
        + " stage, which has no step " + name + "; its steps are " + names(stage), stage.index());
  }

  static List<String> names(SrlmConfig.Stage stage) {
    return defs(stage, true).stream().map(StepDef::id).toList();
  }
}

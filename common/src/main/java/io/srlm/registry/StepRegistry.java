package io.srlm.registry;

import io.srlm.registry.StepDef.When;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The one list of steps, in the order a stage runs them. The recipe of each stage type, the CLI step verbs, the
 * spark-submit / Databricks mains, the fault-injection names and the Databricks task graph (its depends_on edges
 * follow {@link StepDef#reads()} and {@link StepDef#writes()}) are all derived from it. Adding a step is one class
 * and one row here. Plain data on the ground floor, so the config binder can check step names against it; the
 * classes are named, and instantiated by the recipe ({@code io.srlm.loop.Recipe}), which a test checks.
 */
public final class StepRegistry {
  private StepRegistry() {}

  /** The package of the spark-submit mains. */
  public static final String JOB_PACKAGE = "io.srlm.jobs";
  /** The main of steps without their own: {@code StepJob STEP_ID [options]}. */
  public static final String GENERIC_JOB = "StepJob";

  private static final String STEPS = "io.srlm.steps.";
  private static final Set<String> SELF_REWARD = Set.of("self_reward_dpo", "external_reward_dpo");
  private static final Set<String> ALL_TYPES = Set.of("sft", "self_reward_dpo", "external_reward_dpo", "spin");
  private static final Set<String> TRAINED = Set.of("self_reward_dpo", "external_reward_dpo", "spin");

  private static StepDef row(String id, String verb, String job, String cls, List<String> reads,
      List<String> writes, Set<String> types, When when, boolean executors, String description) {
    return new StepDef(id, verb, job, STEPS + cls, reads, writes, types, when, executors, id.equals("seed"),
        description);
  }

  /** Every step, in run order within a stage. */
  public static final List<StepDef> STEPS_IN_ORDER = List.of(
      row("seed", "seed", "LoadSeedJob", "LoadSeedStep", List.of(), List.of("seed_ift", "seed_eft",
          "rejected_rows"), ALL_TYPES, When.FIRST_STAGE, false,
          "Load the seed data (built-in, JSONL or Open Assistant) into seed_ift and seed_eft for a run."),
      row("base_model", "base-model", "BaseModelJob", "BaseModelStep", List.of("seed_ift", "seed_eft"),
          List.of("models"), ALL_TYPES, When.FIRST_STAGE, false,
          "Establish M0: create the built-in tiny model, or check and record model.base."),
      row("train_sft", "sft", "TrainSftJob", "TrainSftStep", List.of("seed_ift", "seed_eft", "models"),
          List.of("training_metrics", "rejected_rows", "models"), Set.of("sft"), When.ALWAYS, false,
          "Supervised fine-tuning on the seed IFT+EFT data (M0 -> M1), on the driver."),
      row("build_eft", "build-eft", null, "BuildEftStep", List.of("seed_ift", "seed_eft", "models"),
          List.of("seed_eft"), Set.of("sft"), When.EFT, true, "Model-written EFT (eft.enabled): M1 judges its own "
              + "graded answers and ranked seed groups; agreeing groups become seed_eft rows (source model_eft)."),
      row("train_eft", "train-eft", null, "TrainEftStep", List.of("seed_ift", "seed_eft", "models"),
          List.of("training_metrics", "rejected_rows", "models"), Set.of("sft"), When.EFT, false,
          "M1 trained further on the seed and model-written EFT rows (eft.epochs), republished as M1, on the driver."),
      row("generate_prompts", "generate-prompts", "GeneratePromptsJob", "GeneratePromptsStep",
          List.of("seed_ift", "prompts", "models"), List.of("prompts"), SELF_REWARD, When.ALWAYS, true,
          "Few-shot prompt generation on the executors, filtered and deduplicated (table prompts)."),
      row("sample_responses", "sample-responses", "SampleResponsesJob", "SampleResponsesStep",
          List.of("prompts", "models"), List.of("responses", "rejected_rows"), SELF_REWARD, When.ALWAYS, true,
          "Sample N candidate responses per accepted prompt on the executors (table responses)."),
      row("judge_responses", "judge-responses", "JudgeResponsesJob", "JudgeResponsesStep",
          List.of("responses", "models"), List.of("judgements"), SELF_REWARD, When.JUDGE_POINTWISE, true,
          "LLM-as-a-judge scoring of every response, k samples each (table judgements)."),
      row("judge_pairwise", "judge-pairwise", "JudgePairwiseJob", "JudgePairwiseStep",
          List.of("responses", "models"), List.of("pairwise_judgements", "judgements"), SELF_REWARD,
          When.JUDGE_PAIRWISE, true, "Pairwise judging (judge.mode = pairwise): every pair of responses in both "
              + "orders (tables pairwise_judgements and judgements)."),
      row("score_rewards", "score-rewards", "ScoreRewardsJob", "ScoreRewardsStep", List.of("responses"),
          List.of("judgements"), SELF_REWARD, When.JUDGE_REWARD_MODEL, true,
          "Reward-model scoring (judge.reward_head = sequence_classification) of every response (table "
              + "judgements)."),
      row("build_pairs", "build-pairs", "BuildPreferencePairsJob", "BuildPairsStep",
          List.of("responses", "judgements"), List.of("preference_pairs", "rejected_rows"), SELF_REWARD,
          When.ALWAYS, true, "Best-vs-worst preference pairs per prompt (table preference_pairs)."),
      row("spin_generate", "spin-generate", "SpinGenerateJob", "SpinGenerateStep", List.of("seed_ift", "models"),
          List.of("responses", "rejected_rows"), Set.of("spin"), When.ALWAYS, true,
          "SPIN: M_t answers seed prompts on the executors; answers and human completions go to responses."),
      row("build_spin_pairs", "build-spin-pairs", "BuildSpinPairsJob", "BuildSpinPairsStep", List.of("responses"),
          List.of("preference_pairs", "rejected_rows"), Set.of("spin"), When.ALWAYS, true,
          "SPIN pairs: human completion (chosen) vs the model's answer (rejected) (table preference_pairs)."),
      row("train_dpo", "dpo", "TrainDpoJob", "TrainDpoStep", List.of("preference_pairs", "models"),
          List.of("reference_logprobs", "training_metrics", "rejected_rows", "models"), TRAINED, When.ALWAYS, false,
          "DPO on the iteration's preference pairs (M_t -> M_t+1), on the driver."),
      row("evaluate_judge", "evaluate-judge", "EvaluateJudgeJob", "EvaluateJudgeStep", List.of("seed_eft",
          "seed_ift", "models"), List.of("evaluations", "eval_samples"), ALL_TYPES, When.EVAL_JUDGE, true,
          "Judge quality of the stage's model on the held-out human-ranked responses (table evaluations)."),
      row("evaluate_tasks", "evaluate-tasks", "EvaluateTasksJob", "EvaluateTasksStep", List.of("seed_ift",
          "models", "responses", "judgements"), List.of("evaluations", "eval_samples"), ALL_TYPES,
          When.EVAL_TASKS, true,
          "Ground-truth task accuracy of the stage's model on the held-out seed prompts (table evaluations)."),
      row("head_to_head", "head-to-head", "HeadToHeadJob", "HeadToHeadStep", List.of("seed_ift", "models"),
          List.of("evaluations", "eval_samples"), ALL_TYPES, When.EVAL_HEAD_TO_HEAD, true,
          "The stage's model against the previous one on held-out prompts, judged pairwise (table evaluations)."));

  /** The row of step {@code id}, if there is one. */
  public static Optional<StepDef> byId(String id) {
    return STEPS_IN_ORDER.stream().filter(d -> d.id().equals(id)).findFirst();
  }

  /** The row of the step implemented by {@code className}, if there is one. */
  public static Optional<StepDef> byClass(String className) {
    return STEPS_IN_ORDER.stream().filter(d -> d.stepClass().equals(className)).findFirst();
  }

  /** The steps whose Spark tasks debug.fail_first_attempt may fail once: those that run on the executors. */
  public static List<String> faultInjectable() {
    List<String> out = new ArrayList<>();
    for (StepDef d : STEPS_IN_ORDER) {
      if (d.executors() && !d.when().evaluation()) {
        out.add(d.id());
      }
    }
    return List.copyOf(out);
  }
}

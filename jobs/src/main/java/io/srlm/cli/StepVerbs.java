package io.srlm.cli;

import io.srlm.config.SrlmConfig;
import io.srlm.errors.Errors;
import io.srlm.loop.Recipe;
import io.srlm.pipeline.RunContext;
import io.srlm.pipeline.StepRunner;
import io.srlm.tables.RunStep;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** One verb per loop step, so a scheduler can run each as its own task. */
final class StepVerbs {
  private StepVerbs() {}

  /** Runs one named step of one stage of an existing run (re-running replaces that step's rows). */
  abstract static class StepVerb extends SparkVerb {
    @Option(names = "--stage", paramLabel = "N", description = "Index of the stage in loop.stages (0 = the first; "
        + "with the default recipe stage t is self-reward iteration t)", defaultValue = "-1")
    int stage;

    @Option(names = "--skip-if-done", description = "Do nothing when this step already succeeded in the run")
    boolean skipIfDone;

    abstract String step();

    /** The stage to use when --stage is not given, or -1 to require it. */
    int defaultStage() {
      return -1;
    }

    @Override
    int run(RunContext ctx) {
      SrlmConfig.Stage s = stage(ctx.config(), stage < 0 ? defaultStage() : stage);
      RunStep row = skipIfDone ? StepRunner.runOnce(ctx, s, Recipe.step(s, step()))
          : StepRunner.run(ctx, s, Recipe.step(s, step()));
      System.out.println(row.stepId() + ": " + row.status() + " - " + row.message());
      return 0;
    }
  }

  static SrlmConfig.Stage stage(SrlmConfig cfg, int index) {
    List<SrlmConfig.Stage> stages = cfg.loop().stages();
    if (index < 0 || index >= stages.size()) {
      throw Errors.configBadValue("--stage", "(command line)", "must be between 0 and " + (stages.size() - 1)
          + " (the stages are " + stages.stream().map(SrlmConfig.Stage::type).toList() + ")", index);
    }
    return stages.get(index);
  }

  @Command(name = "seed", mixinStandardHelpOptions = true,
      description = "Load the seed data (built-in, JSONL or Open Assistant) into seed_ift and seed_eft for a run.")
  static final class Seed extends StepVerb {
    String step() {
      return "seed";
    }

    int defaultStage() {
      return 0;
    }

    @Override
    boolean requireExistingRun() {
      return false;
    }
  }

  @Command(name = "base-model", mixinStandardHelpOptions = true,
      description = "Establish M0: create the built-in tiny model, or check and record model.base.")
  static final class BaseModel extends StepVerb {
    String step() {
      return "base_model";
    }

    int defaultStage() {
      return 0;
    }
  }

  @Command(name = "sft", mixinStandardHelpOptions = true,
      description = "Supervised fine-tuning on the seed IFT+EFT data (M0 -> M1), on the driver.")
  static final class Sft extends StepVerb {
    String step() {
      return "train_sft";
    }

    int defaultStage() {
      return 0;
    }
  }

  @Command(name = "generate-prompts", mixinStandardHelpOptions = true,
      description = "Few-shot prompt generation on the executors, filtered and deduplicated (table prompts).")
  static final class GeneratePrompts extends StepVerb {
    String step() {
      return "generate_prompts";
    }
  }

  @Command(name = "sample-responses", mixinStandardHelpOptions = true,
      description = "Sample N candidate responses per accepted prompt on the executors (table responses).")
  static final class SampleResponses extends StepVerb {
    String step() {
      return "sample_responses";
    }
  }

  @Command(name = "judge-responses", mixinStandardHelpOptions = true,
      description = "LLM-as-a-judge scoring of every response, k samples each (table judgements).")
  static final class JudgeResponses extends StepVerb {
    String step() {
      return "judge_responses";
    }
  }

  @Command(name = "build-pairs", mixinStandardHelpOptions = true,
      description = "Best-vs-worst preference pairs per prompt (table preference_pairs).")
  static final class BuildPairs extends StepVerb {
    String step() {
      return "build_pairs";
    }
  }

  @Command(name = "dpo", mixinStandardHelpOptions = true,
      description = "DPO on the iteration's preference pairs (M_t -> M_t+1), on the driver.")
  static final class Dpo extends StepVerb {
    String step() {
      return "train_dpo";
    }
  }

  @Command(name = "evaluate-judge", mixinStandardHelpOptions = true,
      description = "Judge quality of the stage's model on the held-out human-ranked responses (table evaluations).")
  static final class EvaluateJudge extends StepVerb {
    String step() {
      return "evaluate_judge";
    }
  }

  @Command(name = "evaluate-tasks", mixinStandardHelpOptions = true,
      description = "Ground-truth task accuracy of the stage's model on the held-out seed prompts (table "
          + "evaluations).")
  static final class EvaluateTasks extends StepVerb {
    String step() {
      return "evaluate_tasks";
    }
  }

  @Command(name = "head-to-head", mixinStandardHelpOptions = true,
      description = "The stage's model against the previous one on held-out prompts, judged pairwise (table "
          + "evaluations).")
  static final class HeadToHead extends StepVerb {
    String step() {
      return "head_to_head";
    }
  }

  @Command(name = "judge-pairwise", mixinStandardHelpOptions = true,
      description = "Pairwise judging (judge.mode = pairwise): every pair of responses in both orders "
          + "(tables pairwise_judgements and judgements).")
  static final class JudgePairwise extends StepVerb {
    String step() {
      return "judge_pairwise";
    }
  }

  @Command(name = "score-rewards", mixinStandardHelpOptions = true,
      description = "Reward-model scoring (judge.reward_head = sequence_classification) of every response "
          + "(table judgements).")
  static final class ScoreRewards extends StepVerb {
    String step() {
      return "score_rewards";
    }
  }

  @Command(name = "spin-generate", mixinStandardHelpOptions = true,
      description = "SPIN: M_t answers seed prompts on the executors; answers and human completions go to responses.")
  static final class SpinGenerate extends StepVerb {
    String step() {
      return "spin_generate";
    }
  }

  @Command(name = "build-spin-pairs", mixinStandardHelpOptions = true,
      description = "SPIN pairs: human completion (chosen) vs the model's answer (rejected) (table preference_pairs).")
  static final class BuildSpinPairs extends StepVerb {
    String step() {
      return "build_spin_pairs";
    }
  }
}

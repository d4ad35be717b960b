package io.srlm.cli;

import io.srlm.config.SrlmConfig;
import io.srlm.errors.Errors;
import io.srlm.loop.Recipe;
import io.srlm.pipeline.RunContext;
import io.srlm.pipeline.StepRunner;
import io.srlm.tables.RunStep;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * One verb per loop step, so a scheduler can run each as its own task. The verbs are rows of {@link #VERBS}: verb
 * name, step name, the stage used without --stage, and the help text.
 */
final class StepVerbs {
  private StepVerbs() {}

  /**
   * A step verb: {@code verb} runs step {@code step} of stage --stage ({@code defaultStage} when not given; -1:
   * --stage is required). {@code createsRun}: the verb may start a new run (seed); the others need an existing one.
   */
  record Def(String verb, String step, int defaultStage, boolean createsRun, String description) {}

  static final List<Def> VERBS = List.of(
      new Def("seed", "seed", 0, true,
          "Load the seed data (built-in, JSONL or Open Assistant) into seed_ift and seed_eft for a run."),
      new Def("base-model", "base_model", 0, false,
          "Establish M0: create the built-in tiny model, or check and record model.base."),
      new Def("sft", "train_sft", 0, false,
          "Supervised fine-tuning on the seed IFT+EFT data (M0 -> M1), on the driver."),
      new Def("generate-prompts", "generate_prompts", -1, false,
          "Few-shot prompt generation on the executors, filtered and deduplicated (table prompts)."),
      new Def("sample-responses", "sample_responses", -1, false,
          "Sample N candidate responses per accepted prompt on the executors (table responses)."),
      new Def("judge-responses", "judge_responses", -1, false,
          "LLM-as-a-judge scoring of every response, k samples each (table judgements)."),
      new Def("build-pairs", "build_pairs", -1, false,
          "Best-vs-worst preference pairs per prompt (table preference_pairs)."),
      new Def("dpo", "train_dpo", -1, false,
          "DPO on the iteration's preference pairs (M_t -> M_t+1), on the driver."),
      new Def("evaluate-judge", "evaluate_judge", -1, false,
          "Judge quality of the stage's model on the held-out human-ranked responses (table evaluations)."),
      new Def("evaluate-tasks", "evaluate_tasks", -1, false,
          "Ground-truth task accuracy of the stage's model on the held-out seed prompts (table evaluations)."),
      new Def("head-to-head", "head_to_head", -1, false,
          "The stage's model against the previous one on held-out prompts, judged pairwise (table evaluations)."),
      new Def("judge-pairwise", "judge_pairwise", -1, false,
          "Pairwise judging (judge.mode = pairwise): every pair of responses in both orders (tables "
              + "pairwise_judgements and judgements)."),
      new Def("score-rewards", "score_rewards", -1, false,
          "Reward-model scoring (judge.reward_head = sequence_classification) of every response (table "
              + "judgements)."),
      new Def("spin-generate", "spin_generate", -1, false,
          "SPIN: M_t answers seed prompts on the executors; answers and human completions go to responses."),
      new Def("build-spin-pairs", "build_spin_pairs", -1, false,
          "SPIN pairs: human completion (chosen) vs the model's answer (rejected) (table preference_pairs)."));

  /** Adds every verb of {@link #VERBS} to {@code cl}. */
  static void register(CommandLine cl) {
    for (Def d : VERBS) {
      CommandLine sub = new CommandLine(new StepVerb(d));
      sub.getCommandSpec().usageMessage().description(d.description());
      cl.addSubcommand(d.verb(), sub);
    }
  }

  /** Runs one named step of one stage of a run (re-running replaces that step's rows). */
  @Command(mixinStandardHelpOptions = true)
  static final class StepVerb extends SparkVerb {
    final Def def;

    @Option(names = "--stage", paramLabel = "N", description = "Index of the stage in loop.stages (0 = the first; "
        + "with the default recipe stage t is self-reward iteration t)", defaultValue = "-1")
    int stage;

    @Option(names = "--skip-if-done", description = "Do nothing when this step already succeeded in the run")
    boolean skipIfDone;

    StepVerb(Def def) {
      this.def = def;
    }

    @Override
    boolean requireExistingRun() {
      return !def.createsRun();
    }

    @Override
    int run(RunContext ctx) {
      SrlmConfig.Stage s = stage(ctx.config(), stage < 0 ? def.defaultStage() : stage);
      RunStep row = skipIfDone ? StepRunner.runOnce(ctx, s, Recipe.step(s, def.step()))
          : StepRunner.run(ctx, s, Recipe.step(s, def.step()));
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
}

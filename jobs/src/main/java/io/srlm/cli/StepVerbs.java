package io.srlm.cli;

import io.srlm.config.SrlmConfig;
import io.srlm.errors.Errors;
import io.srlm.loop.Recipe;
import io.srlm.pipeline.RunContext;
import io.srlm.pipeline.StepRunner;
import io.srlm.registry.StepDef;
import io.srlm.registry.StepRegistry;
import io.srlm.tables.RunStep;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * One verb per loop step, so a scheduler can run each as its own task: one verb per row of
 * {@link StepRegistry#STEPS_IN_ORDER} (its verb name, step and help text). The seed step may start a run; the
 * others need an existing one. Without --stage the first-stage steps (seed, base_model) and SFT use stage 0; the
 * others require it.
 */
final class StepVerbs {
  private StepVerbs() {}

  /** Adds a verb for every registry row to {@code cl}. */
  static void register(CommandLine cl) {
    for (StepDef d : StepRegistry.STEPS_IN_ORDER) {
      CommandLine sub = new CommandLine(new StepVerb(d));
      sub.getCommandSpec().usageMessage().description(d.description());
      cl.addSubcommand(d.verb(), sub);
    }
  }

  /** The stage a verb uses without --stage: 0 for the first-stage and SFT steps, else none (-1: required). */
  static int defaultStage(StepDef d) {
    return d.when() == StepDef.When.FIRST_STAGE || d.stageTypes().equals(java.util.Set.of("sft")) ? 0 : -1;
  }

  /** Runs one named step of one stage of a run (re-running replaces that step's rows). */
  @Command(mixinStandardHelpOptions = true)
  static final class StepVerb extends SparkVerb {
    final StepDef def;

    @Option(names = "--stage", paramLabel = "N", description = "Index of the stage in loop.stages (0 = the first; "
        + "with the default recipe stage t is self-reward iteration t)", defaultValue = "-1")
    int stage;

    @Option(names = "--skip-if-done", description = "Do nothing when this step already succeeded in the run")
    boolean skipIfDone;

    StepVerb(StepDef def) {
      this.def = def;
    }

    @Override
    boolean requireExistingRun() {
      return !def.createsRun();
    }

    @Override
    int run(RunContext ctx) {
      SrlmConfig.Stage s = stage(ctx.config(), stage < 0 ? defaultStage(def) : stage);
      RunStep row = skipIfDone ? StepRunner.runOnce(ctx, s, Recipe.step(s, def.id()))
          : StepRunner.run(ctx, s, Recipe.step(s, def.id()));
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

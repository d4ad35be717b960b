package io.srlm.testing;

import io.srlm.config.SrlmConfig;
import io.srlm.pipeline.RunContext;
import io.srlm.pipeline.Step;
import io.srlm.pipeline.StepContext;
import io.srlm.pipeline.StepResult;
import io.srlm.pipeline.StepRunner;
import io.srlm.steps.GeneratePromptsStep;
import io.srlm.tables.Catalogue;
import io.srlm.tables.PromptRow;
import io.srlm.tables.SeedIft;
import io.srlm.util.StableIds;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A test stand-in for the generate_prompts step of a self-reward stage: it accepts prompts.target_count held-out
 * seed prompts (task-creation rows excluded) as this iteration's prompts, under the real step's id. Run it before
 * {@code LoopRunner.run}, which then skips generate_prompts as already done (resume) and runs everything after it.
 * Variant tests use it because the briefly trained test model rarely writes a well-formed new task; prompt
 * generation itself is tested by SelfRewardStepsTest.
 */
public final class SeedPrompts implements Step {
  @Override
  public String name() {
    return GeneratePromptsStep.NAME;
  }

  /** Small built-in seed settings for variant loops (a few hundred rows instead of thousands). */
  public static final List<String> SMALL_SEED = List.of("seed.builtin.ift_per_task=40",
      "seed.builtin.eft_groups_per_task=6", "seed.builtin.task_creation_rows=10");

  /** {@code srlm loop} with the stand-in: seed and M0, the stand-in for every prompt stage, then the loop. */
  public static void runLoop(RunContext ctx) {
    SrlmConfig.Stage first = ctx.config().loop().stages().get(0);
    StepRunner.runOnce(ctx, first, new io.srlm.steps.LoadSeedStep());
    StepRunner.runOnce(ctx, first, new io.srlm.steps.BaseModelStep());
    forEveryPromptStage(ctx);
    io.srlm.loop.LoopRunner.run(ctx);
  }

  /** Runs the stand-in for every self-reward / external-reward stage of the run's stage list. */
  public static void forEveryPromptStage(RunContext ctx) {
    for (SrlmConfig.Stage s : ctx.config().loop().stages()) {
      if (s.type().equals("self_reward_dpo") || s.type().equals("external_reward_dpo")) {
        StepRunner.runOnce(ctx, s, new SeedPrompts());
      }
    }
  }

  @Override
  public StepResult run(StepContext ctx) {
    int it = ctx.iteration();
    List<SeedIft> held = new ArrayList<>(ctx.rows(Catalogue.SEED_IFT, ctx.runRows()));
    held.removeIf(s -> !s.split().equals("heldout") || s.taskType().equals("task_creation"));
    held.sort(Comparator.comparing((SeedIft s) -> StableIds.id("pick", it, s.seedId())));
    List<PromptRow> rows = new ArrayList<>();
    for (SeedIft s : held.subList(0, Math.min(held.size(), ctx.settings().prompts().targetCount()))) {
      rows.add(new PromptRow(ctx.runId(), it, StableIds.id("prompt", ctx.runId(), it, s.seedId()), s.prompt(),
          "accepted", null, null, s.prompt(), rows.size(), List.of(s.seedId()), "seed", 0L, 0, "none"));
    }
    ctx.replacePartition(Catalogue.PROMPTS, rows);
    return ctx.done(rows.size() + " held-out seed prompts accepted (test stand-in for generate_prompts)");
  }
}

package io.srlm.loop;

import io.srlm.config.SrlmConfig;
import io.srlm.pipeline.RunContext;
import io.srlm.pipeline.Step;
import io.srlm.pipeline.StepRunner;
import io.srlm.spark.ExecutorModels;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code srlm loop}: runs every stage of the recipe in order (seed, SFT M0 -> M1, then per iteration generate
 * prompts, sample responses, judge, build pairs, DPO M_t -> M_t+1, and evaluations), skipping steps that already
 * succeeded in this run, so re-running after a crash resumes where it stopped.
 */
public final class LoopRunner {
  private static final Logger LOG = LoggerFactory.getLogger(LoopRunner.class);

  private LoopRunner() {}

  /** Test-only (debug.stop_after_step): the loop stops as if the driver died right after a step. */
  public static final class Stopped extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Stopped(String step) {
      super("loop stopped after " + step + " (debug.stop_after_step)");
    }
  }

  public static RunSummary run(RunContext ctx) {
    SrlmConfig cfg = ctx.config();
    List<SrlmConfig.Stage> stages = cfg.loop().stages();
    LOG.info("[{}] loop with {} stages: {}", ctx.runId(), stages.size(), stages.stream()
        .map(SrlmConfig.Stage::type).toList());
    Preflight.check(ctx, stages);
    for (SrlmConfig.Stage stage : stages) {
      for (Step step : Recipe.steps(stage, cfg.loop().evaluate())) {
        StepRunner.runOnce(ctx, stage, step);
        if (StepRunner.stepId(stage, step.name()).equals(cfg.debug().stopAfterStep())) {
          throw new Stopped(cfg.debug().stopAfterStep());
        }
      }
      // Models change every stage: free the cached (now stale) ones in this JVM.
      ExecutorModels.evictAll();
    }
    if (cfg.loop().report()) {
      String where = io.srlm.report.RunReport.write(ctx);
      LOG.info("[{}] report: {}", ctx.runId(), where);
    }
    return RunSummary.of(ctx);
  }
}

package io.srlm.pipeline;

import io.srlm.config.SrlmConfig;
import io.srlm.tables.RunStep;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs steps with bookkeeping: skips a step that already succeeded in this run (resume), records the execution in
 * the runs table, labels the Spark job group (visible in the Spark UI), and records failures before rethrowing.
 */
public final class StepRunner {
  private static final Logger LOG = LoggerFactory.getLogger(StepRunner.class);

  private StepRunner() {}

  public static String stepId(SrlmConfig.Stage stage, String step) {
    return stage.id() + "." + step;
  }

  /** Runs unless already succeeded; returns the succeeded row. */
  public static RunStep runOnce(RunContext ctx, SrlmConfig.Stage stage, Step step) {
    String id = stepId(stage, step.name());
    Optional<RunStep> done = ctx.ledger().succeeded(id);
    if (done.isPresent()) {
      LOG.info("[{}] {} already succeeded; skipping", ctx.runId(), id);
      return done.get();
    }
    return run(ctx, stage, step);
  }

  /** Runs the step now (a re-run replaces its rows). */
  public static RunStep run(RunContext ctx, SrlmConfig.Stage stage, Step step) {
    String id = stepId(stage, step.name());
    RunStep started = ctx.ledger().start(id, stage.iteration(), stage.type(), step.name());
    var sc = ctx.spark().sparkContext();
    sc.setJobGroup("SRLM-" + step.name().toUpperCase(Locale.ROOT).replace('_', '-'),
        ctx.runId() + " " + id + " (iteration " + stage.iteration() + ")", false);
    long t0 = System.nanoTime();
    LOG.info("[{}] {} starting", ctx.runId(), id);
    try {
      StepResult r = step.run(new StepContext(ctx, stage, step.name()));
      RunStep row = ctx.ledger().succeed(started, r);
      LOG.info("[{}] {} succeeded in {} s: {}", ctx.runId(), id, String.format("%.1f", (System.nanoTime() - t0)
          / 1e9), r.summary());
      return row;
    } catch (RuntimeException | Error e) {
      try {
        ctx.ledger().fail(started, e);
      } catch (RuntimeException inner) {
        e.addSuppressed(inner);
      }
      throw e;
    } finally {
      sc.clearJobGroup();
    }
  }
}

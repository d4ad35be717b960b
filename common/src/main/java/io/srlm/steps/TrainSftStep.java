package io.srlm.steps;

import io.srlm.config.SrlmConfig;
import io.srlm.pipeline.Step;
import io.srlm.pipeline.StepContext;
import io.srlm.pipeline.StepResult;
import io.srlm.tables.ModelRow;
import io.srlm.train.TrainResult;
import io.srlm.util.StableIds;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Supervised fine-tuning on the run's seed IFT + EFT rows (M0 -> M1), on the driver ({@link SftTraining}). Train
 * rows train; held-out rows give the validation loss. Resumes from its last checkpoint after a crash.
 */
public final class TrainSftStep implements Step {

  @Override
  public StepResult run(StepContext ctx) {
    SrlmConfig c = ctx.settings();
    StepResult.Builder r = ctx.result();
    ModelRow base = Models.require(ctx, Models.name(0));
    SftTraining.Done d = SftTraining.train(ctx, base.path(), c.sft(), ctx.stageId(), "sft",
        StableIds.seed(ctx.seed(), ctx.stageId()), Models.name(1));
    TrainResult res = d.result();
    Map<String, Double> summary = new LinkedHashMap<>();
    res.lastTrain().forEach((k, v) -> summary.put("train_" + k, v));
    res.lastVal().forEach((k, v) -> summary.put("val_" + k, v));
    summary.put("tokens_per_second", res.tokensPerSecond());
    Models.record(ctx, new ModelRow(ctx.runId(), 0,
        StableIds.id("model", ctx.runId(), Models.name(1)), Models.name(1), "sft", d.location(),
        d.lora() ? d.location() + "/adapter" : null, base.baseModel(), base.name(), null, Map.copyOf(r.inputs()),
        ctx.configHash(), System.currentTimeMillis(), summary));
    r.count("train_rows", d.trainRows()).count("val_rows", d.valRows())
        .count("skipped_rows", d.skipped()).count("truncated_rows", d.truncated())
        .count("steps", res.steps()).count("resumed_from_step", res.resumedFrom());
    return ctx.done(String.format("M1 trained on %d rows in %d steps: train loss %.3f, val loss %.3f, %,.0f tok/s",
        d.trainRows(), res.steps(), res.lastTrain().getOrDefault("loss", Double.NaN),
        res.lastVal().getOrDefault("loss", Double.NaN), res.tokensPerSecond()));
  }
}

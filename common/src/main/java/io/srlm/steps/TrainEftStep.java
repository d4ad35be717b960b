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
 * Continues training M1 for eft.epochs on the seed IFT rows and every EFT row of the run (the seed's, the
 * model-written ones of build_eft and the fallback ones), with sft.* settings otherwise ({@link SftTraining}), and
 * republishes it as M1 (its model row, stage "sft+eft", points at the new directory M1-eft and names train_sft's
 * M1 as parent; it counts the model-written EFT rows). Checkpoints apart from train_sft's.
 */
public final class TrainEftStep implements Step {
  @Override
  public StepResult run(StepContext ctx) {
    ModelRow m1 = Models.require(ctx, Models.name(1));
    SrlmConfig c = ctx.settings();
    StepResult.Builder r = ctx.result();
    // sft.* with eft.epochs epochs (and no max_steps).
    SrlmConfig.Train s = c.sft();
    SrlmConfig.Train conf = new SrlmConfig.Train(s.finetune(), EftSettings.of(c).epochs(), 0, s.batchSize(), s.gradAccum(),
        s.learningRate(), s.minLearningRateRatio(), s.weightDecay(), s.warmupSteps(), s.schedule(), s.maxGradNorm(),
        s.maxSeqLen(), s.onOverlong(), s.evalEvery(), s.checkpointEvery(), s.logEvery());
    // Its own storage name: executors cache models by location, and train_sft's M1 stays as the parent.
    SftTraining.Done d = SftTraining.train(ctx, m1.path(), conf, ctx.stepId(), "sft_eft",
        StableIds.seed(ctx.seed(), ctx.stageId(), ctx.step()), Models.name(1) + "-eft");
    TrainResult res = d.result();
    Map<String, Double> summary = new LinkedHashMap<>(m1.summary() == null ? Map.of() : m1.summary());
    res.lastTrain().forEach((k, v) -> summary.put("eft_train_" + k, v));
    res.lastVal().forEach((k, v) -> summary.put("eft_val_" + k, v));
    summary.put("eft_model_rows", (double) d.modelEftRows());
    Models.record(ctx, new ModelRow(ctx.runId(), 0, m1.modelId(), Models.name(1), "sft+eft", d.location(),
        d.lora() ? d.location() + "/adapter" : null, m1.baseModel(), Models.name(1) + " (train_sft)", null,
        Map.copyOf(r.inputs()), ctx.configHash(), System.currentTimeMillis(), summary));
    r.count("train_rows", d.trainRows()).count("val_rows", d.valRows()).count("model_eft_rows", d.modelEftRows())
        .count("steps", res.steps()).count("resumed_from_step", res.resumedFrom());
    return ctx.done(String.format("M1 trained further for %d steps on %d rows (%d model-written EFT): train loss "
        + "%.3f, val loss %.3f", res.steps(), d.trainRows(), d.modelEftRows(),
        res.lastTrain().getOrDefault("loss", Double.NaN), res.lastVal().getOrDefault("loss", Double.NaN)));
  }
}

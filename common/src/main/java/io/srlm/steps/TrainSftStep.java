package io.srlm.steps;

import io.srlm.config.SrlmConfig;
import io.srlm.errors.Errors;
import io.srlm.pipeline.Step;
import io.srlm.pipeline.StepContext;
import io.srlm.pipeline.StepResult;
import io.srlm.tables.Catalogue;
import io.srlm.tables.ModelRow;
import io.srlm.tables.SeedEft;
import io.srlm.tables.SeedIft;
import io.srlm.tables.TableStore;
import io.srlm.train.SftExample;
import io.srlm.train.SftObjective;
import io.srlm.train.TrainResult;
import io.srlm.train.TrainSpec;
import io.srlm.train.Trainer;
import io.srlm.util.StableIds;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Supervised fine-tuning on the run's seed IFT + EFT rows (M0 -> M1), on the driver. Train rows train; held-out
 * rows give the validation loss. Resumes from its last checkpoint after a crash.
 */
public final class TrainSftStep implements Step {
  private static final int MAX_VAL_ROWS = 512;

  @Override
  public StepResult run(StepContext ctx) {
    SrlmConfig c = ctx.settings();
    StepResult.Builder r = ctx.result();
    // Sorted by id: the training order must not depend on how Spark partitioned the collected rows.
    List<SeedIft> ift = new ArrayList<>(ctx.rows(Catalogue.SEED_IFT, ctx.runRows(), "run the seed step first"));
    ift.sort(Comparator.comparing(SeedIft::seedId));
    List<SeedEft> eft = new ArrayList<>(ctx.rows(Catalogue.SEED_EFT, ctx.runRows()));
    eft.sort(Comparator.comparing(SeedEft::eftId));
    ModelRow base = Models.require(ctx, Models.name(0));
    TrainingData.RejectedCollector rejected = new TrainingData.RejectedCollector(ctx.runId(), 0, ctx.step(),
        "seed_ift+seed_eft");
    try (Finetune ft = Finetune.open(ctx, base.path(), c.sft(), c.lora(), ctx.stageId())) {
      ft.attachAdapters();
      int limit = TrainingData.limit(ft.model(), c.sft().maxSeqLen());
      List<SftExample> train = new ArrayList<>();
      List<SftExample> val = new ArrayList<>();
      for (SeedIft s : ift) {
        SftExample e = TrainingData.sft(ft.model(), s.seedId(), s.prompt(), s.completion(), limit,
            c.sft().onOverlong(), rejected);
        add(e, s.split(), train, val);
      }
      for (SeedEft s : eft) {
        SftExample e = TrainingData.sft(ft.model(), s.eftId(), s.prompt(), s.completion(), limit,
            c.sft().onOverlong(), rejected);
        add(e, s.split(), train, val);
      }
      if (train.isEmpty()) {
        throw Errors.training("No seed row fits the training limit of " + limit + " tokens",
            "raise sft.max_seq_len or use sft.on_overlong=truncate", "table", "seed_ift");
      }
      List<SftExample> valCapped = val.size() > MAX_VAL_ROWS ? val.subList(0, MAX_VAL_ROWS) : val;
      MetricsBuffer metrics = new MetricsBuffer(ctx, 0, "sft");
      TrainSpec spec = new TrainSpec("sft", c.sft(), StableIds.seed(ctx.seed(), ctx.stageId()),
          ctx.run().checkpointDir(ctx.stageId()), 0, "loss", false, c.debug().haltAfterSteps());
      TrainResult res = new Trainer<>(ft.model().model().manager(), ft.params(),
          new SftObjective(ft.model().model(), ft.model().padId()), spec, metrics).train(train, valCapped);
      metrics.flush();
      ctx.replaceRejected(0, rejected.rows());
      String location = ft.publish(ctx.run(), Models.name(1));
      Map<String, Double> summary = new LinkedHashMap<>();
      res.lastTrain().forEach((k, v) -> summary.put("train_" + k, v));
      res.lastVal().forEach((k, v) -> summary.put("val_" + k, v));
      summary.put("tokens_per_second", res.tokensPerSecond());
      Models.record(ctx, new ModelRow(ctx.runId(), 0,
          StableIds.id("model", ctx.runId(), Models.name(1)), Models.name(1), "sft", location,
          ft.lora() ? location + "/adapter" : null, base.baseModel(), base.name(), null, Map.copyOf(r.inputs()),
          ctx.configHash(), System.currentTimeMillis(), summary));
      r.count("train_rows", train.size()).count("val_rows", valCapped.size())
          .count("skipped_rows", rejected.count("too_long")).count("truncated_rows", rejected.count("truncated"))
          .count("steps", res.steps()).count("resumed_from_step", res.resumedFrom());
      return ctx.done(String.format("M1 trained on %d rows in %d steps: train loss %.3f, val loss %.3f, %,.0f tok/s",
          train.size(), res.steps(), res.lastTrain().getOrDefault("loss", Double.NaN),
          res.lastVal().getOrDefault("loss", Double.NaN), res.tokensPerSecond()));
    }
  }

  private static void add(SftExample e, String split, List<SftExample> train, List<SftExample> val) {
    if (e != null) {
      (split.equals("heldout") ? val : train).add(e);
    }
  }
}

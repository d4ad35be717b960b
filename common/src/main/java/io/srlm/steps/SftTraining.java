package io.srlm.steps;

import io.srlm.config.SrlmConfig;
import io.srlm.errors.Errors;
import io.srlm.pipeline.StepContext;
import io.srlm.tables.Catalogue;
import io.srlm.tables.SeedEft;
import io.srlm.tables.SeedIft;
import io.srlm.train.SftExample;
import io.srlm.train.SftObjective;
import io.srlm.train.TrainResult;
import io.srlm.train.TrainSpec;
import io.srlm.train.Trainer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The supervised fine-tuning block train_sft and train_eft share: the run's seed IFT + EFT rows sorted by id (the
 * training order must not depend on how Spark partitioned the collected rows), train rows train and held-out rows
 * (at most 512) give the validation loss, the curves go to training_metrics, skipped rows to rejected_rows, and
 * the trained model is published under {@code publishAs}. Resumes from its checkpoint after a crash.
 */
final class SftTraining {
  private static final int MAX_VAL_ROWS = 512;

  private SftTraining() {}

  /** What one training did. */
  record Done(TrainResult result, int trainRows, int valRows, long modelEftRows, long skipped, long truncated,
      String location, boolean lora) {}

  /**
   * Trains {@code basePath} with {@code conf}; {@code key} names its checkpoints and metrics stage, {@code seed}
   * its shuffling.
   */
  static Done train(StepContext ctx, String basePath, SrlmConfig.Train conf, String key, String metricsStage,
      long seed, String publishAs) {
    SrlmConfig c = ctx.settings();
    List<SeedIft> ift = new ArrayList<>(ctx.rows(Catalogue.SEED_IFT, ctx.runRows(), "run the seed step first"));
    ift.sort(Comparator.comparing(SeedIft::seedId));
    List<SeedEft> eft = new ArrayList<>(ctx.rows(Catalogue.SEED_EFT, ctx.runRows()));
    eft.sort(Comparator.comparing(SeedEft::eftId));
    TrainingData.RejectedCollector rejected = new TrainingData.RejectedCollector(ctx.runId(), 0, ctx.step(),
        "seed_ift+seed_eft");
    try (Finetune ft = Finetune.open(ctx, basePath, conf, c.lora(), key)) {
      ft.attachAdapters();
      int limit = TrainingData.limit(ft.model(), conf.maxSeqLen());
      List<SftExample> train = new ArrayList<>();
      List<SftExample> val = new ArrayList<>();
      long modelRows = 0;
      for (SeedIft s : ift) {
        add(TrainingData.sft(ft.model(), s.seedId(), s.prompt(), s.completion(), limit, conf.onOverlong(),
            rejected), s.split(), train, val);
      }
      for (SeedEft s : eft) {
        modelRows += s.source().equals(io.srlm.seed.ModelEft.SOURCE_AGREED) ? 1 : 0;
        add(TrainingData.sft(ft.model(), s.eftId(), s.prompt(), s.completion(), limit, conf.onOverlong(),
            rejected), s.split(), train, val);
      }
      if (train.isEmpty()) {
        throw Errors.training("No seed row fits the training limit of " + limit + " tokens",
            "raise sft.max_seq_len or use sft.on_overlong=truncate", "table", "seed_ift");
      }
      List<SftExample> valCapped = val.size() > MAX_VAL_ROWS ? val.subList(0, MAX_VAL_ROWS) : val;
      MetricsBuffer metrics = new MetricsBuffer(ctx, 0, metricsStage);
      TrainSpec spec = new TrainSpec(metricsStage, conf, seed, ctx.run().models().checkpointDir(key), 0, "loss", false,
          c.debug().haltAfterSteps());
      TrainResult res = new Trainer<>(ft.model().model().manager(), ft.params(),
          new SftObjective(ft.model().model(), ft.model().padId()), spec, metrics).train(train, valCapped);
      metrics.flush();
      ctx.replaceRejected(0, rejected.rows());
      String location = ft.publish(ctx.run(), publishAs);
      return new Done(res, train.size(), valCapped.size(), modelRows, rejected.count("too_long"),
          rejected.count("truncated"), location, ft.lora());
    }
  }

  private static void add(SftExample e, String split, List<SftExample> train, List<SftExample> val) {
    if (e != null) {
      (split.equals("heldout") ? val : train).add(e);
    }
  }
}

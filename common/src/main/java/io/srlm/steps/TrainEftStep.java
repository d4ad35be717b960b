package io.srlm.steps;

import io.srlm.config.SrlmConfig;
import io.srlm.pipeline.RunContext;
import io.srlm.pipeline.Step;
import io.srlm.pipeline.StepResult;
import io.srlm.pipeline.StepRunner;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Continues training M1 for eft.epochs on the seed IFT rows and every EFT row of the run (the seed's, the
 * model-written ones of build_eft and the fallback ones), with sft.* settings otherwise, and republishes it as M1
 * (its model row, stage "sft+eft", points at the new directory M1-eft and names train_sft's M1 as parent; it
 * counts the model-written EFT rows). Checkpoints apart from train_sft's.
 */
public final class TrainEftStep implements Step {
  public static final String NAME = "train_eft";
  private static final int MAX_VAL_ROWS = 512;

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public StepResult run(RunContext ctx, SrlmConfig.Stage stage) {
    SrlmConfig c = stage.settings();
    EftSettings e = EftSettings.of(c);
    StepResult.Builder r = new StepResult.Builder(StepRunner.stepId(stage, name()));
    TableStore t = ctx.tables();
    long vi = t.version(Catalogue.SEED_IFT);
    long ve = t.version(Catalogue.SEED_EFT);
    r.read(Catalogue.SEED_IFT.name(), vi).read(Catalogue.SEED_EFT.name(), ve);
    List<SeedIft> ift = t.collect(Catalogue.SEED_IFT, t.readVersion(Catalogue.SEED_IFT, vi)
        .where(TableStore.runIs(ctx.runId())));
    List<SeedEft> eft = t.collect(Catalogue.SEED_EFT, t.readVersion(Catalogue.SEED_EFT, ve)
        .where(TableStore.runIs(ctx.runId())));
    ModelRow m1 = Models.require(ctx, Models.name(1));
    SrlmConfig.Train s = c.sft();
    SrlmConfig.Train conf = new SrlmConfig.Train(s.finetune(), e.epochs(), 0, s.batchSize(), s.gradAccum(),
        s.learningRate(), s.minLearningRateRatio(), s.weightDecay(), s.warmupSteps(), s.schedule(), s.maxGradNorm(),
        s.maxSeqLen(), s.onOverlong(), s.evalEvery(), s.checkpointEvery(), s.logEvery());
    TrainingData.RejectedCollector rejected = new TrainingData.RejectedCollector(ctx.runId(), 0, name(),
        "seed_ift+seed_eft");
    try (Finetune ft = Finetune.open(ctx, m1.path(), conf, c.lora(), stage.id() + "." + NAME)) {
      ft.attachAdapters();
      int limit = TrainingData.limit(ft.model(), conf.maxSeqLen());
      List<SftExample> train = new ArrayList<>();
      List<SftExample> val = new ArrayList<>();
      long modelRows = 0;
      for (SeedIft x : ift) {
        add(TrainingData.sft(ft.model(), x.seedId(), x.prompt(), x.completion(), limit, conf.onOverlong(),
            rejected), x.split(), train, val);
      }
      for (SeedEft x : eft) {
        modelRows += x.source().equals(io.srlm.seed.ModelEft.SOURCE_AGREED) ? 1 : 0;
        add(TrainingData.sft(ft.model(), x.eftId(), x.prompt(), x.completion(), limit, conf.onOverlong(),
            rejected), x.split(), train, val);
      }
      List<SftExample> valCapped = val.size() > MAX_VAL_ROWS ? val.subList(0, MAX_VAL_ROWS) : val;
      MetricsBuffer metrics = new MetricsBuffer(ctx, 0, "sft_eft");
      TrainSpec spec = new TrainSpec("sft_eft", conf, StableIds.seed(ctx.seed(), stage.id(), NAME),
          ctx.checkpointDir(stage.id() + "." + NAME), 0, "loss", false, c.debug().haltAfterSteps());
      TrainResult res = new Trainer<>(ft.model().model().manager(), ft.params(),
          new SftObjective(ft.model().model(), ft.model().padId()), spec, metrics).train(train, valCapped);
      r.wrote(Catalogue.TRAINING_METRICS.name(), metrics.flush());
      r.wrote(Catalogue.REJECTED_ROWS.name(), t.replace(Catalogue.REJECTED_ROWS, rejected.rows(),
          TableStore.partition(ctx.runId(), 0) + " AND step = '" + name() + "'"));
      // Its own storage name: executors cache models by location, and train_sft's M1 stays as the parent.
      String location = ft.publish(ctx, Models.name(1) + "-eft");
      Map<String, Double> summary = new LinkedHashMap<>(m1.summary() == null ? Map.of() : m1.summary());
      res.lastTrain().forEach((k, v) -> summary.put("eft_train_" + k, v));
      res.lastVal().forEach((k, v) -> summary.put("eft_val_" + k, v));
      summary.put("eft_model_rows", (double) modelRows);
      r.wrote(Catalogue.MODELS.name(), Models.record(ctx, new ModelRow(ctx.runId(), 0, m1.modelId(),
          Models.name(1), "sft+eft", location, ft.lora() ? location + "/adapter" : null, m1.baseModel(),
          Models.name(1) + " (train_sft)", null, Map.copyOf(r.inputs()), ctx.config().resolved().hash(),
          System.currentTimeMillis(), summary)));
      r.count("train_rows", train.size()).count("val_rows", valCapped.size()).count("model_eft_rows", modelRows)
          .count("steps", res.steps()).count("resumed_from_step", res.resumedFrom());
      return r.build(String.format("M1 trained further for %d steps on %d rows (%d model-written EFT): train loss %.3f, "
          + "val loss %.3f", res.steps(), train.size(), modelRows, res.lastTrain().getOrDefault("loss", Double.NaN),
          res.lastVal().getOrDefault("loss", Double.NaN)));
    }
  }

  private static void add(SftExample x, String split, List<SftExample> train, List<SftExample> val) {
    if (x != null) {
      (split.equals("heldout") ? val : train).add(x);
    }
  }
}

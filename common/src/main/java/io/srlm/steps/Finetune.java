package io.srlm.steps;

import ai.djl.ndarray.NDArray;
import io.srlm.config.SrlmConfig;
import io.srlm.model.Adapters;
import io.srlm.model.EngineOptions;
import io.srlm.model.LanguageModel;
import io.srlm.model.ModelWriter;
import io.srlm.pipeline.RunContext;
import io.srlm.pipeline.StepContext;
import io.srlm.train.Lora;
import io.srlm.train.TrainingPrecision;
import io.srlm.util.FileTrees;
import io.srlm.util.StableIds;
import java.nio.file.Path;
import java.util.Map;

/**
 * A model being fine-tuned on the driver: the loaded base (f32 weights for full fine-tuning and LoRA alike, on
 * the engine's device: {@link TrainingPrecision}), its trainable tensors, and publishing the result as a full HF
 * directory (LoRA merged, the PEFT adapter kept beside it in {@code adapter/}).
 */
final class Finetune implements AutoCloseable {
  private final String baseLocation;
  private final LanguageModel lm;
  private final Adapters adapters;
  private final Map<String, NDArray> params;

  private Finetune(String baseLocation, LanguageModel lm, Adapters adapters, Map<String, NDArray> params) {
    this.baseLocation = baseLocation;
    this.lm = lm;
    this.adapters = adapters;
    this.params = params;
  }

  static Finetune open(StepContext ctx, String baseLocation, SrlmConfig.Train train, SrlmConfig.Lora lora,
      String stageId) {
    EngineOptions opts = EngineOptions.of(ctx.settings().engine());
    boolean full = train.finetune().equals("full");
    LanguageModel lm = LanguageModel.load(ctx.run().models().localModel(baseLocation),
        TrainingPrecision.loadOptions(opts));
    if (full) {
      return new Finetune(baseLocation, lm, null, lm.model().weights());
    }
    Adapters ad = Lora.create(lm.model().arch(), lora.r(), lora.alpha(), lora.dropout(), lora.targetModules(),
        StableIds.seed(ctx.seed(), stageId, "lora-init"), lm.model().manager());
    return new Finetune(baseLocation, lm, ad, Lora.parameters(ad));
  }

  LanguageModel model() {
    return lm;
  }

  /** Installs the adapters for training (after reference log-probs were computed on the plain base). */
  void attachAdapters() {
    if (adapters != null) {
      lm.model().setAdapters(adapters);
    }
  }

  Map<String, NDArray> params() {
    return params;
  }

  boolean lora() {
    return adapters != null;
  }

  /** Writes the trained model (adapter + merged weights) and publishes it as {@code name}; returns the location. */
  String publish(RunContext ctx, String name) {
    Path staging = ctx.models().stagingDir(name);
    FileTrees.delete(staging);
    if (adapters != null) {
      Lora.save(adapters, staging.resolve("adapter"), baseLocation);
      lm.model().setAdapters(null);
      Lora.mergeInto(lm.model(), adapters);
    }
    ModelWriter.write(lm.model(), lm.config(), lm.dir(), staging, ModelWriter.storedDtype(lm.config()));
    return ctx.models().publish(staging, name);
  }

  @Override
  public void close() {
    lm.close();
  }
}

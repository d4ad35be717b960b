package io.srlm.steps;

import io.srlm.config.SrlmConfig;
import io.srlm.errors.Errors;
import io.srlm.model.TinyModel;
import io.srlm.model.io.HfModelConfig;
import io.srlm.pipeline.Step;
import io.srlm.pipeline.StepContext;
import io.srlm.pipeline.StepResult;
import io.srlm.seed.SeedData;
import io.srlm.tables.Catalogue;
import io.srlm.tables.ModelRow;
import io.srlm.tables.SeedEft;
import io.srlm.tables.SeedIft;
import io.srlm.tables.TableStore;
import io.srlm.util.StableIds;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Establishes M0. For model.base = builtin:tiny it creates the tiny model (tokenizer trained on this run's seed
 * corpus) under the run's model root; otherwise it checks that the configured HF directory is usable and records
 * it as M0 without copying.
 */
public final class BaseModelStep implements Step {

  @Override
  public StepResult run(StepContext ctx) {
    SrlmConfig c = ctx.settings();
    StepResult.Builder r = ctx.result();
    String location;
    String base;
    if (c.model().isBuiltinTiny()) {
      List<String> corpus = corpus(ctx.rows(Catalogue.SEED_IFT, ctx.runRows()),
          ctx.rows(Catalogue.SEED_EFT, ctx.runRows()));
      if (corpus.isEmpty()) {
        throw Errors.tableEmpty("seed_ift", TableStore.runOnly(ctx.runId()),
            "run the seed step first: the tiny model's tokenizer is trained on the seed corpus");
      }
      Path staging = ctx.run().models().stagingDir(Models.name(0));
      io.srlm.util.FileTrees.delete(staging);
      TinyModel.create(c.model().tiny(), corpus, staging);
      location = ctx.run().models().publish(staging, Models.name(0));
      base = SrlmConfig.Model.BUILTIN_TINY;
      r.count("corpus_texts", corpus.size());
    } else {
      location = c.model().base();
      if (location.isBlank()) {
        throw Errors.configBadValue("model.base", "(config)", "must name a HuggingFace model directory (local, "
            + "s3a://, dbfs:/) or builtin:tiny", "''");
      }
      HfModelConfig.read(ctx.run().models().localModel(location));
      base = location;
    }
    Models.record(ctx, new ModelRow(ctx.runId(), 0,
        StableIds.id("model", ctx.runId(), Models.name(0)), Models.name(0), "base", location, null, base, null, null,
        Map.copyOf(r.inputs()), ctx.configHash(), System.currentTimeMillis(), Map.of()));
    boolean hasSft = ctx.stages().stream().anyMatch(s -> s.type().equals("sft"));
    if (!hasSft) {
      // No SFT stage: the base is already instruction-tuned, so it is M1, the first model the loop improves.
      Models.record(ctx, new ModelRow(ctx.runId(), 0,
          StableIds.id("model", ctx.runId(), Models.name(1)), Models.name(1), "base", location, null, base,
          Models.name(0), null, Map.copyOf(r.inputs()), ctx.configHash(), System.currentTimeMillis(), Map.of()));
      return ctx.done("M0 = M1 = " + location + " (no sft stage)");
    }
    return ctx.done("M0 = " + location);
  }

  /**
   * The tiny model's tokenizer corpus: every seed prompt and completion, IFT then EFT, each in id order. The
   * tokenizer trainer depends on the corpus order, and a Delta read's order follows its files (which Spark settings
   * such as snapshot partitions or codegen change), so the same seed must give the same model whatever the order.
   */
  static List<String> corpus(List<SeedIft> ift, List<SeedEft> eft) {
    return new SeedData(ift.stream().sorted(Comparator.comparing(SeedIft::seedId)).toList(),
        eft.stream().sorted(Comparator.comparing(SeedEft::eftId)).toList(), List.of(), Map.of()).corpus();
  }
}

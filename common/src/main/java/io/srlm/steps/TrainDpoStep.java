package io.srlm.steps;

import io.srlm.config.SrlmConfig;
import io.srlm.errors.Errors;
import io.srlm.model.LanguageModel;
import io.srlm.model.Scorer;
import io.srlm.pipeline.Step;
import io.srlm.pipeline.StepContext;
import io.srlm.pipeline.StepResult;
import io.srlm.tables.Catalogue;
import io.srlm.tables.ModelRow;
import io.srlm.tables.PairRow;
import io.srlm.tables.ReferenceLogprob;
import io.srlm.tables.TableStore;
import io.srlm.train.DpoObjective;
import io.srlm.train.PairExample;
import io.srlm.train.TrainResult;
import io.srlm.train.TrainSpec;
import io.srlm.train.Trainer;
import io.srlm.util.StableIds;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * DPO on the driver (M_t -> M_t+1) from this iteration's preference pairs (self-reward, SPIN or external-reward
 * pairs alike). The frozen reference's log-probs are computed once, before training, and stored in
 * reference_logprobs; the policy then trains alone. The reference is M_t (dpo.reference = previous, as in the
 * paper) or M1 (sft). SPIN stages use beta = dpo.spin_lambda.
 */
public final class TrainDpoStep implements Step {

  @Override
  public StepResult run(StepContext ctx) {
    SrlmConfig c = ctx.settings();
    int it = ctx.iteration();
    StepResult.Builder r = ctx.result();
    List<PairRow> pairs = new ArrayList<>(ctx.rows(Catalogue.PREFERENCE_PAIRS, ctx.partition(),
        "no preference pairs were built for this iteration; check judgements.parse_status and the pairs step's "
            + "counts in the runs table (ties and unparsed judgements are dropped)"));
    pairs.sort((a, b) -> a.pairId().compareTo(b.pairId()));
    ModelRow policyBase = Models.require(ctx, Models.name(it));
    ModelRow reference = c.dpo().reference().equals("sft") ? Models.require(ctx, Models.name(1)) : policyBase;
    boolean spin = ctx.stageType().equals("spin");
    double beta = spin ? c.dpo().spinLambda() : c.dpo().beta();
    TrainingData.RejectedCollector rejected = new TrainingData.RejectedCollector(ctx.runId(), it, ctx.step(),
        "preference_pairs");
    try (Finetune ft = Finetune.open(ctx, policyBase.path(), c.dpo().train(), c.lora(), ctx.stageId())) {
      int limit = TrainingData.limit(ft.model(), c.dpo().train().maxSeqLen());
      List<PairExample> tokenized = new ArrayList<>();
      for (PairRow p : pairs) {
        PairExample e = TrainingData.pair(ft.model(), p.pairId(), p.prompt(), p.chosen(), p.rejected(), limit,
            c.dpo().train().onOverlong(), rejected);
        if (e != null) {
          tokenized.add(e);
        }
      }
      if (tokenized.isEmpty()) {
        throw Errors.training("Every preference pair was skipped (empty text or too long)",
            "see rejected_rows for this step; raise dpo.max_seq_len or use dpo.on_overlong=truncate", "table",
            "preference_pairs", "iteration", it);
      }
      List<PairExample> withRef = referenceLogprobs(ctx, c, ft, reference,
          reference.name().equals(policyBase.name()), tokenized);
      List<ReferenceLogprob> refRows = new ArrayList<>();
      for (PairExample e : withRef) {
        refRows.add(new ReferenceLogprob(ctx.runId(), it, ctx.stageType(), e.id(), reference.name(), e.refChosen(),
            e.refRejected(), e.chosen().length, e.rejected().length, rejected.rows().stream()
            .anyMatch(x -> x.rowRef().equals(e.id()))));
      }
      ctx.replacePartition(Catalogue.REFERENCE_LOGPROBS, refRows);
      List<PairExample> train = new ArrayList<>();
      List<PairExample> val = new ArrayList<>();
      for (PairExample e : withRef) {
        double u = (StableIds.seed(ctx.seed(), "dpo-val", e.id()) >>> 11) / (double) (1L << 53);
        (u < c.dpo().valFraction() && withRef.size() >= 10 ? val : train).add(e);
      }
      ft.attachAdapters();
      MetricsBuffer metrics = new MetricsBuffer(ctx, it, "dpo");
      String esMetric = c.dpo().earlyStoppingMetric().equals("val_loss") ? "loss" : "reward_accuracy";
      TrainSpec spec = new TrainSpec("dpo", c.dpo().train(), StableIds.seed(ctx.seed(), ctx.stageId()),
          ctx.run().models().checkpointDir(ctx.stageId()), val.isEmpty() ? 0 : c.dpo().earlyStoppingPatience(),
          esMetric, !esMetric.equals("loss"), c.debug().haltAfterSteps());
      TrainResult res = new Trainer<>(ft.model().model().manager(), ft.params(),
          new DpoObjective(ft.model().model(), ft.model().padId(), c.dpo().loss(), beta), spec, metrics)
          .train(train, val);
      metrics.flush();
      ctx.replaceRejected(rejected.rows());
      String next = Models.name(it + 1);
      String location = ft.publish(ctx.run(), next);
      Map<String, Double> summary = new LinkedHashMap<>();
      res.lastTrain().forEach((k, v) -> summary.put("train_" + k, v));
      res.lastVal().forEach((k, v) -> summary.put("val_" + k, v));
      summary.put("tokens_per_second", res.tokensPerSecond());
      Models.record(ctx, new ModelRow(ctx.runId(), it,
          StableIds.id("model", ctx.runId(), next), next, ctx.stageType(), location,
          ft.lora() ? location + "/adapter" : null, policyBase.baseModel(), policyBase.name(), reference.name(),
          Map.copyOf(r.inputs()), ctx.configHash(), System.currentTimeMillis(), summary));
      r.count("pairs", pairs.size()).count("train_pairs", train.size()).count("val_pairs", val.size())
          .count("skipped_pairs", rejected.count("too_long") + rejected.count("empty_completion"))
          .count("steps", res.steps()).count("resumed_from_step", res.resumedFrom());
      return ctx.done(String.format("%s trained on %d pairs in %d steps: loss %.3f, reward accuracy %.2f, margin %.3f",
          next, train.size(), res.steps(), res.lastTrain().getOrDefault("loss", Double.NaN),
          res.lastTrain().getOrDefault("reward_accuracy", Double.NaN),
          res.lastTrain().getOrDefault("reward_margin", Double.NaN)));
    }
  }

  /** The reference model's summed log-probs of both completions, computed once without gradients. */
  private static List<PairExample> referenceLogprobs(StepContext ctx, SrlmConfig c, Finetune ft, ModelRow reference,
      boolean sameAsPolicy, List<PairExample> pairs) {
    List<int[]> prompts = new ArrayList<>();
    List<int[]> completions = new ArrayList<>();
    for (PairExample e : pairs) {
      prompts.add(e.prompt());
      completions.add(e.chosen());
      prompts.add(e.prompt());
      completions.add(e.rejected());
    }
    List<Scorer.Score> scores;
    int bs = c.dpo().train().batchSize();
    if (sameAsPolicy) {
      scores = ft.model().scorer(bs).score(prompts, completions);
    } else {
      try (LanguageModel ref = LanguageModel.load(ctx.run().models().localModel(reference.path()),
          io.srlm.model.EngineOptions.of(c.engine()))) {
        scores = ref.scorer(bs).score(prompts, completions);
      }
    }
    List<PairExample> out = new ArrayList<>(pairs.size());
    for (int i = 0; i < pairs.size(); i++) {
      PairExample e = pairs.get(i);
      out.add(new PairExample(e.id(), e.prompt(), e.chosen(), e.rejected(), scores.get(2 * i).logprobSum(),
          scores.get(2 * i + 1).logprobSum()));
    }
    return out;
  }
}

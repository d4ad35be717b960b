package io.srlm.steps;

import io.srlm.config.SrlmConfig;
import io.srlm.errors.Errors;
import io.srlm.pipeline.Step;
import io.srlm.pipeline.StepContext;
import io.srlm.pipeline.StepResult;
import io.srlm.spark.Completion;
import io.srlm.spark.CompletionRequest;
import io.srlm.tables.Catalogue;
import io.srlm.tables.RejectedRow;
import io.srlm.tables.ResponseRow;
import io.srlm.tables.SeedIft;
import io.srlm.util.StableIds;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * SPIN's data step (Chen et al. 2024): the current model M_t answers seed IFT prompts once each on the executors
 * (responses.* sampling, chat template applied). The prompts are the seed_ift train rows without the task-creation
 * rows (those teach prompt writing, not answering), at most spin.max_prompts of them, a seeded sample that differs
 * per iteration. Both sides of each future pair go to the responses table of this iteration, with prompt_id = the
 * seed_id: the model's answer (source = self, sample_index 0) and the human completion (source = human,
 * sample_index 1, model = "human", finish_reason = human). Prompts that do not fit the context are recorded in
 * rejected_rows and get no rows.
 */
public final class SpinGenerateStep implements Step {
  public static final String NAME = "spin_generate";
  public static final String SELF = "self";
  public static final String HUMAN = "human";

  @Override
  public StepResult run(StepContext ctx) {
    List<SeedIft> pool = SeedPools.train(ctx);
    if (pool.isEmpty()) {
      throw Errors.tableEmpty(Catalogue.SEED_IFT.name(), SeedPools.TRAIN_FILTER, "SPIN answers the seed "
          + "instruction-following prompts: load a seed set with such rows (srlm seed)");
    }
    SrlmConfig c = ctx.settings();
    int it = ctx.iteration();
    StepResult.Builder r = ctx.result();
    List<SeedIft> chosen = sample(pool, c.spin().maxPrompts(), ctx.seed(), it);
    String model = Models.require(ctx, Models.name(it)).path();
    Map<String, SeedIft> byKey = new TreeMap<>();
    List<CompletionRequest> requests = new ArrayList<>();
    for (SeedIft s : chosen) {
      String key = StableIds.id("spin", ctx.runId(), it, s.seedId(), SELF);
      byKey.put(key, s);
      requests.add(new CompletionRequest(key, s.prompt(), StableIds.seed(ctx.seed(), it, s.seedId(), "spin")));
    }
    List<ResponseRow> rows = new ArrayList<>();
    List<RejectedRow> rejected = new ArrayList<>();
    for (Completion o : Generation.run(ctx, model, requests, Generation.params(c.responses().sampling()), NAME,
        ctx.faults()).values()) {
      SeedIft s = byKey.get(o.key());
      if (!o.ok()) {
        rejected.add(Generation.tooLong(ctx, o, "seed_ift", s.seedId()));
        continue;
      }
      long seed = StableIds.seed(ctx.seed(), it, s.seedId(), "spin");
      rows.add(Generation.response(ctx, o, s.seedId(), 0, seed, s.prompt(), model, SELF));
      rows.add(new ResponseRow(ctx.runId(), it, StableIds.id("spin", ctx.runId(), it, s.seedId(), HUMAN),
          s.seedId(), 1, 0L, s.prompt(), s.completion(), o.promptTokens(), 0, HUMAN, HUMAN, HUMAN));
    }
    rows.sort(Comparator.comparing(ResponseRow::responseId));
    rejected.sort(Comparator.comparing(RejectedRow::rowRef));
    r.count("seed_prompts", pool.size()).count("prompts", chosen.size()).count("responses", rows.size())
        .count("skipped_prompts", rejected.size());
    ctx.replacePartition(Catalogue.RESPONSES, rows);
    ctx.replaceRejected(rejected);
    return ctx.done(String.format("%s answered %d of %d seed prompts (%d too long)", Models.name(it),
        chosen.size() - rejected.size(), pool.size(), rejected.size()));
  }

  /** At most {@code n} rows in a seeded order that depends on the iteration (stable for a resumed run). */
  static List<SeedIft> sample(List<SeedIft> pool, int n, long seed, int iteration) {
    List<SeedIft> sorted = new ArrayList<>(pool);
    sorted.sort(Comparator.comparingLong((SeedIft s) -> StableIds.seed(seed, iteration, "spin-pick", s.seedId()))
        .thenComparing(SeedIft::seedId));
    return List.copyOf(sorted.subList(0, Math.min(n, sorted.size())));
  }
}

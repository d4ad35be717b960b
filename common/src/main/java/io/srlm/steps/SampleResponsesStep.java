package io.srlm.steps;

import io.srlm.config.SrlmConfig;
import io.srlm.pipeline.Step;
import io.srlm.pipeline.StepContext;
import io.srlm.pipeline.StepResult;
import io.srlm.spark.Completion;
import io.srlm.spark.CompletionRequest;
import io.srlm.tables.Catalogue;
import io.srlm.tables.PromptRow;
import io.srlm.tables.RejectedRow;
import io.srlm.tables.ResponseRow;
import io.srlm.util.StableIds;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.functions;

/**
 * Samples N candidate responses per accepted prompt (default 4, T=0.7, top-p 0.9) with M_t on the executors, the
 * chat template applied. Row seed = hash(run seed, iteration, prompt_id, sample_index), so a retried task or a
 * lost executor regenerates the same text on the same device. Prompts that do not fit the context window are
 * recorded in rejected_rows.
 */
public final class SampleResponsesStep implements Step {
  public static final String NAME = "sample_responses";

  @Override
  public StepResult run(StepContext ctx) {
    SrlmConfig c = ctx.settings();
    int it = ctx.iteration();
    StepResult.Builder r = ctx.result();
    List<PromptRow> prompts = ctx.rows(Catalogue.PROMPTS, ctx.partition().and(functions.col("status")
        .equalTo("accepted")), "no prompt was accepted in this iteration; see the prompts table's reject_reason "
        + "counts");
    String model = Models.require(ctx, Models.name(it)).path();
    int n = c.responses().numCandidates();
    List<CompletionRequest> requests = new ArrayList<>();
    Map<String, long[]> meta = new HashMap<>();
    Map<String, PromptRow> promptOf = new HashMap<>();
    for (PromptRow p : prompts) {
      for (int k = 0; k < n; k++) {
        String id = StableIds.id("resp", p.promptId(), k);
        long seed = StableIds.seed(ctx.seed(), it, p.promptId(), k);
        requests.add(new CompletionRequest(id, p.prompt(), seed));
        meta.put(id, new long[] {k, seed});
        promptOf.put(id, p);
      }
    }
    List<ResponseRow> rows = new ArrayList<>();
    List<RejectedRow> rejected = new ArrayList<>();
    for (Completion o : Generation.run(ctx, model, requests, Generation.params(c.responses().sampling()), NAME,
        ctx.faults()).values()) {
      long[] m = meta.get(o.key());
      PromptRow p = promptOf.get(o.key());
      if (o.ok()) {
        rows.add(Generation.response(ctx, o, p.promptId(), (int) m[0], m[1], p.prompt(), model, "self"));
      } else {
        rejected.add(Generation.tooLong(ctx, o, "prompts", p.promptId()));
      }
    }
    rows.sort((a, b) -> a.responseId().compareTo(b.responseId()));
    r.count("prompts", prompts.size()).count("responses", rows.size())
        .count("skipped_prompts", rejected.stream().map(RejectedRow::rowRef).distinct().count());
    for (ResponseRow x : rows) {
      r.add("finish_" + x.finishReason(), 1);
    }
    ctx.replacePartition(Catalogue.RESPONSES, rows);
    ctx.replaceRejected(rejected);
    return ctx.done(String.format("%d responses for %d prompts (%d per prompt)", rows.size(), prompts.size(), n));
  }
}

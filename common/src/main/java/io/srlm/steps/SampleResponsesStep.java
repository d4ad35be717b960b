package io.srlm.steps;

import io.srlm.config.SrlmConfig;
import io.srlm.errors.Errors;
import io.srlm.model.SamplingParams;
import io.srlm.pipeline.RunContext;
import io.srlm.pipeline.Step;
import io.srlm.pipeline.StepResult;
import io.srlm.pipeline.StepRunner;
import io.srlm.spark.CompletionSchema;
import io.srlm.spark.Completions;
import io.srlm.spark.Faults;
import io.srlm.spark.StageProgress;
import io.srlm.tables.Catalogue;
import io.srlm.tables.PromptRow;
import io.srlm.tables.RejectedRow;
import io.srlm.tables.ResponseRow;
import io.srlm.tables.TableStore;
import io.srlm.util.StableIds;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
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
  public String name() {
    return NAME;
  }

  @Override
  public StepResult run(RunContext ctx, SrlmConfig.Stage stage) {
    SrlmConfig c = stage.settings();
    int it = stage.iteration();
    StepResult.Builder r = new StepResult.Builder(StepRunner.stepId(stage, name()));
    TableStore t = ctx.tables();
    long vp = t.version(Catalogue.PROMPTS);
    r.read(Catalogue.PROMPTS.name(), vp);
    List<PromptRow> prompts = vp < 0 ? List.of() : t.collect(Catalogue.PROMPTS, t.readVersion(Catalogue.PROMPTS, vp)
        .where(TableStore.partitionIs(ctx.runId(), it).and(functions.col("status").equalTo("accepted"))));
    if (prompts.isEmpty()) {
      throw Errors.tableEmpty("prompts", TableStore.partition(ctx.runId(), it) + " AND status = 'accepted'",
          "no prompt was accepted in this iteration; see the prompts table's reject_reason counts");
    }
    String model = Models.require(ctx, Models.name(it)).path();
    int n = c.responses().numCandidates();
    Map<String, PromptRow> byId = new HashMap<>();
    List<Row> requests = new ArrayList<>();
    Map<String, long[]> meta = new HashMap<>();
    for (PromptRow p : prompts) {
      byId.put(p.promptId(), p);
      for (int k = 0; k < n; k++) {
        String id = StableIds.id("resp", p.promptId(), k);
        long seed = StableIds.seed(ctx.seed(), it, p.promptId(), k);
        requests.add(RowFactory.create(id, p.prompt(), seed));
        meta.put(id, new long[] {k, seed});
      }
    }
    SrlmConfig.Sampling s = c.responses().sampling();
    SamplingParams params = new SamplingParams(s.temperature(), s.topP(), s.topK(), s.maxNewTokens(), List.of());
    List<ResponseRow> rows = new ArrayList<>();
    List<RejectedRow> rejected = new ArrayList<>();
    Map<String, String> promptOf = new HashMap<>();
    for (PromptRow p : prompts) {
      for (int k = 0; k < n; k++) {
        promptOf.put(StableIds.id("resp", p.promptId(), k), p.promptId());
      }
    }
    try (StageProgress progress = new StageProgress(ctx.spark().sparkContext(), NAME, requests.size())) {
      List<Row> out = Completions.run(ctx.spark().createDataFrame(requests, CompletionSchema.INPUT),
          ctx.modelSpec(model), params, NAME, Faults.of(c.debug()), progress,
          Completions.partitions(ctx.spark(), requests.size(), c.engine().batchSize())).collectAsList();
      for (Row o : out) {
        String id = o.getString(0);
        PromptRow p = byId.get(promptOf.get(id));
        long[] m = meta.get(id);
        if (!o.getString(5).equals("ok")) {
          rejected.add(new RejectedRow(ctx.runId(), it, NAME, "prompts", p.promptId(), "prompt_too_long",
              o.getInt(2) + " prompt tokens do not fit the model's context"));
          continue;
        }
        rows.add(new ResponseRow(ctx.runId(), it, id, p.promptId(), (int) m[0], m[1], p.prompt(), o.getString(1),
            o.getInt(2), o.getInt(3), o.getString(4), model, "self"));
      }
      r.count("generated_tokens", progress.tokensDone());
      progress.loadsPerExecutor().forEach((k, v) -> r.count("model_loads." + k, v));
      r.count("tokens_per_second", Math.round(progress.tokensPerSecond()));
    }
    rows.sort((a, b) -> a.responseId().compareTo(b.responseId()));
    r.count("prompts", prompts.size()).count("responses", rows.size())
        .count("skipped_prompts", rejected.stream().map(RejectedRow::rowRef).distinct().count());
    for (ResponseRow x : rows) {
      r.add("finish_" + x.finishReason(), 1);
    }
    r.wrote(Catalogue.RESPONSES.name(), t.replace(Catalogue.RESPONSES, rows, TableStore.partition(ctx.runId(), it)));
    r.wrote(Catalogue.REJECTED_ROWS.name(), t.replace(Catalogue.REJECTED_ROWS, rejected,
        TableStore.partition(ctx.runId(), it) + " AND step = '" + NAME + "'"));
    return r.build(String.format("%d responses for %d prompts (%d per prompt)", rows.size(), prompts.size(), n));
  }
}

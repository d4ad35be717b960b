package io.srlm.steps;

import io.srlm.config.SrlmConfig;
import io.srlm.model.SamplingParams;
import io.srlm.pipeline.StepContext;
import io.srlm.pipeline.StepResult;
import io.srlm.spark.CompletionSchema;
import io.srlm.spark.Completions;
import io.srlm.spark.Faults;
import io.srlm.spark.StageProgress;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;

/**
 * One distributed generation of a step: {@link CompletionSchema#INPUT} requests (key, user text, seed) completed
 * by one model on the executors, with progress and the step's counters (generated_tokens, model_loads.EXECUTOR,
 * tokens_per_second). Every generating step goes through here, so all of them honour the same debug faults and
 * report the same counters.
 */
final class Generation {
  private Generation() {}

  /** The engine's sampling parameters for a config sampling block. */
  static SamplingParams params(SrlmConfig.Sampling s) {
    return new SamplingParams(s.temperature(), s.topP(), s.topK(), s.maxNewTokens(), List.of());
  }

  /**
   * Completes {@code requests} with {@code model} on the executors. Returns the output rows by request key, in
   * request order (text at 1, prompt tokens at 2, completion tokens at 3, finish reason at 4, status at 5: "ok" or
   * too long for the context). Counters are added to the step's result, so a step that generates twice reports the sums.
   */
  static Map<String, Row> run(StepContext ctx, String model, List<Row> requests, SamplingParams params,
      String label, Faults faults) {
    StepResult.Builder r = ctx.result();
    Map<String, Row> ordered = new LinkedHashMap<>();
    if (requests.isEmpty()) {
      return ordered;
    }
    Map<String, Row> byKey = new HashMap<>();
    try (StageProgress progress = new StageProgress(ctx.spark().sparkContext(), label, requests.size())) {
      for (Row o : Completions.run(ctx.spark().createDataFrame(requests, CompletionSchema.INPUT),
          ctx.modelSpec(model), params, label, faults, progress,
          Completions.partitions(ctx.spark(), requests.size(), ctx.settings().engine().batchSize())).collectAsList()) {
        byKey.put(o.getString(0), o);
      }
      r.add("generated_tokens", progress.tokensDone());
      progress.loadsPerExecutor().forEach((x, v) -> r.add("model_loads." + x, v));
      r.count("tokens_per_second", Math.round(progress.tokensPerSecond()));
    }
    for (Row q : requests) {
      Row o = byKey.get(q.getString(0));
      if (o == null) {
        throw new IllegalStateException(label + ": the executors returned no output for request " + q.getString(0)
            + " (" + byKey.size() + " outputs for " + requests.size() + " requests)");
      }
      ordered.put(q.getString(0), o);
    }
    return ordered;
  }

  /** Whether an output row is a completion (not a request that did not fit the context). */
  static boolean ok(Row output) {
    return output.getString(5).equals("ok");
  }
}

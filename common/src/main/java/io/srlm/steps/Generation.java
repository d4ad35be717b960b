package io.srlm.steps;

import io.srlm.config.SrlmConfig;
import io.srlm.model.SamplingParams;
import io.srlm.pipeline.StepContext;
import io.srlm.pipeline.StepResult;
import io.srlm.spark.Completion;
import io.srlm.spark.CompletionRequest;
import io.srlm.spark.Completions;
import io.srlm.spark.Faults;
import io.srlm.spark.StageProgress;
import io.srlm.tables.RejectedRow;
import io.srlm.tables.ResponseRow;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * One distributed model call of a step: {@link CompletionRequest}s completed by one model on the executors (or,
 * through {@link #onExecutors}, any executor job), with progress and the step's counters (generated_tokens,
 * model_loads.EXECUTOR, tokens_per_second). Every generating step goes through here, so all of them honour the same
 * debug faults and report the same counters.
 */
final class Generation {
  private Generation() {}

  /** The engine's sampling parameters for a config sampling block. */
  static SamplingParams params(SrlmConfig.Sampling s) {
    return new SamplingParams(s.temperature(), s.topP(), s.topK(), s.maxNewTokens(), List.of());
  }

  /**
   * Completes {@code requests} with {@code model} on the executors. Returns the completions by request key, in
   * request order. Counters are added to the step's result, so a step that generates twice reports the sums.
   */
  static Map<String, Completion> run(StepContext ctx, String model, List<CompletionRequest> requests,
      SamplingParams params, String label, Faults faults) {
    Map<String, Completion> ordered = new LinkedHashMap<>();
    if (requests.isEmpty()) {
      return ordered;
    }
    Map<String, Completion> byKey = new HashMap<>();
    for (Completion o : onExecutors(ctx, label, requests.size(), "generated_tokens", true, progress -> Completions.run(
        ctx.spark(), requests, ctx.modelSpec(model), params, label, faults, progress, partitions(ctx, requests)))) {
      byKey.put(o.key(), o);
    }
    for (CompletionRequest q : requests) {
      Completion o = byKey.get(q.key());
      if (o == null) {
        throw new IllegalStateException(label + ": the executors returned no output for request " + q.key()
            + " (" + byKey.size() + " outputs for " + requests.size() + " requests)");
      }
      ordered.put(q.key(), o);
    }
    return ordered;
  }

  /** Tasks for {@code requests}, by the stage's engine batch size. */
  static int partitions(StepContext ctx, List<?> requests) {
    return Completions.partitions(ctx.spark(), requests.size(), ctx.settings().engine().batchSize());
  }

  /**
   * Runs {@code job} on the executors under a progress bar named {@code label} for {@code rows} rows, then adds
   * its counters to the step's result: tokens processed (as {@code tokensCounter}), model loads per executor, and,
   * with {@code rate}, tokens_per_second.
   */
  static <T> List<T> onExecutors(StepContext ctx, String label, int rows, String tokensCounter, boolean rate,
      Function<StageProgress, List<T>> job) {
    StepResult.Builder r = ctx.result();
    try (StageProgress progress = new StageProgress(ctx.spark().sparkContext(), label, rows)) {
      List<T> out = job.apply(progress);
      r.add(tokensCounter, progress.tokensDone());
      progress.loadsPerExecutor().forEach((x, v) -> r.add("model_loads." + x, v));
      if (rate) {
        r.count("tokens_per_second", Math.round(progress.tokensPerSecond()));
      }
      return out;
    }
  }

  /** The response row of a completion {@code o} that is {@link Completion#ok()}. */
  static ResponseRow response(StepContext ctx, Completion o, String promptId, int index, long seed, String prompt,
      String model, String source) {
    return new ResponseRow(ctx.runId(), ctx.iteration(), o.key(), promptId, index, seed, prompt, o.text(),
        o.promptTokens(), o.completionTokens(), o.finishReason(), model, source);
  }

  /** The rejected_rows row of a request whose prompt did not fit the model's context. */
  static RejectedRow tooLong(StepContext ctx, Completion o, String table, String rowRef) {
    return new RejectedRow(ctx.runId(), ctx.iteration(), ctx.step(), table, rowRef, "prompt_too_long",
        o.promptTokens() + " prompt tokens do not fit the model's context");
  }
}

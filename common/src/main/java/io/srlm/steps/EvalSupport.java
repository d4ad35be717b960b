package io.srlm.steps;

import io.srlm.model.SamplingParams;
import io.srlm.pipeline.StepContext;
import io.srlm.pipeline.StepResult;
import io.srlm.spark.Completion;
import io.srlm.spark.CompletionRequest;
import io.srlm.spark.Faults;
import io.srlm.tables.Catalogue;
import io.srlm.tables.EvalSample;
import io.srlm.tables.EvaluationRow;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.functions;

/**
 * Shared plumbing of the evaluation steps: the model evaluated, distributed generation and
 * idempotent writes of their rows.
 */
final class EvalSupport {
  private EvalSupport() {}

  /** A model of the run by name (M_i) and storage path. */
  record Model(String name, String path) {}

  /** Model M_{@code index} of this run, read at the step's pinned version of models; fails if there is none. */
  static Model model(StepContext ctx, int index) {
    String name = Models.name(index);
    return new Model(name, Models.require(ctx, name).path());
  }

  /** The first {@code max} of {@code rows}. */
  static <T> List<T> first(List<T> rows, int max) {
    return rows.size() > max ? rows.subList(0, max) : rows;
  }

  /** Generates on the executors without fault injection; returns the completions by request key. */
  static Map<String, Completion> complete(StepContext ctx, String model, List<CompletionRequest> requests,
      SamplingParams params, String label) {
    return Generation.run(ctx, model, requests, params, label, Faults.NONE);
  }

  /**
   * Replaces this evaluation's rows for (run, iteration): evaluations rows with evaluation = {@code evaluation},
   * eval_samples rows with kind in {@code kinds}. The versions written go to the step's result.
   */
  static void write(StepContext ctx, int iteration, String evaluation, List<String> kinds, List<EvaluationRow> rows,
      List<EvalSample> samples, StepResult.Builder r) {
    ctx.replace(Catalogue.EVALUATIONS, rows, ctx.partition().and(functions.col("evaluation").equalTo(evaluation)));
    ctx.replace(Catalogue.EVAL_SAMPLES, samples, ctx.partition().and(functions.col("kind").isin(kinds.toArray())));
  }
}

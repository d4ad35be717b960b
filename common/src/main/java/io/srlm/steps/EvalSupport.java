package io.srlm.steps;

import io.srlm.config.SrlmConfig;
import io.srlm.model.SamplingParams;
import io.srlm.pipeline.StepContext;
import io.srlm.pipeline.StepResult;
import io.srlm.spark.Faults;
import io.srlm.tables.Catalogue;
import io.srlm.tables.EvalSample;
import io.srlm.tables.EvaluationRow;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/** Shared plumbing of the evaluation steps: distributed generation and idempotent writes of their rows. */
final class EvalSupport {
  private EvalSupport() {}

  /**
   * Generates on the executors without fault injection; returns key to output row (text at 1, status at 5).
   * {@code c} and {@code r} must be the step's own settings and result ({@code ctx.settings()},
   * {@code ctx.result()}).
   */
  static Map<String, Row> complete(StepContext ctx, SrlmConfig c, String model, List<Row> requests,
      SamplingParams params, String label, StepResult.Builder r) {
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

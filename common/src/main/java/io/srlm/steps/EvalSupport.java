package io.srlm.steps;

import io.srlm.config.SrlmConfig;
import io.srlm.model.SamplingParams;
import io.srlm.pipeline.RunContext;
import io.srlm.pipeline.StepResult;
import io.srlm.spark.Faults;
import io.srlm.tables.Catalogue;
import io.srlm.tables.EvalSample;
import io.srlm.tables.EvaluationRow;
import io.srlm.tables.TableStore;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;

/** Shared plumbing of the evaluation steps: distributed generation and idempotent writes of their rows. */
final class EvalSupport {
  private EvalSupport() {}

  /** Generates on the executors without fault injection; returns key to output row (text at 1, status at 5). */
  static Map<String, Row> complete(RunContext ctx, SrlmConfig c, String model, List<Row> requests,
      SamplingParams params, String label, StepResult.Builder r) {
    return Generation.run(ctx, c, model, requests, params, label, Faults.NONE, r);
  }

  /**
   * Replaces this evaluation's rows for (run, iteration): evaluations rows with evaluation = {@code evaluation},
   * eval_samples rows with kind in {@code kinds}.
   */
  static void write(RunContext ctx, int iteration, String evaluation, List<String> kinds, List<EvaluationRow> rows,
      List<EvalSample> samples, StepResult.Builder r) {
    TableStore t = ctx.tables();
    String part = TableStore.partition(ctx.runId(), iteration);
    r.wrote(Catalogue.EVALUATIONS.name(), t.replace(Catalogue.EVALUATIONS, rows, part + " AND evaluation = '"
        + evaluation + "'"));
    StringBuilder in = new StringBuilder();
    for (String k : kinds) {
      in.append(in.length() == 0 ? "" : ", ").append('\'').append(k).append('\'');
    }
    r.wrote(Catalogue.EVAL_SAMPLES.name(), t.replace(Catalogue.EVAL_SAMPLES, samples, part + " AND kind IN (" + in
        + ")"));
  }
}

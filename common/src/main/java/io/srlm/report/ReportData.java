package io.srlm.report;

import io.srlm.errors.Errors;
import io.srlm.tables.EvaluationRow;
import io.srlm.tables.JudgementRow;
import io.srlm.tables.MetricRow;
import io.srlm.tables.ModelRow;
import io.srlm.tables.PairRow;
import io.srlm.tables.PromptRow;
import io.srlm.tables.ResponseRow;
import io.srlm.tables.RunStep;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Everything the iteration report shows for one run: the typed rows of the run's tables, already filtered on
 * {@code runId}. A null list means "not available" and is read as empty; every row must belong to
 * {@code runId} (a row of another run is an error, not silently dropped).
 *
 * @param runId the run
 * @param models table models
 * @param prompts table prompts (accepted and rejected)
 * @param responses table responses
 * @param judgements table judgements
 * @param pairs table preference_pairs
 * @param trainingMetrics table training_metrics
 * @param evaluations table evaluations
 * @param steps table runs
 */
public record ReportData(String runId, List<ModelRow> models, List<PromptRow> prompts, List<ResponseRow> responses,
    List<JudgementRow> judgements, List<PairRow> pairs, List<MetricRow> trainingMetrics,
    List<EvaluationRow> evaluations, List<RunStep> steps) {

  public ReportData {
    if (runId == null || runId.isEmpty()) {
      throw new IllegalArgumentException("runId must not be empty");
    }
    models = checked(runId, "models", models, ModelRow::runId);
    prompts = checked(runId, "prompts", prompts, PromptRow::runId);
    responses = checked(runId, "responses", responses, ResponseRow::runId);
    judgements = checked(runId, "judgements", judgements, JudgementRow::runId);
    pairs = checked(runId, "preference_pairs", pairs, PairRow::runId);
    trainingMetrics = checked(runId, "training_metrics", trainingMetrics, MetricRow::runId);
    evaluations = checked(runId, "evaluations", evaluations, EvaluationRow::runId);
    steps = checked(runId, "runs", steps, RunStep::runId);
  }

  /** A run with no rows yet. */
  public static ReportData empty(String runId) {
    return new ReportData(runId, null, null, null, null, null, null, null, null);
  }

  /** Every iteration that appears in a prompt, response, judgement, pair, metric or evaluation row, ascending. */
  public SortedSet<Integer> iterations() {
    SortedSet<Integer> out = new TreeSet<>();
    prompts.forEach(r -> out.add(r.iteration()));
    responses.forEach(r -> out.add(r.iteration()));
    judgements.forEach(r -> out.add(r.iteration()));
    pairs.forEach(r -> out.add(r.iteration()));
    trainingMetrics.forEach(r -> out.add(r.iteration()));
    evaluations.forEach(r -> out.add(r.iteration()));
    return out;
  }

  /** The iterations of the self-rewarding loop's own rows (prompts, responses, judgements, pairs), ascending. */
  public SortedSet<Integer> loopIterations() {
    SortedSet<Integer> out = new TreeSet<>();
    prompts.forEach(r -> out.add(r.iteration()));
    responses.forEach(r -> out.add(r.iteration()));
    judgements.forEach(r -> out.add(r.iteration()));
    pairs.forEach(r -> out.add(r.iteration()));
    return out;
  }

  private static <T> List<T> checked(String runId, String table, List<T> rows, Function<T, String> run) {
    if (rows == null) {
      return List.of();
    }
    List<T> copy = List.copyOf(rows);
    for (T r : copy) {
      if (!runId.equals(run.apply(r))) {
        throw Errors.reportMixedRuns(runId, table, run.apply(r));
      }
    }
    return copy;
  }
}

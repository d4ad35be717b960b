package io.srlm.steps;

import io.srlm.errors.Errors;
import io.srlm.errors.SrlmException;
import io.srlm.pipeline.RunContext;
import io.srlm.pipeline.StepContext;
import io.srlm.tables.Catalogue;
import io.srlm.tables.ModelRow;
import io.srlm.tables.TableStore;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.functions;

/**
 * The run's models and their lineage (table models). M0 is the base, M1 the SFT model, M_t+1 the model trained
 * at iteration t. A stage with iteration t generates its data with M_t.
 */
public final class Models {
  private Models() {}

  public static String name(int index) {
    return "M" + index;
  }

  /**
   * The judge's identity in row ids: the policy's model name when it judges itself, else the configured external
   * judge. Never the policy's storage path, so moving storage.model_root (or resuming elsewhere) keeps the ids.
   */
  public static String judgeKey(String externalJudge, int iteration) {
    return externalJudge.isEmpty() ? "self:" + name(iteration) : externalJudge;
  }

  public static Optional<ModelRow> find(RunContext ctx, String name) {
    List<ModelRow> rows = ctx.tables().collect(Catalogue.MODELS, TableStore.runIs(ctx.runId())
        .and(functions.col("name").equalTo(name)));
    return rows.stream().max(Comparator.comparingLong(ModelRow::createdAtMs));
  }

  public static ModelRow require(RunContext ctx, String name) {
    return find(ctx, name).orElseThrow(() -> missing(ctx.runId(), name));
  }

  /** The newest row of model {@code name} in this run, read at the step's pinned version of models. */
  public static ModelRow require(StepContext ctx, String name) {
    return ctx.rows(Catalogue.MODELS, ctx.runRows().and(functions.col("name").equalTo(name))).stream()
        .max(Comparator.comparingLong(ModelRow::createdAtMs)).orElseThrow(() -> missing(ctx.runId(), name));
  }

  private static SrlmException missing(String runId, String name) {
    return Errors.runState("Model " + name + " of run '" + runId + "' is not in the models table",
        "run the stage that produces it first (srlm loop resumes in order)", "run_id", runId, "model", name);
  }

  /** Records a model of this step (replacing an earlier row of the same name: a re-run step re-publishes it). */
  public static long record(StepContext ctx, ModelRow row) {
    return ctx.replace(Catalogue.MODELS, List.of(row), ctx.runRows().and(functions.col("name").equalTo(row.name())));
  }
}

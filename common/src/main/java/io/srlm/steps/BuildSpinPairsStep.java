package io.srlm.steps;

import io.srlm.config.SrlmConfig;
import io.srlm.errors.Errors;
import io.srlm.pipeline.RunContext;
import io.srlm.pipeline.Step;
import io.srlm.pipeline.StepResult;
import io.srlm.pipeline.StepRunner;
import io.srlm.spark.Faults;
import io.srlm.tables.Catalogue;
import io.srlm.tables.TableStore;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * SPIN pairs on Spark, like the self-reward pairs: this iteration's responses (from {@link SpinGenerateStep})
 * grouped by seed prompt, one pair each with chosen = the human completion and rejected = the model's answer
 * ({@link SpinPairSelector}), written to preference_pairs with source = spin. Dropped prompts (identical texts,
 * empty answers) are counted and recorded in rejected_rows.
 */
public final class BuildSpinPairsStep implements Step {
  public static final String NAME = "build_spin_pairs";

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
    long vr = t.version(Catalogue.RESPONSES);
    r.read(Catalogue.RESPONSES.name(), vr);
    Dataset<Row> responses = vr < 0 ? null : t.readVersion(Catalogue.RESPONSES, vr)
        .where(TableStore.partitionIs(ctx.runId(), it))
        .select("prompt_id", "response_id", "source", "prompt", "response");
    if (responses == null || responses.isEmpty()) {
      throw Errors.tableEmpty("responses", TableStore.partition(ctx.runId(), it), "run spin_generate first");
    }
    List<Row> out = PairOutputs.select(responses, new SpinPairSelector(Faults.of(c.debug())));
    PairOutputs.Written w = PairOutputs.write(ctx, stage, NAME, "spin", "responses", out, r);
    return r.build(String.format("%d SPIN pairs (human vs %s) from %d prompts (%d dropped)", w.pairs(),
        Models.name(it), w.prompts(), w.dropped()));
  }
}

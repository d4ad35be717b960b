package io.srlm.steps;

import io.srlm.pipeline.Step;
import io.srlm.pipeline.StepContext;
import io.srlm.pipeline.StepResult;
import io.srlm.tables.Catalogue;
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
  public StepResult run(StepContext ctx) {
    Dataset<Row> responses = ctx.frame(Catalogue.RESPONSES, ctx.partition(), "run spin_generate first");
    List<PairChoice> out = PairOutputs.select(ctx, responses, SpinSide.CODEC, new SpinPairSelector());
    PairOutputs.Written w = PairOutputs.write(ctx, "spin", "responses", out);
    return ctx.done(String.format("%d SPIN pairs (human vs %s) from %d prompts (%d dropped)", w.pairs(),
        Models.name(ctx.iteration()), w.prompts(), w.dropped()));
  }
}

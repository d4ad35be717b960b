package io.srlm.steps;

import io.srlm.config.SrlmConfig;
import io.srlm.pipeline.Step;
import io.srlm.pipeline.StepContext;
import io.srlm.pipeline.StepResult;
import io.srlm.tables.Catalogue;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/**
 * Builds preference pairs from the judgements on Spark: responses joined with their mean scores, grouped by
 * prompt, one pair (best, worst) per prompt. The scores are pointwise judge means, pairwise win counts
 * ({@link JudgePairwiseStep}) or reward-model rewards ({@link ScoreRewardsStep}) alike. Dropped prompts (ties,
 * fewer than two valid scores, margin too small) are counted and recorded in rejected_rows.
 */
public final class BuildPairsStep implements Step {
  public static final String NAME = "build_pairs";

  @Override
  public StepResult run(StepContext ctx) {
    SrlmConfig c = ctx.settings();
    Dataset<Row> responses = ctx.frame(Catalogue.RESPONSES, ctx.partition()).select("prompt_id", "response_id", "sample_index", "prompt", "response", "completion_tokens");
    Dataset<Row> scores = ctx.frame(Catalogue.JUDGEMENTS, ctx.partition(), "run judge-responses first")
        .groupBy("response_id").agg(functions.first("mean_score", true).as("mean_score"));
    Dataset<Row> joined = responses.join(scores, responses.col("response_id").equalTo(scores.col("response_id")),
        "left").select(responses.col("prompt_id"), responses.col("response_id"), responses.col("sample_index"),
        responses.col("prompt"), responses.col("response"), responses.col("completion_tokens"),
        scores.col("mean_score"));
    List<PairChoice> out = PairOutputs.select(ctx, joined, PairCandidate.CODEC, new PairSelector(
        c.pairs().minMargin(), c.pairs().lengthControlEpsilon()));
    PairOutputs.Written w = PairOutputs.write(ctx, source(ctx), "judgements", out);
    return ctx.done(String.format("%d pairs from %d prompts (%d dropped)", w.pairs(), w.prompts(), w.dropped()));
  }

  /**
   * preference_pairs.source, by how the preferences were obtained: pairwise (judge.mode = pairwise, by the policy
   * or judge.model), external_reward (pointwise scores from judge.model or a reward model), else self_reward.
   */
  static String source(StepContext ctx) {
    if (ctx.settings().judge().pairwise()) {
      return "pairwise";
    }
    boolean external = ctx.stageType().equals("external_reward_dpo") || !ctx.settings().judge().model().isEmpty();
    return external ? "external_reward" : "self_reward";
  }
}

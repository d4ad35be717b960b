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
    long vj = t.version(Catalogue.JUDGEMENTS);
    r.read(Catalogue.RESPONSES.name(), vr).read(Catalogue.JUDGEMENTS.name(), vj);
    if (vj < 0 || t.readVersion(Catalogue.JUDGEMENTS, vj).where(TableStore.partitionIs(ctx.runId(), it)).isEmpty()) {
      throw Errors.tableEmpty("judgements", TableStore.partition(ctx.runId(), it), "run judge-responses first");
    }
    Dataset<Row> responses = t.readVersion(Catalogue.RESPONSES, vr).where(TableStore.partitionIs(ctx.runId(), it))
        .select("prompt_id", "response_id", "sample_index", "prompt", "response", "completion_tokens");
    Dataset<Row> scores = t.readVersion(Catalogue.JUDGEMENTS, vj).where(TableStore.partitionIs(ctx.runId(), it))
        .groupBy("response_id").agg(functions.first("mean_score", true).as("mean_score"));
    Dataset<Row> joined = responses.join(scores, responses.col("response_id").equalTo(scores.col("response_id")),
        "left").select(responses.col("prompt_id"), responses.col("response_id"), responses.col("sample_index"),
        responses.col("prompt"), responses.col("response"), responses.col("completion_tokens"),
        scores.col("mean_score"));
    List<Row> out = PairOutputs.select(joined, new PairSelector(c.pairs().minMargin(),
        c.pairs().lengthControlEpsilon(), Faults.of(c.debug())));
    PairOutputs.Written w = PairOutputs.write(ctx, stage, NAME, source(stage), "judgements", out, r);
    return r.build(String.format("%d pairs from %d prompts (%d dropped)", w.pairs(), w.prompts(), w.dropped()));
  }

  /**
   * preference_pairs.source, by how the preferences were obtained: pairwise (judge.mode = pairwise, by the policy
   * or judge.model), external_reward (pointwise scores from judge.model or a reward model), else self_reward.
   */
  static String source(SrlmConfig.Stage stage) {
    if (stage.settings().judge().pairwise()) {
      return "pairwise";
    }
    boolean external = stage.type().equals("external_reward_dpo") || !stage.settings().judge().model().isEmpty();
    return external ? "external_reward" : "self_reward";
  }
}

package io.srlm.steps;

import io.srlm.config.SrlmConfig;
import io.srlm.errors.Errors;
import io.srlm.pipeline.RunContext;
import io.srlm.pipeline.Step;
import io.srlm.pipeline.StepResult;
import io.srlm.pipeline.StepRunner;
import io.srlm.spark.Faults;
import io.srlm.tables.Catalogue;
import io.srlm.tables.PairRow;
import io.srlm.tables.RejectedRow;
import io.srlm.tables.TableStore;
import io.srlm.util.StableIds;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
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
    List<Row> out = joined
        .groupByKey((MapFunction<Row, String>) row -> row.getString(0), Encoders.STRING())
        .flatMapGroups(new PairSelector(c.pairs().minMargin(), c.pairs().lengthControlEpsilon(),
            Faults.of(c.debug())), Encoders.row(PairSelector.OUTPUT))
        .collectAsList();
    String source = source(stage);
    List<PairRow> pairs = new ArrayList<>();
    List<RejectedRow> dropped = new ArrayList<>();
    for (Row o : out) {
      String promptId = o.getString(1);
      if (o.getString(0).equals("pair")) {
        double cs = o.getDouble(7);
        double rs = o.getDouble(8);
        pairs.add(new PairRow(ctx.runId(), it, StableIds.id("pair", ctx.runId(), it, stage.type(), promptId),
            promptId, o.getString(2), o.getString(3), o.getString(4), o.getString(5), o.getString(6), cs, rs, cs - rs,
            source, stage.type()));
      } else {
        dropped.add(new RejectedRow(ctx.runId(), it, NAME, "judgements", promptId, o.getString(9), o.getString(10)));
        r.add("dropped_" + o.getString(9), 1);
      }
    }
    pairs.sort((a, b) -> a.pairId().compareTo(b.pairId()));
    dropped.sort((a, b) -> a.rowRef().compareTo(b.rowRef()));
    r.count("prompts", out.size()).count("pairs", pairs.size()).count("dropped", dropped.size());
    r.wrote(Catalogue.PREFERENCE_PAIRS.name(), t.replace(Catalogue.PREFERENCE_PAIRS, pairs,
        TableStore.partition(ctx.runId(), it)));
    r.wrote(Catalogue.REJECTED_ROWS.name(), t.replace(Catalogue.REJECTED_ROWS, dropped,
        TableStore.partition(ctx.runId(), it) + " AND step = '" + NAME + "'"));
    return r.build(String.format("%d pairs from %d prompts (%d dropped)", pairs.size(), out.size(),
        dropped.size()));
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

package io.srlm.steps;

import io.srlm.config.SrlmConfig;
import io.srlm.errors.Errors;
import io.srlm.pipeline.Step;
import io.srlm.pipeline.StepContext;
import io.srlm.pipeline.StepResult;
import io.srlm.spark.Completions;
import io.srlm.spark.Faults;
import io.srlm.spark.RewardScores;
import io.srlm.spark.StageProgress;
import io.srlm.tables.Catalogue;
import io.srlm.tables.JudgementRow;
import io.srlm.tables.ResponseRow;
import io.srlm.tables.TableStore;
import io.srlm.util.StableIds;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * External rewards from a sequence-classification model (judge.model with judge.reward_head =
 * sequence_classification) on the executors: one judgements row per response, score = mean_score = the reward
 * (the first logit at the conversation's last token), parse_status ok. So {@link BuildPairsStep} pairs the best
 * and worst reward unchanged. Conversations longer than the model's context get parse_status prompt_too_long and
 * no score.
 */
public final class ScoreRewardsStep implements Step {
  public static final String NAME = "score_rewards";
  /** The judgements.template value of reward-model rows (they have no prompt template). */
  public static final String TEMPLATE = "reward_head:sequence_classification";

  @Override
  public StepResult run(StepContext ctx) {
    SrlmConfig c = ctx.settings();
    int it = ctx.iteration();
    StepResult.Builder r = ctx.result();
    String model = c.judge().model();
    if (!c.judge().rewardModel()) {
      throw Errors.configBadValue("judge.model", "(config)", "must name a sequence-classification model with "
          + "judge.reward_head = sequence_classification for the " + NAME + " step", "'" + model + "'");
    }
    List<ResponseRow> responses = ctx.rows(Catalogue.RESPONSES, ctx.partition(), "run sample-responses first");
    List<Row> requests = new ArrayList<>();
    Map<String, ResponseRow> byId = new HashMap<>();
    for (ResponseRow x : responses) {
      requests.add(RowFactory.create(x.responseId(), x.prompt(), x.response()));
      byId.put(x.responseId(), x);
    }
    List<Row> out;
    try (StageProgress progress = new StageProgress(ctx.spark().sparkContext(), NAME, requests.size())) {
      out = RewardScores.run(ctx.spark().createDataFrame(requests, RewardScores.INPUT), ctx.modelSpec(model), NAME,
          new Faults(c.debug().failFirstAttempt()), progress,
          Completions.partitions(ctx.spark(), requests.size(), c.engine().batchSize())).collectAsList();
      r.count("scored_tokens", progress.tokensDone());
      progress.loadsPerExecutor().forEach((x, v) -> r.count("model_loads." + x, v));
    }
    List<JudgementRow> rows = new ArrayList<>();
    for (Row o : out) {
      ResponseRow x = byId.get(o.getString(0));
      Double reward = o.isNullAt(1) ? null : o.getDouble(1);
      String status = switch (o.getString(3)) {
        case "ok" -> "ok";
        case "too_long" -> "prompt_too_long";
        default -> o.getString(3);
      };
      String text = reward == null ? status + " (" + o.getInt(2) + " tokens)" : "reward=" + reward;
      rows.add(new JudgementRow(ctx.runId(), it, StableIds.id("reward", x.responseId(), model), x.responseId(),
          x.promptId(), 0, 0L, text, reward, status, reward, reward == null ? 0 : 1, model, TEMPLATE, 0, "none"));
      r.add("status_" + status, 1);
    }
    rows.sort((a, b) -> a.judgementId().compareTo(b.judgementId()));
    long ok = rows.stream().filter(x -> x.score() != null).count();
    r.count("judgements", rows.size()).count("responses", responses.size()).count("responses_scored", ok);
    ctx.replacePartition(Catalogue.JUDGEMENTS, rows);
    return ctx.done(String.format("%d responses scored by the reward model %s (%d without a score)", ok, model,
        rows.size() - ok));
  }
}

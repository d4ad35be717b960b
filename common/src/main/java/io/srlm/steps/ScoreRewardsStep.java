package io.srlm.steps;

import io.srlm.config.SrlmConfig;
import io.srlm.errors.Errors;
import io.srlm.pipeline.Step;
import io.srlm.pipeline.StepContext;
import io.srlm.pipeline.StepResult;
import io.srlm.spark.Faults;
import io.srlm.spark.RewardRequest;
import io.srlm.spark.RewardScore;
import io.srlm.spark.RewardScores;
import io.srlm.tables.Catalogue;
import io.srlm.tables.JudgementRow;
import io.srlm.tables.ResponseRow;
import io.srlm.util.StableIds;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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
    String model = rewardModel(ctx.settings());
    List<ResponseRow> responses = ctx.rows(Catalogue.RESPONSES, ctx.partition(), "run sample-responses first");
    List<RewardRequest> requests = new ArrayList<>();
    Map<String, ResponseRow> byId = new HashMap<>();
    for (ResponseRow x : responses) {
      requests.add(new RewardRequest(x.responseId(), x.prompt(), x.response()));
      byId.put(x.responseId(), x);
    }
    Faults faults = new Faults(ctx.settings().debug().failFirstAttempt());
    List<RewardScore> out = Generation.onExecutors(ctx, NAME, requests.size(), "scored_tokens", false, progress ->
        RewardScores.run(ctx.spark(), requests, ctx.modelSpec(model), NAME, faults, progress,
            Generation.partitions(ctx, requests)));
    int it = ctx.iteration();
    StepResult.Builder r = ctx.result();
    List<JudgementRow> rows = new ArrayList<>();
    for (RewardScore o : out) {
      ResponseRow x = byId.get(o.key());
      Double reward = o.reward();
      String status = o.status().equals(RewardScore.TOO_LONG) ? "prompt_too_long" : o.status();
      String text = reward == null ? status + " (" + o.tokens() + " tokens)" : "reward=" + reward;
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

  /** judge.model, which must be a sequence-classification model; otherwise an error naming the key. */
  private static String rewardModel(SrlmConfig c) {
    if (!c.judge().rewardModel()) {
      throw Errors.configBadValue("judge.model", "(config)", "must name a sequence-classification model with "
          + "judge.reward_head = sequence_classification for the " + NAME + " step", "'" + c.judge().model() + "'");
    }
    return c.judge().model();
  }
}

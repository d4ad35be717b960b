package io.srlm.variants;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.srlm.config.SrlmConfig;
import io.srlm.loop.LoopRunner;
import io.srlm.model.EngineOptions;
import io.srlm.model.RewardModel;
import io.srlm.pipeline.RunContext;
import io.srlm.tables.Catalogue;
import io.srlm.tables.JudgementRow;
import io.srlm.tables.PairRow;
import io.srlm.tables.ResponseRow;
import io.srlm.tables.TableStore;
import io.srlm.testing.LocalSpark;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * An external_reward_dpo stage with a sequence-classification reward model (stage s02 of {@link VariantRun}): the
 * executors score every response once; each judgements row carries the reward (equal to the model's reward for
 * the same conversation computed on the driver) with parse_status ok, the pairs are best vs worst reward with
 * source external_reward, and M4 is trained from them. A judge.model that is not a model directory fails before
 * the loop runs anything.
 */
abstract class ExternalRewardChecks {
  static final int IT = 3;

  @Test
  void theRewardModelScoresEveryResponseOnce() {
    VariantRun v = VariantRun.get();
    List<ResponseRow> responses = v.rows(Catalogue.RESPONSES, IT);
    List<JudgementRow> judgements = v.rows(Catalogue.JUDGEMENTS, IT);
    assertThat(responses).hasSize(16);
    assertThat(judgements).hasSameSizeAs(responses);
    Map<String, ResponseRow> byId = responses.stream().collect(Collectors.toMap(ResponseRow::responseId,
        Function.identity()));
    try (RewardModel rm = RewardModel.load(v.rewardModel, EngineOptions.cpu())) {
      for (JudgementRow j : judgements) {
        ResponseRow r = byId.get(j.responseId());
        double expected = rm.rewards(List.of(rm.inputIds(r.prompt(), r.response())), 1)[0];
        assertThat(j.parseStatus()).isEqualTo("ok");
        assertThat(j.score()).isCloseTo(expected, within(1e-4));
        assertThat(j.meanScore()).isEqualTo(j.score());
        assertThat(j.validJudgements()).isEqualTo(1);
        assertThat(j.judgeModel()).isEqualTo(v.rewardModel.toString());
        assertThat(j.template()).isEqualTo("reward_head:sequence_classification");
      }
    }
  }

  @Test
  void pairsAreBestVersusWorstReward() {
    VariantRun v = VariantRun.get();
    Map<String, Double> reward = v.rows(Catalogue.JUDGEMENTS, IT).stream().collect(Collectors.toMap(
        JudgementRow::responseId, JudgementRow::score));
    Map<String, List<ResponseRow>> byPrompt = v.rows(Catalogue.RESPONSES, IT).stream().collect(
        Collectors.groupingBy(ResponseRow::promptId));
    List<PairRow> pairs = v.rows(Catalogue.PREFERENCE_PAIRS, IT);
    // Every one of the 4 prompts ends as a pair or as a recorded drop (e.g. 4 identical answers), never silently.
    long dropped = v.rows(Catalogue.REJECTED_ROWS, IT).stream().filter(r -> r.step().equals("build_pairs")).count();
    assertThat(pairs).isNotEmpty();
    assertThat(pairs.size() + dropped).isEqualTo(byPrompt.size()).isEqualTo(4);
    for (PairRow p : pairs) {
      List<Double> scores = byPrompt.get(p.promptId()).stream().map(r -> reward.get(r.responseId())).toList();
      assertThat(p.source()).isEqualTo("external_reward");
      assertThat(p.chosenScore()).isEqualTo(reward.get(p.chosenId())).isEqualTo(java.util.Collections.max(scores));
      assertThat(p.rejectedScore()).isEqualTo(reward.get(p.rejectedId())).isEqualTo(java.util.Collections.min(scores));
    }
    assertThat(v.models().get("M4").stage()).isEqualTo("external_reward_dpo");
  }

  @Test
  void aJudgeModelThatIsNotAModelFailsBeforeAnythingRuns() {
    VariantRun v = VariantRun.get();
    SrlmConfig bad = v.config(v.dir.resolve("bad"), "run.id=bad-judge", "loop.stages=[self_reward_dpo, "
        + "{type = external_reward_dpo, judge { model = \"" + v.dir.resolve("no-such-model") + "\" }}]");
    RunContext ctx = RunContext.open(LocalSpark.session(), bad, false, false);
    assertThatThrownBy(() -> LoopRunner.run(ctx)).hasMessageContaining("judge.model of loop.stages[1] "
        + "(external_reward_dpo) is not a usable model directory").hasMessageContaining("no-such-model");
    assertThat(ctx.tables().collect(Catalogue.RUNS, TableStore.runIs("bad-judge"))).isEmpty();
  }
}

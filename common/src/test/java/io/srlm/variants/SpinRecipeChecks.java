package io.srlm.variants;

import static org.assertj.core.api.Assertions.assertThat;

import io.srlm.loop.LoopRunner;
import io.srlm.pipeline.RunContext;
import io.srlm.tables.Catalogue;
import io.srlm.tables.ModelRow;
import io.srlm.tables.PairRow;
import io.srlm.tables.RejectedRow;
import io.srlm.tables.ResponseRow;
import io.srlm.tables.RunStep;
import io.srlm.tables.SeedIft;
import io.srlm.tables.TableStore;
import io.srlm.testing.LocalSpark;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A stage list with SPIN after a self-reward stage, run by {@code srlm loop} (the shared {@link VariantRun}):
 * the SPIN stage answers seed prompts with M2, pairs the human completions (chosen) against those answers
 * (rejected), trains M3 with DPO; every stage records its model with its lineage; re-running the loop resumes
 * without redoing anything.
 */
abstract class SpinRecipeChecks {
  @Test
  void everyStageRecordsItsModelAndLineage() {
    VariantRun v = VariantRun.get();
    Map<String, ModelRow> models = v.models();
    List<String> stages = List.of("self_reward_dpo", "spin", "external_reward_dpo", "external_reward_dpo",
        "external_reward_dpo");
    for (int i = 2; i <= 6; i++) {
      ModelRow m = models.get("M" + i);
      assertThat(m).as("M" + i).isNotNull();
      assertThat(m.stage()).isEqualTo(stages.get(i - 2));
      assertThat(m.iteration()).isEqualTo(i - 1);
      assertThat(m.parentModel()).isEqualTo("M" + (i - 1));
      assertThat(m.referenceModel()).isEqualTo("M" + (i - 1));
      assertThat(m.trainedOn()).containsKey("preference_pairs");
      assertThat(v.ctx.models().modelExists(m.path())).isTrue();
    }
    // The loop's report covers every stage type (spin, reward-model and pairwise judgements included).
    java.nio.file.Path report = v.dir.resolve("reports").resolve(VariantRun.RUN).resolve("report.html");
    assertThat(report).isRegularFile();
    assertThat(report).content().contains("M6");
  }

  @Test
  void spinPairsAreHumanCompletionsAgainstTheModelsAnswers() {
    VariantRun v = VariantRun.get();
    List<ResponseRow> responses = v.rows(Catalogue.RESPONSES, 2);
    Map<String, SeedIft> seed = v.ctx.tables().collect(Catalogue.SEED_IFT, TableStore.runIs(VariantRun.RUN))
        .stream().collect(Collectors.toMap(SeedIft::seedId, Function.identity()));
    List<ResponseRow> self = responses.stream().filter(r -> r.source().equals("self")).toList();
    List<ResponseRow> human = responses.stream().filter(r -> r.source().equals("human")).toList();
    assertThat(self).hasSize(4).allMatch(r -> r.model().equals(v.models().get("M2").path()));
    assertThat(human).hasSize(4);
    for (ResponseRow h : human) {
      SeedIft s = seed.get(h.promptId());
      assertThat(s.split()).isEqualTo("train");
      assertThat(s.taskType()).isNotEqualTo("task_creation");
      assertThat(h.response()).isEqualTo(s.completion());
    }
    List<PairRow> pairs = v.rows(Catalogue.PREFERENCE_PAIRS, 2);
    List<RejectedRow> dropped = v.rows(Catalogue.REJECTED_ROWS, 2).stream()
        .filter(r -> r.step().equals("build_spin_pairs")).toList();
    assertThat(pairs.size() + dropped.size()).isEqualTo(4);
    assertThat(pairs).isNotEmpty().allMatch(p -> p.source().equals("spin") && p.stage().equals("spin"));
    Map<String, ResponseRow> byId = responses.stream().collect(Collectors.toMap(ResponseRow::responseId,
        Function.identity()));
    for (PairRow p : pairs) {
      assertThat(byId.get(p.chosenId()).source()).isEqualTo("human");
      assertThat(byId.get(p.rejectedId()).source()).isEqualTo("self");
      assertThat(p.chosen()).isEqualTo(seed.get(p.promptId()).completion()).isNotEqualTo(p.rejected());
      assertThat(p.margin()).isEqualTo(1.0);
    }
    assertThat(dropped).allMatch(r -> r.reason().equals("identical") || r.reason().equals("empty_generation"));
    // The stages around it keep their own pairs and source: self-reward before, the reward model after.
    assertThat(v.rows(Catalogue.PREFERENCE_PAIRS, 1)).isNotEmpty().allMatch(p -> p.source().equals("self_reward"));
    assertThat(v.rows(Catalogue.PREFERENCE_PAIRS, 3)).isNotEmpty()
        .allMatch(p -> p.source().equals("external_reward"));
  }

  @Test
  void reRunningTheLoopResumesWithoutRedoingAnything() {
    VariantRun v = VariantRun.get();
    List<RunStep> before = v.ctx.ledger().steps();
    Map<String, Long> created = v.models().values().stream().collect(Collectors.toMap(ModelRow::name,
        ModelRow::createdAtMs));
    LoopRunner.run(RunContext.open(LocalSpark.session(), v.cfg, true, false));
    List<RunStep> after = v.ctx.ledger().steps();
    assertThat(after).hasSameSizeAs(before).allMatch(s -> s.status().equals("succeeded"));
    assertThat(after).extracting(RunStep::stepId).contains("s01.spin.spin_generate", "s01.spin.build_spin_pairs",
        "s01.spin.train_dpo", "s02.external_reward_dpo.score_rewards", "s03.external_reward_dpo.judge_pairwise");
    assertThat(v.models().values().stream().collect(Collectors.toMap(ModelRow::name, ModelRow::createdAtMs)))
        .isEqualTo(created);
  }
}

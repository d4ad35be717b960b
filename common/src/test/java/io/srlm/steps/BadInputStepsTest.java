package io.srlm.steps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.srlm.config.SrlmConfig;
import io.srlm.errors.SrlmException;
import io.srlm.pipeline.RunContext;
import io.srlm.pipeline.StepRunner;
import io.srlm.tables.Catalogue;
import io.srlm.tables.ModelRow;
import io.srlm.tables.PairRow;
import io.srlm.tables.PromptRow;
import io.srlm.tables.RejectedRow;
import io.srlm.tables.ResponseRow;
import io.srlm.tables.TableStore;
import io.srlm.testing.LocalSpark;
import io.srlm.testing.TestConf;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input met by the steps of a run: a changed config, a table root that is not a folder, an iteration with no
 * preference pairs, a prompt longer than the context window. Each gets a clear error (or a recorded skip) and
 * leaves no partial output.
 */
@ExtendWith(LocalSpark.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BadInputStepsTest {
  @TempDir
  static Path dir;
  RunContext ctx;
  SrlmConfig.Stage stage;

  @BeforeAll
  void seededRun() {
    SrlmConfig cfg = TestConf.loop(dir.resolve("run"), "run.id=bad");
    ctx = RunContext.open(LocalSpark.session(), cfg, false, false);
    stage = cfg.loop().stages().get(0);
    StepRunner.run(ctx, stage, new LoadSeedStep());
    StepRunner.run(ctx, stage, new BaseModelStep());
  }

  @Test
  void aChangedConfigIsRefusedWithTheDifferingKeysUnlessForced() {
    SrlmConfig changed = TestConf.loop(dir.resolve("run"), "run.id=bad", "judge.samples=3");
    assertThatThrownBy(() -> RunContext.open(LocalSpark.session(), changed, false, false))
        .isInstanceOf(SrlmException.class)
        .hasMessageContaining("judge.samples")
        .hasMessageContaining("--force");
    assertThat(RunContext.open(LocalSpark.session(), changed, false, true).runId()).isEqualTo("bad");
    // Forcing recorded the new config: the original one is now the "changed" one.
    SrlmConfig original = TestConf.loop(dir.resolve("run"), "run.id=bad");
    assertThatThrownBy(() -> RunContext.open(LocalSpark.session(), original, false, false))
        .hasMessageContaining("judge.samples");
    RunContext.open(LocalSpark.session(), original, false, true);
  }

  @Test
  void aTableRootThatIsAFileIsAClearError() throws Exception {
    Path file = Files.writeString(dir.resolve("not-a-folder"), "x");
    SrlmConfig cfg = TestConf.loop(dir.resolve("other"), "run.id=file-root", "storage.table_root=" + file);
    assertThatThrownBy(() -> RunContext.open(LocalSpark.session(), cfg, false, false))
        .isInstanceOf(SrlmException.class)
        .hasMessageContaining(file.toString());
    assertThat(Files.readString(file)).isEqualTo("x");
  }

  @Test
  @Order(1)
  void anIterationWithoutPairsStopsBeforeTraining() {
    // Prompts and responses exist, but no pair (as when every judgement tied): DPO refuses and writes no model.
    TableStore t = ctx.tables();
    t.replace(Catalogue.PREFERENCE_PAIRS, List.of(), TableStore.partition("bad", 1));
    assertThatThrownBy(() -> StepRunner.run(ctx, stage, new TrainDpoStep()))
        .isInstanceOf(SrlmException.class)
        .hasMessageContaining("preference_pairs");
    assertThat(t.collect(Catalogue.MODELS, TableStore.runIs("bad"))).extracting(ModelRow::name)
        .doesNotContain("M2");
    assertThat(ctx.models().modelExists(ctx.models().modelLocation("M2"))).isFalse();
  }

  /** After the empty-table case: pairs with an empty side or too long for dpo.max_seq_len are skipped and counted. */
  @Test
  @Order(2)
  void pairsWithEmptyTextOrTooLongAreSkippedAndRecorded() {
    TableStore t = ctx.tables();
    String q = "Reverse the order of these words: red fox sun";
    List<PairRow> pairs = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      pairs.add(pair("good-" + i, q, "sun fox red", "red fox sun"));
    }
    pairs.add(pair("empty", q, "sun fox red", " "));
    pairs.add(pair("long", q, "sun fox red", "fox ".repeat(2000)));
    t.replace(Catalogue.PREFERENCE_PAIRS, pairs, TableStore.partition("bad", 1));
    StepRunner.run(ctx, stage, new TrainDpoStep());
    List<RejectedRow> skipped = t.collect(Catalogue.REJECTED_ROWS, TableStore.partitionIs("bad", 1)).stream()
        .filter(r -> r.step().equals("train_dpo")).toList();
    assertThat(skipped).extracting(RejectedRow::rowRef, RejectedRow::reason).containsExactlyInAnyOrder(
        tuple("pair-empty", "empty_completion"),
        tuple("pair-long", "too_long"));
    assertThat(ctx.ledger().succeeded(StepRunner.stepId(stage, "train_dpo")).orElseThrow().counts())
        .containsEntry("skipped_pairs", 2L);
    assertThat(t.collect(Catalogue.MODELS, TableStore.runIs("bad"))).extracting(ModelRow::name).contains("M2");
  }

  private static PairRow pair(String id, String prompt, String chosen, String rejected) {
    return new PairRow("bad", 1, "pair-" + id, "prompt-" + id, prompt, "c-" + id, "r-" + id, chosen,
        rejected, 5, 1, 4, "self_reward", "self_reward_dpo");
  }

  @Test
  void aPromptLongerThanTheContextIsSkippedAndRecorded() {
    TableStore t = ctx.tables();
    String huge = "Repeat these words: " + "alpha beta gamma delta ".repeat(400);
    List<PromptRow> prompts = List.of(
        new PromptRow("bad", 1, "p-short", "Reverse the order of these words: red fox sun", "accepted", null, null,
            "raw", 0, List.of(), "M1", 1L, 10, "eos"),
        new PromptRow("bad", 1, "p-huge", huge, "accepted", null, null, "raw", 1, List.of(), "M1", 2L, 10, "eos"));
    t.replace(Catalogue.PROMPTS, prompts, TableStore.partition("bad", 1));
    StepRunner.run(ctx, stage, new SampleResponsesStep());
    List<ResponseRow> responses = t.collect(Catalogue.RESPONSES, TableStore.partitionIs("bad", 1));
    int n = stage.settings().responses().numCandidates();
    assertThat(responses).hasSize(n).allMatch(r -> r.promptId().equals("p-short"));
    List<RejectedRow> skipped = t.collect(Catalogue.REJECTED_ROWS, TableStore.partitionIs("bad", 1)).stream()
        .filter(r -> r.step().equals("sample_responses")).toList();
    assertThat(skipped).isNotEmpty().allMatch(r -> r.rowRef().equals("p-huge")
        && r.reason().equals("prompt_too_long"));
    assertThat(ctx.ledger().succeeded(StepRunner.stepId(stage, "sample_responses")).orElseThrow().counts())
        .containsEntry("skipped_prompts", 1L);
  }
}

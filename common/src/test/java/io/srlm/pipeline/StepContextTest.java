package io.srlm.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.srlm.config.SrlmConfig;
import io.srlm.errors.SrlmException;
import io.srlm.spark.ModelSpec;
import io.srlm.tables.Catalogue;
import io.srlm.tables.RejectedRow;
import io.srlm.tables.RunStep;
import io.srlm.tables.TableStore;
import io.srlm.testing.LocalSpark;
import io.srlm.testing.TestConf;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The step bookkeeping the runner does for every step: a stage's own settings (a stage's engine override reaches
 * the executors' model spec), pinned and recorded reads, writes tagged with the step id in the Delta history, and
 * rejected_rows replaced per step. Runs tiny in-test steps on the shared local Spark, no model.
 */
@ExtendWith(LocalSpark.class)
class StepContextTest {
  @TempDir
  Path dir;

  private RunContext ctx;
  private SrlmConfig.Stage stage;

  @BeforeEach
  void open() {
    SrlmConfig cfg = TestConf.tiny(dir, "run.id=stepctx", "engine.threads=1", "engine.batch_size=16",
        "loop.stages=[sft, {type = self_reward_dpo, engine { threads = 3, batch_size = 5 }}]");
    ctx = RunContext.open(LocalSpark.session(), cfg, false, false);
    stage = cfg.loop().stages().get(1);
  }

  /** A one-off step whose body is {@code body}. */
  private static Step step(String name, Function<StepContext, StepResult> body) {
    return new Step() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public StepResult run(StepContext s) {
        return body.apply(s);
      }
    };
  }

  @Test
  void aStageEngineOverrideReachesTheExecutorsModelSpec() {
    List<ModelSpec> seen = new ArrayList<>();
    StepRunner.run(ctx, stage, step("probe", s -> {
      seen.add(s.modelSpec("/models/m"));
      return s.done("probed");
    }));
    assertThat(seen.get(0).engine().threads()).isEqualTo(3);
    assertThat(seen.get(0).engine().batchSize()).isEqualTo(5);
    assertThat(ctx.config().engine().threads()).isEqualTo(1);
  }

  @Test
  void readsArePinnedAndRecordedAndWritesAreTaggedWithTheStepId() {
    TableStore t = ctx.tables();
    t.replace(Catalogue.REJECTED_ROWS, List.of(reject("other_step", "x")), TableStore.partition("stepctx", 1)
        + " AND step = 'other_step'");
    long before = t.version(Catalogue.REJECTED_ROWS);
    List<Long> counts = new ArrayList<>();
    RunStep row = StepRunner.run(ctx, stage, step("writer", s -> {
      counts.add(s.frame(Catalogue.REJECTED_ROWS, s.partition()).count());
      // Someone else commits in between: this step keeps reading the version it pinned.
      t.replace(Catalogue.REJECTED_ROWS, List.of(reject("other_step", "x"), reject("other_step", "y")),
          TableStore.partition("stepctx", 1) + " AND step = 'other_step'");
      counts.add(s.frame(Catalogue.REJECTED_ROWS, s.partition()).count());
      s.replaceRejected(List.of(reject("writer", "a"), reject("writer", "b")));
      return s.done("wrote");
    }));
    assertThat(counts).containsExactly(1L, 1L);
    assertThat(row.inputVersions()).containsEntry("rejected_rows", before);
    long written = row.outputVersions().get("rejected_rows");
    assertThat(written).isEqualTo(before + 2);
    Row commit = LocalSpark.session().sql("DESCRIBE HISTORY delta.`" + t.location(Catalogue.REJECTED_ROWS) + "`")
        .where(functions.col("version").equalTo(written)).first();
    assertThat(commit.<String>getAs("userMetadata")).isEqualTo("s01.self_reward_dpo.writer");

    // A re-run replaces only its own rows (idempotent); the other step's rows stay.
    StepRunner.run(ctx, stage, step("writer", s -> {
      s.replaceRejected(List.of(reject("writer", "a")));
      return s.done("rewrote");
    }));
    assertThat(t.read(Catalogue.REJECTED_ROWS).where(TableStore.partitionIs("stepctx", 1)).groupBy("step").count()
        .collectAsList()).extracting(r -> r.getString(0) + "=" + r.getLong(1))
        .containsExactlyInAnyOrder("writer=1", "other_step=2");
  }

  @Test
  void theRunsTableHoldsOneRowPerExecutionAndResumeSkipsWhatSucceeded() {
    RunStep ok = StepRunner.runOnce(ctx, stage, step("counted", s -> s.result().count("rows_out", 7)
        .read("prompts", 3).wrote("responses", 4).build("counted 7")));
    assertThatThrownBy(() -> StepRunner.runOnce(ctx, stage, step("broken", s -> {
      throw new IllegalStateException("boom");
    }))).hasMessage("boom");
    // Already succeeded: not run again, the same execution returned.
    assertThat(StepRunner.runOnce(ctx, stage, step("counted", s -> {
      throw new AssertionError("a succeeded step ran again");
    }))).isEqualTo(ok);

    List<RunStep> rows = new RunLedger(ctx.tables(), "stepctx", "hash").steps();
    assertThat(rows).hasSize(2);
    assertThat(rows.get(0)).isEqualTo(ok);
    assertThat(ok.status()).isEqualTo(RunLedger.SUCCEEDED);
    assertThat(ok.counts()).containsExactly(java.util.Map.entry("rows_out", 7L));
    assertThat(ok.inputVersions()).containsExactly(java.util.Map.entry("prompts", 3L));
    assertThat(ok.outputVersions()).containsExactly(java.util.Map.entry("responses", 4L));
    assertThat(ok.endedAtMs()).isGreaterThanOrEqualTo(ok.startedAtMs());
    RunStep failed = rows.get(1);
    assertThat(failed.stepId()).isEqualTo("s01.self_reward_dpo.broken");
    assertThat(failed.status()).isEqualTo(RunLedger.FAILED);
    assertThat(failed.message()).isEqualTo("IllegalStateException: boom");
    assertThat(failed.endedAtMs()).isNotNull();
    assertThat(failed.counts()).isEmpty();

    // A resumed driver reads the table afresh: it skips the succeeded step and not the failed one.
    RunLedger resumed = new RunLedger(ctx.tables(), "stepctx", "hash");
    assertThat(resumed.succeeded("s01.self_reward_dpo.counted")).contains(ok);
    assertThat(resumed.succeeded("s01.self_reward_dpo.broken")).isEmpty();
  }

  @Test
  void anEmptyRequiredReadNamesTheTableAndTheFix() {
    assertThatThrownBy(() -> StepRunner.run(ctx, stage, step("needs", s -> {
      s.rows(Catalogue.PREFERENCE_PAIRS, s.partition(), "run build-pairs first");
      return s.done("unreachable");
    }))).isInstanceOf(SrlmException.class).hasMessageContaining("preference_pairs")
        .hasMessageContaining("run build-pairs first");
  }

  private static RejectedRow reject(String step, String ref) {
    return new RejectedRow("stepctx", 1, step, "prompts", ref, "test", "in-test row");
  }
}

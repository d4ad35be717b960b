package io.srlm.steps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.srlm.config.SrlmConfig;
import io.srlm.errors.SrlmException;
import io.srlm.pipeline.RunContext;
import io.srlm.pipeline.StepRunner;
import io.srlm.tables.Catalogue;
import io.srlm.tables.TableStore;
import io.srlm.testing.LocalSpark;
import io.srlm.testing.TestConf;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** `srlm seed`: the three sources land in seed_ift / seed_eft, queryable with SQL; bad input leaves nothing. */
@ExtendWith(LocalSpark.class)
class LoadSeedStepTest {
  @TempDir
  Path dir;

  private RunContext run(String runId, String... sets) {
    String[] all = new String[sets.length + 1];
    all[0] = "run.id=" + runId;
    System.arraycopy(sets, 0, all, 1, sets.length);
    SrlmConfig cfg = TestConf.tiny(dir, all);
    RunContext ctx = RunContext.open(LocalSpark.session(), cfg, false, false);
    StepRunner.run(ctx, cfg.loop().stages().get(0), new LoadSeedStep());
    return ctx;
  }

  @Test
  void builtinSeedIsQueryableWithSql() {
    RunContext ctx = run("builtin", "seed.builtin.ift_per_task=20", "seed.builtin.eft_groups_per_task=4",
        "seed.builtin.task_creation_rows=10");
    SparkSession spark = LocalSpark.session();
    long ift = spark.sql("SELECT count(*) FROM delta.`" + ctx.tables().location(Catalogue.SEED_IFT)
        + "` WHERE run_id = 'builtin'").first().getLong(0);
    long heldout = spark.sql("SELECT count(*) FROM delta.`" + ctx.tables().location(Catalogue.SEED_IFT)
        + "` WHERE run_id = 'builtin' AND split = 'heldout'").first().getLong(0);
    long eftGroups = spark.sql("SELECT count(DISTINCT group_id) FROM delta.`"
        + ctx.tables().location(Catalogue.SEED_EFT) + "` WHERE run_id = 'builtin'").first().getLong(0);
    assertThat(ift).isGreaterThan(100);
    assertThat(heldout).isPositive().isLessThan(ift);
    assertThat(eftGroups).isPositive();
    assertThat(ctx.ledger().succeeded("s00.sft.seed")).isPresent();
  }

  @Test
  void userJsonlWithABadRowFailsNamingFileAndLineAndWritesNothing() throws Exception {
    Path file = dir.resolve("ift.jsonl");
    Files.writeString(file, "{\"prompt\": \"Hi\", \"completion\": \"Hello\"}\n{\"prompt\": 3, \"completion\": \"x\"}\n",
        StandardCharsets.UTF_8);
    assertThatThrownBy(() -> run("badjsonl", "seed.source=jsonl", "seed.ift_path=" + file))
        .isInstanceOf(SrlmException.class).hasMessageContaining(file.toString()).hasMessageContaining("line=2");
    SrlmConfig cfg = TestConf.tiny(dir, "run.id=badjsonl");
    TableStore t = new TableStore(LocalSpark.session(), cfg.storage());
    assertThat(t.read(Catalogue.SEED_IFT).where(TableStore.runIs("badjsonl")).count()).isZero();
  }

  @Test
  void skippedRowsAreCountedAndRecorded() throws Exception {
    Path file = dir.resolve("ift2.jsonl");
    Files.writeString(file, "{\"prompt\": \"Hi\", \"completion\": \"Hello\"}\nnot json\n"
        + "{\"prompt\": \"Bye\", \"completion\": \"Goodbye\"}\n", StandardCharsets.UTF_8);
    RunContext ctx = run("skip", "seed.source=jsonl", "seed.ift_path=" + file, "seed.on_bad_row=skip");
    assertThat(ctx.tables().read(Catalogue.SEED_IFT).where(TableStore.runIs("skip")).count()).isEqualTo(2);
    assertThat(ctx.tables().read(Catalogue.REJECTED_ROWS).where(TableStore.runIs("skip")).collectAsList())
        .hasSize(1).allMatch(r -> r.getAs("row_ref").toString().endsWith(":2"));
    assertThat(ctx.ledger().succeeded("s00.sft.seed").orElseThrow().counts()).containsEntry("skipped_rows", 1L);
  }

  @Test
  void aTableRootThatCannotBeCreatedIsAClearError() throws Exception {
    Path notADir = dir.resolve("plain-file");
    Files.writeString(notADir, "x");
    SrlmConfig cfg = TestConf.tiny(dir, "storage.table_root=" + notADir.resolve("tables"));
    assertThatThrownBy(() -> RunContext.open(LocalSpark.session(), cfg, false, false))
        .isInstanceOf(SrlmException.class).hasMessageContaining("storage.table_root")
        .hasMessageContaining(notADir.resolve("tables").toString());
  }
}

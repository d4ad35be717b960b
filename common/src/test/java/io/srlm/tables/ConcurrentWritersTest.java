package io.srlm.tables;

import static org.assertj.core.api.Assertions.assertThat;

import io.srlm.config.SrlmConfig;
import io.srlm.pipeline.RunLedger;
import io.srlm.pipeline.StepResult;
import io.srlm.testing.LocalSpark;
import io.srlm.testing.TestConf;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writers that meet on the same Delta tables at the same time: two runs writing their own partitions, and two
 * copies of the same step writing the same partition. Delta's optimistic concurrency detects the overlapping
 * commits; the store retries its idempotent writes, so every run ends with exactly its own rows.
 */
@ExtendWith(LocalSpark.class)
class ConcurrentWritersTest {
  @TempDir
  Path dir;

  static List<PromptRow> prompts(String run, int iteration, int n) {
    List<PromptRow> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(new PromptRow(run, iteration, run + "-" + iteration + "-" + i, "prompt " + i, "accepted", null, null,
          "raw", i, List.of("s1"), "M1", 7L + i, 3, "eos"));
    }
    return out;
  }

  TableStore store() {
    SrlmConfig cfg = TestConf.tiny(dir);
    return new TableStore(LocalSpark.session(), cfg.storage());
  }

  /** Each writer replaces its partitions and records its steps in runs, iteration after iteration. */
  static Callable<Void> writer(TableStore t, String run, int iterations, int rows) {
    return () -> {
      RunLedger ledger = new RunLedger(t, run, "hash-" + run);
      for (int it = 1; it <= iterations; it++) {
        var started = ledger.start("s0" + it + ".generate_prompts", it, "self_reward_dpo", "generate_prompts");
        t.replace(Catalogue.PROMPTS, prompts(run, it, rows), TableStore.partition(run, it));
        ledger.succeed(started, new StepResult.Builder(started.stepId()).build("ok"));
      }
      return null;
    };
  }

  @Test
  void twoRunsWritingTheSameTablesAtOnceKeepTheirOwnRows() throws Exception {
    TableStore t = store();
    t.ensure(Catalogue.PROMPTS);
    t.ensure(Catalogue.RUNS);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<Void>> f = pool.invokeAll(List.of(writer(t, "run-a", 2, 5), writer(t, "run-b", 2, 7)));
      for (Future<Void> x : f) {
        x.get();
      }
    } finally {
      pool.shutdownNow();
    }
    for (String run : List.of("run-a", "run-b")) {
      int n = run.equals("run-a") ? 5 : 7;
      List<PromptRow> rows = t.collect(Catalogue.PROMPTS, TableStore.runIs(run));
      assertThat(rows).hasSize(2 * n);
      assertThat(rows).extracting(PromptRow::promptId).doesNotHaveDuplicates()
          .allMatch(id -> id.startsWith(run + "-"));
      List<RunStep> steps = t.collect(Catalogue.RUNS, TableStore.runIs(run));
      assertThat(steps).hasSize(2).allMatch(s -> s.status().equals(RunLedger.SUCCEEDED));
    }
  }

  @Test
  void twoCopiesOfTheSameStepLeaveOneCopyOfItsRows() throws Exception {
    TableStore t = store();
    t.ensure(Catalogue.PROMPTS);
    List<PromptRow> rows = prompts("run-c", 1, 6);
    Callable<Long> step = () -> {
      long v = -1;
      for (int i = 0; i < 2; i++) {
        v = t.replace(Catalogue.PROMPTS, rows, TableStore.partition("run-c", 1));
      }
      return v;
    };
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      for (Future<Long> x : pool.invokeAll(List.of(step, step))) {
        assertThat(x.get()).isPositive();
      }
    } finally {
      pool.shutdownNow();
    }
    List<Row> now = t.read(Catalogue.PROMPTS).where(TableStore.runIs("run-c")).collectAsList();
    assertThat(now).hasSize(6);
    assertThat(t.collect(Catalogue.PROMPTS, TableStore.runIs("run-c"))).extracting(PromptRow::promptId)
        .doesNotHaveDuplicates();
  }
}

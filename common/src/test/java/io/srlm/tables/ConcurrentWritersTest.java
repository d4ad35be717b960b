package io.srlm.tables;

import static org.assertj.core.api.Assertions.assertThat;

import io.srlm.pipeline.RunLedger;
import io.srlm.pipeline.StepResult;
import io.srlm.testing.ChildJvm;
import io.srlm.testing.LocalSpark;
import io.srlm.testing.TestConf;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writers that meet on the same Delta tables at the same time, as two separate JVM processes with their own Spark
 * sessions ({@link ConcurrentWriterProcess}), as two srlm drivers would: each writes its own run's partitions, then
 * both replace the same partition (two copies of the same step) until a Delta commit conflict has actually
 * happened and been retried (each process reports its count). Every run ends with exactly its own rows, and the
 * shared partition holds one copy of its rows.
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
  void twoProcessesWritingTheSameTablesAtOnceConflictRetryAndKeepTheirOwnRows() throws Exception {
    TableStore t = new TableStore(LocalSpark.session(), TestConf.tiny(dir).storage());
    t.ensure(Catalogue.PROMPTS); // created once here: the race is about commits, not table creation
    t.ensure(Catalogue.RUNS);
    Process a = start("run-a", 5, "a", "b");
    Process b = start("run-b", 7, "b", "a");
    long conflicts = finish(a, "a") + finish(b, "b");
    assertThat(conflicts).as("Delta commit conflicts the two processes retried (see the logs in " + dir + ")")
        .isPositive();
    for (String run : List.of("run-a", "run-b")) {
      int n = run.equals("run-a") ? 5 : 7;
      List<PromptRow> rows = t.collect(Catalogue.PROMPTS, TableStore.runIs(run));
      assertThat(rows).hasSize(2 * n);
      assertThat(rows).extracting(PromptRow::promptId).doesNotHaveDuplicates()
          .allMatch(id -> id.startsWith(run + "-"));
      List<RunStep> steps = t.collect(Catalogue.RUNS, TableStore.runIs(run));
      assertThat(steps).hasSize(2).allMatch(s -> s.status().equals(RunLedger.SUCCEEDED));
    }
    List<Row> shared = t.read(Catalogue.PROMPTS).where(TableStore.runIs(ConcurrentWriterProcess.SHARED_RUN))
        .collectAsList();
    assertThat(shared).hasSize(6);
    assertThat(t.collect(Catalogue.PROMPTS, TableStore.runIs(ConcurrentWriterProcess.SHARED_RUN)))
        .extracting(PromptRow::promptId).doesNotHaveDuplicates();
  }

  private Process start(String run, int rows, String me, String other) throws Exception {
    List<String> cmd = ChildJvm.command("1g", ConcurrentWriterProcess.class.getName(), dir.toString(), run,
        Integer.toString(rows), me, other);
    return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve(me + ".log").toFile())
        .start();
  }

  /**
   * Waits for a writer process (the deadline only stops a hung one: on a 2-core machine at load average 25 two
   * Spark JVMs took 6 minutes just to start); returns the conflicts it retried.
   */
  private long finish(Process p, String me) throws Exception {
    Path log = dir.resolve(me + ".log");
    try {
      boolean done = p.waitFor(20, TimeUnit.MINUTES);
      assertThat(done).as("writer " + me + " finished; its log ends:\n" + ChildJvm.tail(log, 40)).isTrue();
      assertThat(p.exitValue()).as("writer " + me + " exit code; it failed with " + ChildJvm.tail(log, 1)
          + "\nits log ends:\n" + ChildJvm.tail(log, 60))
          .isZero();
    } finally {
      p.destroyForcibly().waitFor();
    }
    Matcher m = Pattern.compile("CONFLICTS_RETRIED=(\\d+)").matcher(Files.readString(log));
    assertThat(m.find()).as("writer " + me + " reported its conflicts: " + ChildJvm.tail(log, 20)).isTrue();
    return Long.parseLong(m.group(1));
  }
}

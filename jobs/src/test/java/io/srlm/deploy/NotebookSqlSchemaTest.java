package io.srlm.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.srlm.config.SrlmConfig;
import io.srlm.deploy.NotebookSql.Statement;
import io.srlm.tables.Catalogue;
import io.srlm.tables.EvalSample;
import io.srlm.tables.EvaluationRow;
import io.srlm.tables.JudgementRow;
import io.srlm.tables.MetricRow;
import io.srlm.tables.ModelRow;
import io.srlm.tables.PairRow;
import io.srlm.tables.PromptRow;
import io.srlm.tables.ReferenceLogprob;
import io.srlm.tables.RejectedRow;
import io.srlm.tables.ResponseRow;
import io.srlm.tables.RunConfig;
import io.srlm.tables.RunStep;
import io.srlm.tables.SeedEft;
import io.srlm.tables.SeedIft;
import io.srlm.tables.TableDef;
import io.srlm.tables.TableStore;
import io.srlm.testing.LocalSpark;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every notebook statement runs on Spark 3.5 + Delta against the catalogue's table schemas: the tables are created
 * from the row records (as the jobs create them) and hold a few hand-made rows of one run. This checks names, types
 * and syntax; whether the analyses say something useful about a real run is for the tests that run the loop.
 */
class NotebookSqlSchemaTest {
  private static final String RUN = "run-notebooks";
  private static final String DB = "srlm_notebook_check";

  @TempDir
  Path dir;

  @Test
  void everyNotebookStatementRunsAgainstTheCatalogueTables() {
    // Spark on JDK 17 needs the opens of conf/jvm.properties (srlm.jvm.opens) on the test JVM.
    assumeTrue(Object.class.getModule().isOpen("sun.nio.ch", NotebookSqlSchemaTest.class.getModule()),
        "the test JVM lacks srlm.jvm.opens of conf/jvm.properties: skipped (the surefire argLine does not pass "
            + "them yet; JDK_JAVA_OPTIONS=\"<srlm.jvm.opens>\" mvn ... runs it)");
    SparkSession spark = LocalSpark.session();
    TableStore store = new TableStore(spark, new SrlmConfig.Storage(dir.resolve("tables").toString(),
        dir.resolve("models").toString(), DB, dir.resolve("cache").toString(), Map.of()));
    for (TableDef<?> t : Catalogue.ALL) {
      store.ensure(t);
    }
    fill(store);

    String before = spark.catalog().currentDatabase();
    List<String> failures = new ArrayList<>();
    List<Statement> statements = NotebookSql.statements(NotebookSql.notebooksDir(), RUN, DB);
    try {
      for (Statement s : statements) {
        try {
          spark.sql(s.sql()).collectAsList();
        } catch (RuntimeException e) {
          failures.add(s + "\n  -> " + firstLine(e));
        }
        // As Databricks and the Python notebooks run them: the markers bound by Spark (analysis only).
        try {
          spark.sql(s.rawSql(), Map.<String, Object>of(NotebookSql.RUN_ID, RUN, NotebookSql.DATABASE, DB))
              .queryExecution().assertAnalyzed();
        } catch (RuntimeException e) {
          failures.add("(with bound parameters) " + s + "\n  -> " + firstLine(e));
        }
      }
    } finally {
      spark.catalog().setCurrentDatabase(before);
    }
    assertThat(statements).hasSizeGreaterThan(40);
    assertThat(failures).as("notebook statements that Spark refused").isEmpty();
  }

  private static String firstLine(Throwable e) {
    String m = String.valueOf(e.getMessage());
    int nl = m.indexOf('\n');
    return e.getClass().getSimpleName() + ": " + (nl < 0 ? m : m.substring(0, nl));
  }

  /** A few rows of one run in every table the notebooks read. */
  private static void fill(TableStore store) {
    long t0 = 1_700_000_000_000L;
    store.append(Catalogue.SEED_IFT, List.of(
        new SeedIft(RUN, 0, "s1", "builtin", "train", "arithmetic", "What is 2+2?", "4"),
        new SeedIft(RUN, 0, "s2", "builtin", "heldout", "task_creation", "Write a task.", "Add 3 and 5.")));
    store.append(Catalogue.SEED_EFT, List.of(
        new SeedEft(RUN, 0, "e1", "builtin", "train", "arithmetic", "g1", "What is 2+2?", "4", 5.0, 0, "judge: 4",
            "Good. Score: 5")));
    store.append(Catalogue.PROMPTS, List.of(
        new PromptRow(RUN, 1, "p1", "Add 3 and 5.", "accepted", null, null, "Task: Add 3 and 5.", 0,
            List.of("s1", "s2"), "M1", 11L, 12, "eos"),
        new PromptRow(RUN, 1, "p2", "Add 3 and 5!", "rejected", "near_duplicate_batch", "p1", "Task: Add 3 and 5!",
            1, List.of("s1"), "M1", 12L, 12, "eos")));
    store.append(Catalogue.RESPONSES, List.of(
        new ResponseRow(RUN, 1, "r1", "p1", 0, 21L, "Add 3 and 5.", "8", 10, 2, "eos", "M1", "self"),
        new ResponseRow(RUN, 1, "r2", "p1", 1, 22L, "Add 3 and 5.", "The answer is 9, I think.", 10, 9, "length",
            "M1", "self")));
    store.append(Catalogue.JUDGEMENTS, List.of(
        new JudgementRow(RUN, 1, "j1", "r1", "p1", 0, 31L, "Correct. Score: 5", 5.0, "ok", 4.5, 2, "M1",
            "additive-5pt", 6, "eos"),
        new JudgementRow(RUN, 1, "j2", "r1", "p1", 1, 32L, "Fine. Score: 4", 4.0, "ok", 4.5, 2, "M1",
            "additive-5pt", 6, "eos"),
        new JudgementRow(RUN, 1, "j3", "r2", "p1", 0, 33L, "Wrong. Score: 1", 1.0, "ok", 1.0, 1, "M1",
            "additive-5pt", 6, "eos"),
        new JudgementRow(RUN, 1, "j4", "r2", "p1", 1, 34L, "Hmm", null, "no_score", 1.0, 1, "M1", "additive-5pt",
            2, "length")));
    store.append(Catalogue.PREFERENCE_PAIRS, List.of(
        new PairRow(RUN, 1, "pp1", "p1", "Add 3 and 5.", "r1", "r2", "8", "The answer is 9, I think.", 4.5, 1.0,
            3.5, "self_reward", "self_reward_dpo")));
    store.append(Catalogue.REFERENCE_LOGPROBS, List.of(
        new ReferenceLogprob(RUN, 1, "self_reward_dpo", "pp1", "M1", -3.2, -9.1, 2, 9, false)));
    List<MetricRow> metrics = new ArrayList<>();
    for (int step = 1; step <= 12; step++) {
      metrics.add(new MetricRow(RUN, 0, "sft", "train", step, "loss", 2.0 / step, t0 + step));
      metrics.add(new MetricRow(RUN, 1, "dpo", "train", step, "loss", 0.69 - step * 0.01, t0 + step));
      metrics.add(new MetricRow(RUN, 1, "dpo", "train", step, "reward_accuracy", 0.5 + step * 0.02, t0 + step));
    }
    metrics.add(new MetricRow(RUN, 1, "dpo", "val", 12, "loss", 0.6, t0 + 12));
    store.append(Catalogue.TRAINING_METRICS, metrics);
    store.append(Catalogue.MODELS, List.of(
        new ModelRow(RUN, 0, "m1", "M1", "sft", "/models/M1", "/models/M1-adapter", "builtin:tiny", null, null,
            Map.of("seed_ift", 1L), "cfg", t0, Map.of("train_loss", 0.2)),
        new ModelRow(RUN, 1, "m2", "M2", "self_reward_dpo", "/models/M2", null, "builtin:tiny", "M1", "M1",
            Map.of("preference_pairs", 1L, "reference_logprobs", 1L), "cfg", t0 + 100,
            Map.of("val_reward_accuracy", 0.75))));
    store.append(Catalogue.RUNS, List.of(
        new RunStep(RUN, "s00.train_sft", 0, "sft", "train_sft", "x1", "succeeded", t0, t0 + 5000,
            Map.of("seed_ift", 1L), Map.of("models", 1L), Map.of("rows_in", 2L), null, "cfg", "host-a"),
        new RunStep(RUN, "s01.build_pairs", 1, "self_reward_dpo", "build_pairs", "x2", "failed", t0 + 6000,
            t0 + 7000, Map.of(), Map.of(), Map.of(), "executor lost", "cfg", "host-a"),
        new RunStep(RUN, "s01.build_pairs", 1, "self_reward_dpo", "build_pairs", "x3", "succeeded", t0 + 8000,
            t0 + 9000, Map.of("judgements", 1L), Map.of("preference_pairs", 1L), Map.of("pairs", 1L), null, "cfg",
            "host-b"),
        new RunStep(RUN, "s01.train_dpo", 1, "self_reward_dpo", "train_dpo", "x4", "running", t0 + 9500, null,
            Map.of("preference_pairs", 1L), Map.of(), Map.of(), null, "cfg", "host-b")));
    store.append(Catalogue.RUN_CONFIG, List.of(new RunConfig(RUN, "cfg", "{\"loop.iterations\":\"3\"}", t0)));
    store.append(Catalogue.EVALUATIONS, List.of(
        new EvaluationRow(RUN, 1, "M2", "head_to_head", "win_rate", 0.6, 10, 0.3, 0.85),
        new EvaluationRow(RUN, 1, "M2", "judge", "pairwise_accuracy", 0.7, 20, null, null)));
    store.append(Catalogue.EVAL_SAMPLES, List.of(
        new EvalSample(RUN, 1, "M2", "head_to_head", "h1", "Add 3 and 5.", "A", 1.0, null, "ok"),
        new EvalSample(RUN, 1, "M2", "head_to_head", "h2", "Add 1 and 1.", "tie", 0.5, null, "ok"),
        new EvalSample(RUN, 1, "M2", "task_greedy", "t1", "What is 2+2?", "4", 1.0, 4.0, "ok")));
    store.append(Catalogue.REJECTED_ROWS, List.of(
        new RejectedRow(RUN, 1, "build_pairs", "judgements", "p9", "all_tied", "every response scored 3")));
  }
}

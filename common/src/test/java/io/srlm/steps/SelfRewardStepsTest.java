package io.srlm.steps;

import static org.assertj.core.api.Assertions.assertThat;

import io.srlm.config.SrlmConfig;
import io.srlm.loop.Recipe;
import io.srlm.pipeline.RunContext;
import io.srlm.pipeline.StepRunner;
import io.srlm.tables.Catalogue;
import io.srlm.tables.JudgementRow;
import io.srlm.tables.PairRow;
import io.srlm.tables.PromptRow;
import io.srlm.tables.ResponseRow;
import io.srlm.tables.TableDef;
import io.srlm.tables.TableStore;
import io.srlm.testing.LocalSpark;
import io.srlm.testing.TaskAttempts;
import io.srlm.testing.TestConf;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The four Spark jobs of one self-reward iteration, in sequence on local[2] with the test model: they fill
 * prompts, responses (exactly N per prompt), judgements (k per response) and preference_pairs, queryable with
 * SQL; re-running a job gives the same contents with a new version; a task that fails on its first attempt in
 * every stage is retried by Spark and yields exactly the rows of the clean run.
 */
@ExtendWith(LocalSpark.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SelfRewardStepsTest {
  static final List<String> STEPS = List.of("generate_prompts", "sample_responses", "judge_responses", "build_pairs");

  @TempDir
  static Path dir;
  RunContext ctx;
  SrlmConfig.Stage stage;

  @BeforeAll
  void runOneIteration() {
    SrlmConfig cfg = TestConf.loop(dir, "run.id=steps");
    ctx = RunContext.open(LocalSpark.session(), cfg, false, false);
    SrlmConfig.Stage first = cfg.loop().stages().get(0);
    StepRunner.run(ctx, first, new LoadSeedStep());
    StepRunner.run(ctx, first, new BaseModelStep());
    stage = first;
    for (String s : STEPS) {
      StepRunner.run(ctx, stage, Recipe.step(stage, s));
    }
  }

  @Test
  void everyTableIsFilledAndConsistent() {
    TableStore t = ctx.tables();
    List<PromptRow> prompts = t.collect(Catalogue.PROMPTS, TableStore.partitionIs("steps", 1));
    List<PromptRow> accepted = prompts.stream().filter(p -> p.status().equals("accepted")).toList();
    assertThat(accepted).isNotEmpty();
    assertThat(prompts).filteredOn(p -> p.status().equals("rejected")).allMatch(p -> p.rejectReason() != null);
    assertThat(accepted).allMatch(p -> p.shotIds().size() == 8);
    List<ResponseRow> responses = t.collect(Catalogue.RESPONSES, TableStore.partitionIs("steps", 1));
    Map<String, Long> perPrompt = responses.stream().collect(Collectors.groupingBy(ResponseRow::promptId,
        Collectors.counting()));
    assertThat(perPrompt.keySet()).isEqualTo(accepted.stream().map(PromptRow::promptId).collect(Collectors.toSet()));
    assertThat(perPrompt.values()).allMatch(n -> n == 4);
    List<JudgementRow> judgements = t.collect(Catalogue.JUDGEMENTS, TableStore.partitionIs("steps", 1));
    Map<String, List<JudgementRow>> byResponse = judgements.stream().collect(Collectors.groupingBy(
        JudgementRow::responseId));
    assertThat(byResponse.keySet()).isEqualTo(responses.stream().map(ResponseRow::responseId)
        .collect(Collectors.toSet()));
    for (List<JudgementRow> js : byResponse.values()) {
      assertThat(js).hasSize(2);
      long ok = js.stream().filter(j -> j.score() != null).count();
      assertThat(js).allMatch(j -> (j.score() != null) == j.parseStatus().equals("ok"));
      assertThat(js).allMatch(j -> j.validJudgements() == ok);
      if (ok > 0) {
        double mean = js.stream().filter(j -> j.score() != null).mapToDouble(JudgementRow::score).average()
            .orElseThrow();
        assertThat(js).allMatch(j -> Math.abs(j.meanScore() - mean) < 1e-9);
      } else {
        assertThat(js).allMatch(j -> j.meanScore() == null);
      }
    }
    List<PairRow> pairs = t.collect(Catalogue.PREFERENCE_PAIRS, TableStore.partitionIs("steps", 1));
    assertThat(pairs).isNotEmpty();
    Set<String> responseIds = byResponse.keySet();
    assertThat(pairs).allMatch(p -> p.chosenScore() > p.rejectedScore() && responseIds.contains(p.chosenId())
        && responseIds.contains(p.rejectedId()) && !p.chosenId().equals(p.rejectedId()));
  }

  @Test
  void tablesAreQueryableWithSql() {
    SparkSession spark = LocalSpark.session();
    for (TableDef<?> d : List.of(Catalogue.PROMPTS, Catalogue.RESPONSES, Catalogue.JUDGEMENTS,
        Catalogue.PREFERENCE_PAIRS, Catalogue.RUNS)) {
      long n = spark.sql("SELECT count(*) FROM delta.`" + ctx.tables().location(d) + "` WHERE run_id = 'steps'")
          .first().getLong(0);
      assertThat(n).as(d.name()).isPositive();
    }
    Row r = spark.sql("SELECT count(*), sum(CASE WHEN parse_status = 'ok' THEN 1 ELSE 0 END) FROM delta.`"
        + ctx.tables().location(Catalogue.JUDGEMENTS) + "`").first();
    assertThat(r.getLong(1)).isPositive();
  }

  @Test
  void rerunsAndFirstAttemptFailuresGiveTheSameRows() {
    Map<String, List<String>> clean = snapshot();
    Map<TableDef<?>, Long> versions = new HashMap<>();
    for (TableDef<?> d : tables()) {
      versions.put(d, ctx.tables().version(d));
    }
    SrlmConfig faulty = TestConf.loop(dir, "run.id=steps",
        "debug.fail_first_attempt=[generate_prompts, sample_responses, judge_responses, build_pairs]");
    RunContext again = RunContext.open(LocalSpark.session(), faulty, true, false);
    SrlmConfig.Stage s = faulty.loop().stages().get(0);
    SparkContext sc = LocalSpark.session().sparkContext();
    TaskAttempts recorder = TaskAttempts.record(sc);
    try {
      for (String name : STEPS) {
        sc.setLocalProperty(TaskAttempts.LABEL, name);
        StepRunner.run(again, s, Recipe.step(s, name));
      }
    } finally {
      sc.setLocalProperty(TaskAttempts.LABEL, null);
      recorder.close(); // drains the listener bus: every attempt of the four steps is in
    }
    List<TaskAttempts.Attempt> attempts = recorder.attempts();
    for (String name : STEPS) {
      assertEveryTaskFailedOnceThenSucceeded(name, attempts);
    }
    assertThat(snapshot()).isEqualTo(clean);
    for (TableDef<?> d : tables()) {
      assertThat(ctx.tables().version(d)).as(d.name() + " has a new version").isGreaterThan(versions.get(d));
    }
  }

  /**
   * From Spark's listener: {@code step} ran at least one stage where the injected fault fired, and in each such
   * stage every task that read rows failed its first attempt with the injected failure and succeeded on its second
   * (attempt 1), and no task needed a third.
   */
  static void assertEveryTaskFailedOnceThenSucceeded(String step, List<TaskAttempts.Attempt> all) {
    List<TaskAttempts.Attempt> mine = all.stream().filter(a -> a.label().equals(step)).toList();
    String marker = "injected failure (debug.fail_first_attempt) in " + step + ",";
    Set<Integer> faulted = mine.stream().filter(a -> a.failure().contains(marker)).map(TaskAttempts.Attempt::stageId)
        .collect(Collectors.toSet());
    assertThat(faulted).as(step + ": Spark stages where the injected fault fired, of " + mine).isNotEmpty();
    for (int stageId : faulted) {
      List<TaskAttempts.Attempt> tasks = mine.stream().filter(a -> a.stageId() == stageId).toList();
      String where = step + ", Spark stage " + stageId + ": " + tasks;
      assertThat(tasks).as(where).allMatch(a -> a.attempt() <= 1);
      assertThat(tasks).as(where + " (failures are the injected one, on first attempts)")
          .filteredOn(a -> !a.succeeded()).allMatch(a -> a.attempt() == 0 && a.failure().contains(marker));
      Map<Integer, List<TaskAttempts.Attempt>> byPartition = tasks.stream().collect(Collectors.groupingBy(
          TaskAttempts.Attempt::partition));
      for (List<TaskAttempts.Attempt> p : byPartition.values()) {
        TaskAttempts.Attempt first = p.stream().filter(a -> a.attempt() == 0).findFirst().orElseThrow();
        if (first.succeeded()) {
          assertThat(first.rowsRead()).as(where + " (a first attempt that succeeded had no rows)").isZero();
          assertThat(p).as(where).hasSize(1);
        } else {
          assertThat(p).as(where + " (one retry, which succeeded)").hasSize(2)
              .anyMatch(a -> a.attempt() == 1 && a.succeeded());
        }
      }
      assertThat(tasks).as(where + " (tasks with rows)").anyMatch(a -> a.attempt() == 1 && a.rowsRead() > 0);
    }
  }

  private static List<TableDef<?>> tables() {
    return List.of(Catalogue.PROMPTS, Catalogue.RESPONSES, Catalogue.JUDGEMENTS, Catalogue.PREFERENCE_PAIRS);
  }

  /** Every row of the iteration's tables, as sorted strings (ids, texts and scores included). */
  private Map<String, List<String>> snapshot() {
    Map<String, List<String>> out = new HashMap<>();
    for (TableDef<?> d : tables()) {
      out.put(d.name(), ctx.tables().read(d).where(TableStore.partitionIs("steps", 1)).collectAsList().stream()
          .map(Row::toString).sorted().toList());
    }
    return out;
  }
}

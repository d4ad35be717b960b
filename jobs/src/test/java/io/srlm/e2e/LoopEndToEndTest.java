package io.srlm.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.srlm.cli.Srlm;
import io.srlm.config.SrlmConfig;
import io.srlm.deploy.NotebookSql;
import io.srlm.loop.LoopRunner;
import io.srlm.loop.RunSummary;
import io.srlm.model.io.CheckpointWeights;
import io.srlm.pipeline.RunContext;
import io.srlm.report.RunReport;
import io.srlm.tables.Catalogue;
import io.srlm.tables.ModelRow;
import io.srlm.tables.RunStep;
import io.srlm.tables.TableDef;
import io.srlm.tables.TableStore;
import io.srlm.testing.LocalSpark;
import io.srlm.testing.TestConf;
import io.srlm.train.TrainSpec;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A whole small loop on the test model (two self-reward iterations, evaluations on), shared by the checks that
 * need a finished run: resume after interruptions gives the same tables and models, model lineage points at real
 * table versions, every notebook statement runs, `srlm sql` answers over every table, and the report is written.
 */
@ExtendWith(LocalSpark.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LoopEndToEndTest {
  static final String RUN = "e2e";

  @TempDir
  static Path dir;
  RunContext straight;
  RunSummary summary;

  SrlmConfig config(String root, String... sets) {
    return TestConf.loop(dir.resolve(root), extra(root, sets));
  }

  String[] extra(String root, String... sets) {
    List<String> all = new ArrayList<>(List.of("run.id=" + RUN, "loop.evaluate=true", "dpo.checkpoint_every=1",
        "storage.database=" + root, "report.dir=" + dir.resolve(root + "-reports")));
    all.addAll(List.of(sets));
    return all.toArray(new String[0]);
  }

  @BeforeAll
  void runTheLoop() {
    straight = RunContext.open(LocalSpark.session(), config("straight"), false, false);
    summary = LoopRunner.run(straight);
  }

  @Test
  void theSummaryCoversEveryIteration() {
    assertThat(summary.lines()).extracting(RunSummary.Line::model).containsExactly("M2", "M3");
    String text = summary.render();
    assertThat(text).contains("M2").contains("M3").contains("scores 0|1|2|3|4|5");
    for (RunSummary.Line l : summary.lines()) {
      assertThat(l.pairs()).isPositive();
      assertThat(l.parseRate()).isNotNull();
      assertThat(l.evaluations()).containsKey("judge.pairwise_accuracy");
    }
  }

  /**
   * One run interrupted in every way, in turn, then resumed: the driver (a separate JVM running the CLI, as users
   * run it) killed with SIGKILL inside a Spark step; a stop at a step boundary; the driver SIGKILLed right after a
   * step boundary; DPO stopped after 2 of its 3 optimizer steps (as if killed after a checkpoint). The final tables,
   * training metrics and model equal the uninterrupted run's.
   */
  @Test
  void interruptedRunsResumeToTheSameTablesAndModel() throws Exception {
    String root = "resumed";
    Path tables = dir.resolve(root).resolve("tables");
    killDriverWhen(root, tables, "s00.self_reward_dpo.sample_responses", "running", 3_000);
    RunContext stopping = RunContext.open(LocalSpark.session(),
        config(root, "debug.stop_after_step=s00.self_reward_dpo.judge_responses"), false, false);
    // The SIGKILL left its step marked running, never ended: the ledger saw it die.
    assertThat(stopping.ledger().steps()).anyMatch(s -> s.stepId().equals("s00.self_reward_dpo.sample_responses")
        && s.status().equals("running"));
    assertThatThrownBy(() -> LoopRunner.run(stopping)).isInstanceOf(LoopRunner.Stopped.class);
    killDriverWhen(root, tables, "s01.self_reward_dpo.judge_responses", "succeeded", 0);
    RunContext halting = RunContext.open(LocalSpark.session(), config(root, "debug.halt_after_steps=2"), false,
        false);
    assertThatThrownBy(() -> LoopRunner.run(halting)).isInstanceOf(TrainSpec.Halted.class);
    RunContext resumed = RunContext.open(LocalSpark.session(), config(root), false, false);
    LoopRunner.run(resumed);
    assertSameAsStraight(resumed);
    List<RunStep> steps = resumed.ledger().steps();
    assertThat(steps).anyMatch(s -> s.status().equals("failed") && s.step().equals("train_dpo"));
    assertThat(steps.stream().filter(s -> s.step().equals("train_dpo") && s.status().equals("succeeded"))
        .mapToLong(s -> s.counts().get("resumed_from_step")).max().orElse(0)).isEqualTo(2);
  }

  /** Starts `srlm loop` in a child JVM and SIGKILLs it once the runs table shows {@code stepId} in {@code status}. */
  private void killDriverWhen(String root, Path tables, String stepId, String status, long afterMs)
      throws Exception {
    Path log = dir.resolve(root + "-driver-" + stepId + ".log");
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    java.util.Properties jvm = new java.util.Properties();
    try (var in = Files.newInputStream(TestConf.repoRoot().resolve("conf/jvm.properties"))) {
      jvm.load(in);
    }
    cmd.addAll(Arrays.asList(jvm.getProperty("srlm.jvm.opens").trim().split("\\s+")));
    cmd.addAll(List.of("-Xmx2g", "-Dai.djl.offline=true", "-Dspark.ui.enabled=false", "-cp",
        System.getProperty("java.class.path"), "io.srlm.cli.Srlm", "loop", "--conf-dir",
        TestConf.repoRoot().resolve("conf").toString(), "-p", TestConf.PROFILES));
    for (String set : TestConf.loopOverrides(dir.resolve(root), extra(root))) {
      cmd.add("--set");
      cmd.add(set);
    }
    Process driver = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      long deadline = System.nanoTime() + 600_000_000_000L;
      while (!stepIs(tables, stepId, status)) {
        if (!driver.isAlive() || System.nanoTime() > deadline) {
          throw new AssertionError("the driver " + (driver.isAlive() ? "did not reach " : "exited before ") + stepId
              + " " + status + "; its log " + log + " ends:\n" + tail(log));
        }
        Thread.sleep(500);
      }
      Thread.sleep(afterMs);
      assertThat(driver.isAlive()).as("driver still running when killed").isTrue();
    } finally {
      driver.destroyForcibly().waitFor(); // SIGKILL
    }
  }

  private static boolean stepIs(Path tables, String stepId, String status) {
    Path runs = tables.resolve("runs");
    if (!Files.isDirectory(runs.resolve("_delta_log"))) {
      return false;
    }
    try {
      return LocalSpark.session().read().format("delta").load(runs.toString())
          .where("step_id = '" + stepId + "' AND status = '" + status + "'").count() > 0;
    } catch (Exception e) { // not committed yet (Delta's AnalysisException is a checked exception in Java terms)
      return false;
    }
  }

  private static String tail(Path log) throws java.io.IOException {
    List<String> lines = Files.readAllLines(log);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
  }

  private void assertSameAsStraight(RunContext resumed) {
    for (TableDef<?> t : List.of(Catalogue.SEED_IFT, Catalogue.SEED_EFT, Catalogue.PROMPTS, Catalogue.RESPONSES,
        Catalogue.JUDGEMENTS, Catalogue.PREFERENCE_PAIRS, Catalogue.REFERENCE_LOGPROBS, Catalogue.EVALUATIONS,
        Catalogue.EVAL_SAMPLES, Catalogue.REJECTED_ROWS)) {
      assertThat(rows(resumed, t)).as(t.name()).isEqualTo(rows(straight, t));
    }
    assertThat(metrics(resumed)).isEqualTo(metrics(straight));
    List<RunStep> steps = resumed.ledger().steps();
    Map<String, Long> succeeded = steps.stream().filter(s -> s.status().equals("succeeded"))
        .collect(Collectors.groupingBy(RunStep::stepId, Collectors.counting()));
    assertThat(succeeded.values()).allMatch(n -> n == 1);
    float[] a = weights(straight, "M3");
    float[] b = weights(resumed, "M3");
    for (int i = 0; i < a.length; i++) {
      assertThat((double) b[i]).isCloseTo(a[i], within(1e-5));
    }
  }

  @Test
  void modelLineagePointsAtRealTableVersions() {
    List<ModelRow> models = straight.tables().collect(Catalogue.MODELS, TableStore.runIs(RUN));
    assertThat(models).extracting(ModelRow::name).contains("M0", "M1", "M2", "M3");
    ModelRow m3 = models.stream().filter(m -> m.name().equals("M3")).findFirst().orElseThrow();
    assertThat(m3.parentModel()).isEqualTo("M2");
    assertThat(m3.trainedOn()).containsKey("preference_pairs");
    long v = m3.trainedOn().get("preference_pairs");
    Dataset<Row> then = straight.tables().readVersion(Catalogue.PREFERENCE_PAIRS, v)
        .where(TableStore.partitionIs(RUN, 2));
    assertThat(then.count()).isPositive();
    assertThat(Files.isRegularFile(Path.of(m3.path(), "config.json"))).isTrue();
  }

  @Test
  void everyNotebookStatementRuns() {
    SparkSession spark = LocalSpark.session();
    List<NotebookSql.Statement> statements = NotebookSql.statements(NotebookSql.notebooksDir(), RUN, "straight");
    assertThat(statements).hasSizeGreaterThan(10);
    for (NotebookSql.Statement s : statements) {
      try {
        spark.sql(s.sql()).collectAsList();
      } catch (RuntimeException e) {
        throw new AssertionError(s.notebook() + " cell " + s.cell() + " failed: " + e.getMessage() + "\n" + s.sql(), e);
      }
    }
  }

  @Test
  void srlmSqlAnswersOverEveryTable() {
    for (TableDef<?> t : Catalogue.ALL) {
      String out = cli("sql", "--json", "--conf-dir", TestConf.repoRoot().resolve("conf").toString(), "-p",
          "local,tiny", "--set", "spark.master=", "--set", "storage.table_root=" + dir.resolve("straight/tables"),
          "--set", "storage.model_root=" + dir.resolve("straight/models"),
          "SELECT count(*) AS n FROM " + t.name() + " WHERE run_id = '" + RUN + "'");
      assertThat(out).as(t.name()).matches("(?s).*\\{\"n\":[0-9]+}.*");
    }
    String out = cli("sql", "--conf-dir", TestConf.repoRoot().resolve("conf").toString(), "-p", "local,tiny",
        "--set", "spark.master=", "--set", "storage.table_root=" + dir.resolve("straight/tables"),
        "SELECT iteration, count(*) AS pairs FROM preference_pairs GROUP BY iteration ORDER BY iteration");
    assertThat(out).contains("iteration").contains("pairs");
  }

  @Test
  void theReportHasItsChartsAndTheyAreNotBlank() throws Exception {
    Path html = Path.of(RunReport.write(straight));
    assertThat(Files.readString(html)).contains("<img").contains(RUN);
    List<Path> pngs;
    try (var files = Files.list(html.getParent())) {
      pngs = files.filter(p -> p.toString().endsWith(".png")).toList();
    }
    assertThat(pngs).hasSizeGreaterThanOrEqualTo(5);
    for (Path p : pngs) {
      BufferedImage img = ImageIO.read(p.toFile());
      assertThat(img.getWidth()).as(p.toString()).isGreaterThanOrEqualTo(400);
      int first = img.getRGB(0, 0);
      boolean varied = false;
      for (int x = 0; x < img.getWidth() && !varied; x += 7) {
        for (int y = 0; y < img.getHeight(); y += 7) {
          if (img.getRGB(x, y) != first) {
            varied = true;
            break;
          }
        }
      }
      assertThat(varied).as(p + " is not blank").isTrue();
    }
  }

  static String cli(String... args) {
    PrintStream old = System.out;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
    int rc;
    try {
      rc = Srlm.run(args);
    } finally {
      System.setOut(old);
    }
    String out = buf.toString(StandardCharsets.UTF_8);
    assertThat(rc).as("srlm " + String.join(" ", args) + "\n" + out).isZero();
    return out;
  }

  /** A table's rows for the run, as sorted strings, with the storage root and timestamps normalised away. */
  private List<String> rows(RunContext ctx, TableDef<?> t) {
    String root = ctx.config().storage().modelRoot();
    return ctx.tables().read(t).where(TableStore.runIs(RUN)).collectAsList().stream()
        .map(r -> r.toString().replace(root, "ROOT")).sorted().toList();
  }

  private List<String> metrics(RunContext ctx) {
    return ctx.tables().read(Catalogue.TRAINING_METRICS).where(TableStore.runIs(RUN)).collectAsList().stream()
        .map(r -> r.getAs("iteration") + "/" + r.getAs("stage") + "/" + r.getAs("split") + "/" + r.getAs("step")
            + "/" + r.getAs("metric") + "=" + String.format("%.4f", (Double) r.getAs("value")))
        .sorted().toList();
  }

  private static float[] weights(RunContext ctx, String model) {
    String path = io.srlm.steps.Models.require(ctx, model).path();
    try (CheckpointWeights w = CheckpointWeights.open(Path.of(path))) {
      return w.readFloats("model.layers.0.self_attn.q_proj.weight");
    }
  }
}

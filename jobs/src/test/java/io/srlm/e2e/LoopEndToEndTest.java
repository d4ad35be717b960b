package io.srlm.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.srlm.cli.ReadmeCommands;
import io.srlm.cli.SrlmOutput;
import io.srlm.config.SrlmConfig;
import io.srlm.deploy.NotebookSql;
import io.srlm.loop.LoopRunner;
import io.srlm.loop.RunSummary;
import io.srlm.model.io.CheckpointWeights;
import io.srlm.model.io.ModelLocation;
import io.srlm.pipeline.RunContext;
import io.srlm.report.RunReport;
import io.srlm.steps.Models;
import io.srlm.tables.Catalogue;
import io.srlm.tables.ModelRow;
import io.srlm.tables.PairRow;
import io.srlm.tables.RunStep;
import io.srlm.tables.TableDef;
import io.srlm.tables.TableStore;
import io.srlm.testing.LocalSpark;
import io.srlm.testing.TestConf;
import io.srlm.testing.TestModels;
import io.srlm.train.TrainSpec;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A whole small loop on the test model (two self-reward iterations, evaluations on), shared by the checks that
 * need a finished run: a run on S3 resumed after interruptions gives the same tables and models, model lineage
 * points at real table versions, every notebook statement runs, the README's inspection commands and `srlm sql`
 * answer over every table, and the report is written.
 */
@ExtendWith(LocalSpark.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LoopEndToEndTest {
  /** The README's run id, so the README's inspection commands run as printed against this loop's tables. */
  static final String RUN = "demo";
  /** The resumed run's stage list: the straight run's first stage only (its rows and models do not depend on later stages). */
  static final String FIRST_ITERATION_ONLY = "loop.stages=[self_reward_dpo]";
  /** The resumed run's bucket. */
  static final String BUCKET = "srlm-test";

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
   * One run on S3, interrupted in every way, in turn, then resumed: the driver (a separate JVM running the CLI, as
   * users run it) killed with SIGKILL inside a Spark step; a stop at a step boundary; the driver SIGKILLed right
   * after a step boundary; DPO stopped after 2 of its 3 optimizer steps (as if killed after a checkpoint). All four
   * happen in the first self-reward iteration, and this run stops after it ({@link #FIRST_ITERATION_ONLY}): its
   * tables, training metrics and models (M0..M2) must equal the uninterrupted (local) run's first iteration, value
   * for value. Everything of this run is on s3a:// ({@link S3Proxy}, a real S3 API server in its own process): the
   * base model is read from the bucket (driver and executors copy it to their cache), the Delta tables and the
   * trained models are written there, with srlm's S3A defaults and the credentials from the environment, which
   * never reach a table or a log (srlm, S3A and the AWS SDK logged at DEBUG for the last run; the killed drivers'
   * logs at their own level).
   */
  @Test
  void interruptedRunsResumeToTheSameTablesAndModel() throws Exception {
    String root = "resumed";
    String secret = System.getenv("AWS_SECRET_ACCESS_KEY");
    assertThat(secret).as("AWS_SECRET_ACCESS_KEY (set by the jobs pom)").isNotBlank();
    try (S3Proxy s3 = S3Proxy.start(Files.createDirectories(dir.resolve("s3")), BUCKET)) {
      List<String> onS3 = s3.storageSets(BUCKET);
      onS3.add(FIRST_ITERATION_ONLY);
      RunContext registering = RunContext.open(LocalSpark.session(), config(root, sets(onS3)), false, false);
      ModelLocation.upload(TestModels.m1(), registering.config().model().base(), registering.models().hadoop());
      Path tables = s3.objects(BUCKET).resolve("tables"); // the server's files: polled without asking S3
      String tableRoot = registering.config().storage().tableRoot();
      // Inside the Spark step, without racing it: the step's tasks hold (debug.hold_stage) until the SIGKILL.
      Path held = Files.createDirectories(dir.resolve(root + "-held"));
      killDriverWhen(root, () -> heldTasks(held) > 0, "s00.self_reward_dpo.sample_responses tasks held",
          sets(onS3, "debug.hold_stage=sample_responses", "debug.hold_dir=" + held));
      RunContext stopping = RunContext.open(LocalSpark.session(), config(root, sets(onS3,
          "debug.stop_after_step=s00.self_reward_dpo.judge_responses")), false, false);
      // The SIGKILL left its step marked running, never ended: the ledger saw it die.
      assertThat(stopping.ledger().steps()).anyMatch(s -> s.stepId().equals("s00.self_reward_dpo.sample_responses")
          && s.status().equals("running"));
      assertThatThrownBy(() -> LoopRunner.run(stopping)).isInstanceOf(LoopRunner.Stopped.class);
      killDriverWhen(root, () -> stepIs(tables, tableRoot, "s00.self_reward_dpo.build_pairs", "succeeded"),
          "s00.self_reward_dpo.build_pairs succeeded", sets(onS3));
      RunContext halting = RunContext.open(LocalSpark.session(), config(root, sets(onS3,
          "debug.halt_after_steps=2")), false, false);
      assertThatThrownBy(() -> LoopRunner.run(halting)).isInstanceOf(TrainSpec.Halted.class);
      RunContext resumed = RunContext.open(LocalSpark.session(), config(root, sets(onS3)), false, false);
      java.io.StringWriter logs = new java.io.StringWriter();
      try (LogCapture ignored = LogCapture.start(logs, "io.srlm", "org.apache.hadoop.fs.s3a", "com.amazonaws")) {
        LoopRunner.run(resumed);
      }
      assertSameAsStraight(resumed);
      List<RunStep> steps = resumed.ledger().steps();
      assertThat(steps).anyMatch(s -> s.status().equals("failed") && s.step().equals("train_dpo"));
      assertThat(steps.stream().filter(s -> s.step().equals("train_dpo") && s.status().equals("succeeded"))
          .mapToLong(s -> s.counts().get("resumed_from_step")).max().orElse(0)).isEqualTo(2);

      // On S3, and only there: the objects are in the server's store, nothing of the run's on local disk.
      ModelRow m2 = Models.require(resumed, "M2");
      assertThat(m2.path()).isEqualTo("s3a://" + BUCKET + "/models/" + RUN + "/M2");
      assertThat(resumed.models().modelExists(m2.path())).isTrue();
      assertThat(resumed.tables().readVersion(Catalogue.PREFERENCE_PAIRS, m2.trainedOn().get("preference_pairs"))
          .count()).isPositive();
      Path bucket = s3.objects(BUCKET);
      assertThat(bucket.resolve("tables/preference_pairs/_delta_log")).isDirectory();
      assertThat(bucket.resolve("models/" + RUN + "/M2/config.json")).isRegularFile();
      assertThat(bucket.resolve("models/" + RUN + "/M2/" + ModelLocation.COMPLETE_MARKER)).isRegularFile();
      assertThat(dir.resolve(root).resolve("tables")).doesNotExist();
      assertThat(dir.resolve(root).resolve("models")).doesNotExist();
      // No credential reached a table or a log.
      assertThat(logs.toString()).contains("s3a://" + BUCKET).doesNotContain(secret);
      StringBuilder driverLogs = new StringBuilder();
      try (var files = Files.list(dir)) {
        for (Path log : files.filter(f -> f.getFileName().toString().startsWith(root + "-driver-")).toList()) {
          driverLogs.append(Files.readString(log));
        }
      }
      assertThat(driverLogs.toString()).as("the killed drivers' logs").contains("s3a://" + BUCKET)
          .doesNotContain(secret);
      assertThat(LocalSpark.session().read().format("delta").load(tableRoot + "/run_config").collectAsList()
          .toString()).contains(BUCKET).doesNotContain(secret);
    }
  }

  private static String[] sets(List<String> base, String... more) {
    List<String> all = new ArrayList<>(base);
    all.addAll(List.of(more));
    return all.toArray(new String[0]);
  }

  /** Starts `srlm loop` in a child JVM and SIGKILLs it once the runs table shows {@code stepId} in {@code status}. */
  private void killDriverWhen(String root, java.util.function.BooleanSupplier reached, String what,
      String... sets) throws Exception {
    Path log = dir.resolve(root + "-driver-" + what.replace(' ', '_') + ".log");
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    java.util.Properties jvm = new java.util.Properties();
    try (var in = Files.newInputStream(TestConf.repoRoot().resolve("conf/jvm.properties"))) {
      jvm.load(in);
    }
    cmd.addAll(Arrays.asList(jvm.getProperty("srlm.jvm.opens").trim().split("\\s+")));
    // Logging as bin/srlm sets it up (srlm at INFO), so the drivers' logs are what a user would see.
    cmd.add("-Dlog4j2.configurationFile=" + TestConf.repoRoot().resolve("conf/log4j2.properties"));
    cmd.addAll(List.of("-Xmx2g", "-Dai.djl.offline=true", "-Dspark.ui.enabled=false", "-cp",
        System.getProperty("java.class.path"), "io.srlm.cli.Srlm", "loop", "--conf-dir",
        TestConf.repoRoot().resolve("conf").toString(), "-p", TestConf.PROFILES));
    for (String set : TestConf.loopOverrides(dir.resolve(root), extra(root, sets))) {
      cmd.add("--set");
      cmd.add(set);
    }
    Process driver = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      long deadline = System.nanoTime() + 600_000_000_000L;
      while (!reached.getAsBoolean()) {
        if (!driver.isAlive() || System.nanoTime() > deadline) {
          throw new AssertionError("the driver " + (driver.isAlive() ? "did not reach " : "exited before ") + what
              + "; its log " + log + " ends:\n" + tail(log));
        }
        Thread.sleep(500);
      }
      assertThat(driver.isAlive()).as("driver still running when killed").isTrue();
    } finally {
      driver.destroyForcibly().waitFor(); // SIGKILL
    }
  }

  private static long heldTasks(Path holdDir) {
    try (var files = Files.list(holdDir)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".held")).count();
    } catch (java.io.IOException e) {
      return 0;
    }
  }

  /** The runs table's last commit file seen by {@link #stepIs}, per table: Spark is asked only after a new commit. */
  private static final Map<Path, String> SEEN_COMMIT = new HashMap<>();

  /**
   * Whether the runs table holds {@code stepId} in {@code status}. Polled every 500 ms while a child driver runs:
   * the Delta query (a snapshot load and a Spark job) runs only when a new commit file has appeared, so the test
   * JVM does not compete with the driver it watches.
   */
  private static boolean stepIs(Path tables, String tableRoot, String stepId, String status) {
    Path log = tables.resolve("runs").resolve("_delta_log");
    if (!Files.isDirectory(log)) {
      return false;
    }
    String newest;
    try (var files = Files.list(log)) {
      newest = files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".json")).max(String::compareTo)
          .orElse("");
    } catch (java.io.IOException e) {
      return false;
    }
    if (newest.equals(SEEN_COMMIT.get(log))) {
      return false;
    }
    try {
      boolean found = LocalSpark.session().read().format("delta").load(tableRoot + "/runs")
          .where("step_id = '" + stepId + "' AND status = '" + status + "'").count() > 0;
      SEEN_COMMIT.put(log, newest);
      return found;
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
      List<String> expected = rows(straight, t);
      if (t != Catalogue.REJECTED_ROWS) { // a table the first iteration must have filled (nothing compared else)
        assertThat(expected).as(t.name() + " of the first iteration").isNotEmpty();
      }
      assertThat(rows(resumed, t)).as(t.name()).isEqualTo(expected);
    }
    Map<String, List<Double>> metricsResumed = metrics(resumed);
    Map<String, List<Double>> metricsStraight = metrics(straight);
    assertThat(metricsStraight).isNotEmpty();
    assertThat(metricsResumed.keySet()).as("training_metrics rows").isEqualTo(metricsStraight.keySet());
    for (Map.Entry<String, List<Double>> e : metricsStraight.entrySet()) {
      List<Double> got = metricsResumed.get(e.getKey());
      assertThat(got).as("training_metrics " + e.getKey()).hasSameSizeAs(e.getValue());
      for (int i = 0; i < got.size(); i++) {
        assertThat(got.get(i)).as("training_metrics " + e.getKey()).isCloseTo(e.getValue().get(i), within(1e-6));
      }
    }
    List<RunStep> steps = resumed.ledger().steps();
    Map<String, Long> succeeded = steps.stream().filter(s -> s.status().equals("succeeded"))
        .collect(Collectors.groupingBy(RunStep::stepId, Collectors.counting()));
    assertThat(succeeded.values()).allMatch(n -> n == 1);
    assertSameWeights(straight, resumed);
  }

  /**
   * Every model of the resumed run (M0 .. M2: its one iteration) equals the uninterrupted run's model of that name:
   * the same tensor names, shapes and values (1e-5), every tensor.
   */
  static void assertSameWeights(RunContext expected, RunContext actual) {
    List<String> names = actual.tables().collect(Catalogue.MODELS, TableStore.runIs(RUN)).stream()
        .map(ModelRow::name).sorted().toList();
    assertThat(names).contains("M1", "M2").doesNotContain("M3");
    assertThat(expected.tables().collect(Catalogue.MODELS, TableStore.runIs(RUN))).extracting(ModelRow::name)
        .containsAll(names);
    for (String model : names) {
      try (CheckpointWeights a = CheckpointWeights.open(expected.models().localModel(Models.require(expected, model)
          .path()));
          CheckpointWeights b = CheckpointWeights.open(actual.models().localModel(Models.require(actual, model)
              .path()))) {
        assertThat(b.names()).as(model + " tensors").isEqualTo(a.names());
        assertThat(a.names()).as(model + " tensors").isNotEmpty();
        for (String tensor : a.names()) {
          float[] x = a.readFloats(tensor);
          float[] y = b.readFloats(tensor);
          assertThat(y.length).as(model + " " + tensor + " size").isEqualTo(x.length);
          for (int i = 0; i < x.length; i++) {
            if (Math.abs(x[i] - y[i]) > 1e-5) {
              throw new AssertionError(model + " " + tensor + "[" + i + "]: " + y[i] + " after resume, " + x[i]
                  + " in the uninterrupted run");
            }
          }
        }
      }
    }
  }

  /**
   * Each trained model records the exact preference_pairs version its DPO step read: the version the runs table
   * recorded as train_dpo's input, which is the version that iteration's build_pairs committed (nothing wrote the
   * table in between), and the pairs DPO trained on (its reference_logprobs rows) are exactly that version's pairs
   * of the iteration. M2's version is older than M3's, so "some version holding the iteration's pairs" would not do.
   */
  @Test
  void modelLineagePointsAtRealTableVersions() {
    List<ModelRow> models = straight.tables().collect(Catalogue.MODELS, TableStore.runIs(RUN));
    assertThat(models).extracting(ModelRow::name).contains("M0", "M1", "M2", "M3");
    List<RunStep> steps = straight.ledger().steps().stream().filter(s -> s.status().equals("succeeded")).toList();
    Map<String, Long> read = new HashMap<>();
    for (int it = 1; it <= 2; it++) {
      String name = "M" + (it + 1);
      ModelRow m = models.stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow();
      assertThat(m.parentModel()).isEqualTo("M" + it);
      assertThat(Files.isRegularFile(Path.of(m.path(), "config.json"))).isTrue();
      RunStep dpo = only(steps, it, "train_dpo");
      RunStep pairs = only(steps, it, "build_pairs");
      long v = m.trainedOn().get("preference_pairs");
      assertThat(v).as(name + " trained_on = train_dpo's recorded read").isEqualTo(dpo.inputVersions()
          .get("preference_pairs"));
      assertThat(v).as(name + " trained_on = the version build_pairs of iteration " + it + " wrote")
          .isEqualTo(pairs.outputVersions().get("preference_pairs"));
      Set<String> inVersion = straight.tables().collect(Catalogue.PREFERENCE_PAIRS, straight.tables()
          .readVersion(Catalogue.PREFERENCE_PAIRS, v).where(TableStore.partitionIs(RUN, it))).stream()
          .map(PairRow::pairId).collect(Collectors.toSet());
      // DPO's pairs: those it trained on (one reference_logprobs row each) and those it skipped (rejected_rows).
      Set<String> trainedOn = new java.util.HashSet<>(straight.tables().read(Catalogue.REFERENCE_LOGPROBS)
          .where(TableStore.partitionIs(RUN, it)).select("pair_id").collectAsList().stream().map(r -> r.getString(0))
          .toList());
      straight.tables().read(Catalogue.REJECTED_ROWS).where(TableStore.partitionIs(RUN, it)
          .and(functions.col("step").equalTo("train_dpo"))).select("row_ref").collectAsList()
          .forEach(r -> trainedOn.add(r.getString(0)));
      assertThat(inVersion).as(name + ": pairs in preference_pairs@" + v).isNotEmpty().isEqualTo(trainedOn);
      read.put(name, v);
    }
    assertThat(read.get("M2")).isLessThan(read.get("M3"));
    assertThat(straight.tables().readVersion(Catalogue.PREFERENCE_PAIRS, read.get("M2"))
        .where(TableStore.partitionIs(RUN, 2)).count()).as("M2's version predates iteration 2's pairs").isZero();
  }

  private static RunStep only(List<RunStep> steps, int iteration, String step) {
    List<RunStep> found = steps.stream().filter(s -> s.iteration() == iteration && s.step().equals(step)).toList();
    assertThat(found).as(step + " of iteration " + iteration).hasSize(1);
    return found.get(0);
  }

  @Test
  void everyNotebookStatementRuns() {
    SparkSession spark = LocalSpark.session();
    String before = spark.catalog().currentDatabase();
    List<NotebookSql.Statement> statements = NotebookSql.statements(NotebookSql.notebooksDir(), RUN, "straight");
    List<String> failures = new ArrayList<>();
    try {
      for (NotebookSql.Statement s : statements) {
        try {
          spark.sql(s.sql()).collectAsList();
        } catch (RuntimeException e) {
          failures.add(s.notebook() + " cell " + s.cell() + ": " + firstLine(e) + "\n" + s.sql());
        }
        // As Databricks and the Python notebooks run them: the markers bound by Spark (analysis only).
        try {
          spark.sql(s.rawSql(), Map.<String, Object>of(NotebookSql.RUN_ID, RUN, NotebookSql.DATABASE, "straight"))
              .queryExecution().assertAnalyzed();
        } catch (RuntimeException e) {
          failures.add("(with bound parameters) " + s.notebook() + " cell " + s.cell() + ": " + firstLine(e));
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

  /**
   * The README's `bin/srlm tables` / `bin/srlm sql` lines, exactly as printed, in a JVM started the way bin/srlm
   * starts one (no profile, no Spark master; one JVM for all of them, each with its own Spark session), from a
   * folder whose srlm-data/tables is this loop's table root.
   */
  @Test
  void theReadmesInspectionCommandsRunAsPrintedAfterTheLoop() throws Exception {
    Path cwd = Files.createDirectories(dir.resolve("readme-cwd"));
    Files.createSymbolicLink(cwd.resolve("conf"), TestConf.repoRoot().resolve("conf"));
    Files.createDirectories(cwd.resolve("srlm-data"));
    Files.createSymbolicLink(cwd.resolve("srlm-data/tables"), dir.resolve("straight/tables"));
    ReadmeCommands.runAllIn(cwd);
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
    return SrlmOutput.ok(args);
  }

  /**
   * A table's rows of the run's first iteration (seed rows are iteration 0), as text with the model root and the
   * base model's location masked (the straight run's are local, the resumed run's on S3).
   */
  private List<String> rows(RunContext ctx, TableDef<?> t) {
    String root = ctx.config().storage().modelRoot();
    String base = ctx.config().model().base();
    return ctx.tables().read(t).where(TableStore.runIs(RUN)).where("iteration <= 1").collectAsList().stream()
        .map(r -> r.toString().replace(base, "BASE").replace(root, "ROOT")).sorted().toList();
  }

  /** training_metrics of the run: iteration/stage/split/step/metric to its values (sorted). */
  private static Map<String, List<Double>> metrics(RunContext ctx) {
    Map<String, List<Double>> out = new HashMap<>();
    for (Row r : ctx.tables().read(Catalogue.TRAINING_METRICS).where(TableStore.runIs(RUN)).where("iteration <= 1")
        .collectAsList()) {
      String key = r.getAs("iteration") + "/" + r.getAs("stage") + "/" + r.getAs("split") + "/" + r.getAs("step")
          + "/" + r.getAs("metric");
      out.computeIfAbsent(key, k -> new ArrayList<>()).add((Double) r.getAs("value"));
    }
    out.values().forEach(v -> v.sort(Double::compare));
    return out;
  }
}

package io.srlm.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.srlm.config.ConfSource;
import io.srlm.config.ConfigLoader;
import io.srlm.config.SrlmConfig;
import io.srlm.loop.LoopRunner;
import io.srlm.pipeline.RunContext;
import io.srlm.spark.Faults;
import io.srlm.tables.Catalogue;
import io.srlm.tables.TableDef;
import io.srlm.testing.LocalSpark;
import io.srlm.testing.TestConf;
import io.srlm.testing.TestModels;
import io.srlm.util.FileTrees;
import io.srlm.util.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * One self-reward iteration on a real Spark standalone cluster: a master and two 1-core workers on 127.0.0.1, each a
 * separate JVM, executors launched by the workers as further JVMs, the job submitted with deploy/spark-submit-cpu.sh
 * and the shaded jar in client mode (RunLoopJob: seed, base model, generate prompts, sample responses, judge, build
 * pairs, DPO in one driver). While it runs, the same iteration runs in-process on local[2], undisturbed; every
 * table must end up with the same rows.
 *
 * <p>In the middle of the sampling stage one executor JVM is killed with SIGKILL: debug.hold_stage makes the first
 * attempt of each sampling task announce itself (partition, executor id, pid) once its model is loaded and wait for
 * a release file; the test kills one of the two, then releases the other. Spark loses the executor and its shuffle
 * output, reruns what it needs elsewhere, and the responses must equal the undisturbed run's: nothing lost, nothing
 * duplicated.
 *
 * <p>The config is TestConf.loop's (the cached test model M1, small counts) with one stage, and one test-only
 * change: the task-generation prompt accepts any answer as the new task (conf/prompts/any-task.conf in a copy of
 * conf/, passed as --conf-dir), so that the iteration has prompts to sample however well the small test model has
 * learnt the {@code <task>} format. This test is about where the work runs, not about the model.
 *
 * <p>Run with {@code mvn -pl common,jobs verify -Dit.test=StandaloneClusterIT -Dtest=NONE
 * -Dsurefire.failIfNoSpecifiedTests=false}. Logs, work dirs and tables stay under jobs/target/cluster/.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StandaloneClusterIT {
  static final String RUN = "cluster-it";
  /** One self-reward iteration: seed, base model, generate prompts, sample, judge, build pairs, DPO. */
  static final String ONE_ITERATION = "loop.stages=[self_reward_dpo]";
  /** The task-generation prompt of the test's conf copy (see the class comment). */
  static final String ANY_TASK = "prompts.template=any-task";
  static final List<String> GENERATION_STEPS = List.of("generate_prompts", "sample_responses", "judge_responses");
  /** Columns whose values belong to the execution, not to the results. */
  static final Set<String> VOLATILE_COLUMNS = Set.of("created_at_ms", "started_at_ms", "ended_at_ms", "timestamp_ms",
      "config_hash", "execution_id", "host");
  /** Map keys (runs.counts, models.summary) that measure the execution, not the results. */
  static final Pattern VOLATILE_KEYS = Pattern.compile("model_loads\\..*|.*per_second.*|.*_ms|.*seconds.*");
  /** Throughput figures inside runs.message (e.g. generate_prompts' "..., 12 tokens/s"). */
  static final Pattern RATE = Pattern.compile("[0-9][0-9,.]* tokens/s");

  final Path repo = TestConf.repoRoot();
  final Map<String, Duration> timings = new LinkedHashMap<>();
  Path base;
  Path localDir;
  Path clusterDir;
  Path confDir;
  SparkStandalone cluster;
  CpuSubmit submit;
  CpuSubmit.Result loop;
  Held victim;
  List<Held> held;
  String victimMaps = "";
  Map<String, List<String>> local;
  Map<String, List<String>> onCluster;
  List<String> aliveAtEnd = List.of();
  List<Path> executorLogs = List.of();

  // The deadlines below only stop a hung run; on an idle 2-core machine the whole test takes about 3 minutes, on a
  // shared one several times that.

  /** A task held by debug.hold_stage: its partition, executor id and JVM pid. */
  record Held(int partition, String executorId, long pid) {}

  @BeforeAll
  void runLocallyAndOnTheCluster() throws Exception {
    Path root = Path.of(System.getProperty("srlm.cluster.dir", repo.resolve("jobs/target/cluster").toString()));
    Path sparkHome = Path.of(System.getProperty("srlm.spark.home", repo.resolve("jobs/target/spark-home")
        .toString()));
    Path djlCache = Path.of(System.getProperty("srlm.djl.cache", repo.resolve("jobs/target/djl-cache").toString()));
    pruneOldRuns(root);
    base = root.resolve("run-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    localDir = base.resolve("local");
    clusterDir = base.resolve("cluster");
    Files.createDirectories(base);
    confDir = testConf(repo.resolve("conf"), base.resolve("conf"));
    TestModels.m1();
    long t0 = System.nanoTime();
    String loadAtStart = CpuMeter.loadAverage();
    CpuMeter cpu = new CpuMeter();
    ExecutorService background = Executors.newSingleThreadExecutor(r -> new Thread(r, "local-iteration"));
    try {
      cluster = SparkStandalone.start(sparkHome, base.resolve("spark"), 2, 1, "1536m", SparkStandalone.jvmOpens(repo));
      submit = new CpuSubmit(cluster, repo, djlCache, sparkConf());
      // The undisturbed reference, in-process on local[2], alongside the cluster run (2 cores either way).
      SparkSession localSpark = LocalSpark.session(); // interpreted expressions, as sparkConf() sets for the cluster
      Future<Duration> localRun = background.submit(() -> {
        long t = System.nanoTime();
        LoopRunner.run(RunContext.open(localSpark, localConfig(), false, false));
        return Duration.ofNanos(System.nanoTime() - t);
      });

      cluster.awaitWorkers(Duration.ofMinutes(3));
      lap("master and 2 workers up", t0);

      long t = System.nanoTime();
      Path hold = base.resolve("hold");
      Files.createDirectories(hold);
      List<String> args = new ArrayList<>(jobArgs());
      args.addAll(List.of("--set", "debug.hold_stage=sample_responses", "--set", "debug.hold_dir=" + hold));
      CpuSubmit.Running running = submit.start("loop", List.of(), "RunLoopJob", args);
      try {
        held = awaitHeld(hold, running, Duration.ofMinutes(12));
        lap("submit to both sampling tasks held", t);
        victim = held.get(0);
        killExecutor(victim);
      } finally {
        Files.writeString(hold.resolve(Faults.RELEASE_FILE), "released by StandaloneClusterIT\n");
      }
      loop = running.await(Duration.ofMinutes(12));
      assertThat(loop.ok()).as(() -> submit.describe(loop)).isTrue();
      lap("cluster iteration (RunLoopJob submit, one executor killed)", t);

      timings.put("local[2] iteration (alongside)", localRun.get(15, TimeUnit.MINUTES));
      t = System.nanoTime();
      local = snapshot(localDir);
      onCluster = snapshot(clusterDir);
      lap("reading both runs' tables", t);
    } finally {
      background.shutdownNow();
      if (cluster != null) {
        cluster.close();
        executorLogs = cluster.executorLogs();
        aliveAtEnd = cluster.processes().alive().stream().map(String::valueOf).toList();
      }
      lap("total", t0);
      String report = "StandaloneClusterIT timings: " + timings.entrySet().stream()
          .map(e -> e.getKey() + " " + e.getValue().toMillis() / 1000.0 + " s").collect(Collectors.joining("; "))
          + "; CPU time of the test JVM and all its child processes " + cpu.total().toMillis() / 1000.0
          + " s (" + cpu.byRole() + "); load average " + loadAtStart + " at the start, " + CpuMeter.loadAverage() + " at the end";
      cpu.close();
      System.out.println(report);
      Files.writeString(base.resolve("timings.txt"), report + "\n");
    }
  }

  @AfterAll
  void stopEverything() {
    if (cluster != null) {
      cluster.close();
    }
  }

  /** SIGKILL to an executor JVM (after noting that it has libtorch mapped), waiting until it is gone. */
  void killExecutor(Held h) throws Exception {
    Path maps = Path.of("/proc", Long.toString(h.pid()), "maps");
    if (Files.isReadable(maps)) {
      victimMaps = Files.readString(maps);
    }
    ProcessHandle p = ProcessHandle.of(h.pid()).orElseThrow(() -> new AssertionError("executor JVM " + h
        + " is gone before the kill"));
    assertThat(p.info().commandLine().orElse("")).as("the pid is an executor JVM")
        .contains("CoarseGrainedExecutorBackend");
    p.destroyForcibly();
    p.onExit().get(30, TimeUnit.SECONDS);
  }

  /** TestConf.loop's config (local and tiny profiles) for one stage over the test's conf copy. */
  SrlmConfig localConfig() {
    return ConfigLoader.from(ConfSource.dir(confDir)).profiles(TestConf.PROFILES).setAll(TestConf.loopOverrides(
        localDir, ONE_ITERATION, ANY_TASK, "run.id=" + RUN)).load();
  }

  /** Spark settings the test adds to the script's own: loopback, the local[2] fixture's sizes, fixed BLAS threads. */
  static List<String> sparkConf() {
    return List.of(
        "spark.driver.host=127.0.0.1",
        "spark.driver.bindAddress=127.0.0.1",
        "spark.ui.enabled=false",
        // Start jobs only once both executors registered, so both get tasks.
        "spark.scheduler.minRegisteredResourcesRatio=1.0",
        "spark.default.parallelism=2",
        "spark.sql.shuffle.partitions=2",
        "spark.sql.adaptive.enabled=false",
        "spark.databricks.delta.snapshotPartitions=2",
        // Three cold JVMs (driver, two executors) each compile Delta's and the steps' plans; on rows this few,
        // interpreted expressions cost less CPU than generating and compiling code (results are the same).
        "spark.sql.codegen.wholeStage=false",
        "spark.sql.codegen.factoryMode=NO_CODEGEN",
        // One host: never hold a task back waiting for a process-local slot.
        "spark.locality.wait=0",
        "spark.executorEnv.OMP_WAIT_POLICY=PASSIVE",
        "spark.executorEnv.MKL_DYNAMIC=FALSE",
        "spark.executorEnv.OMP_DYNAMIC=FALSE");
  }

  /** The job's arguments: the local run's config (TestConf.loop on the tiny profile) as --set overrides. */
  List<String> jobArgs() {
    List<String> sets = new ArrayList<>(TestConf.loopOverrides(clusterDir, ONE_ITERATION, ANY_TASK));
    // What the local profile sets besides Spark and storage.
    sets.add("engine.device=cpu");
    sets.add("engine.threads=1");
    List<String> args = new ArrayList<>(List.of("--conf-dir", confDir.toString(), "--run-id", RUN, "--profile",
        "tiny"));
    for (String s : sets) {
      args.add("--set");
      args.add(s);
    }
    return args;
  }

  /** Waits until both sampling tasks announced themselves (two executor JVMs), polling the hold folder. */
  List<Held> awaitHeld(Path hold, CpuSubmit.Running running, Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      List<Held> found = new ArrayList<>();
      try (Stream<Path> s = Files.list(hold)) {
        for (Path p : s.filter(f -> f.getFileName().toString().endsWith(".held")).sorted().toList()) {
          // sample_responses-p<partition>-<executorId>-<pid>.held
          String[] parts = p.getFileName().toString().replace(".held", "").split("-");
          found.add(new Held(Integer.parseInt(parts[1].substring(1)), parts[2], Long.parseLong(parts[3])));
        }
      }
      if (found.stream().map(Held::pid).distinct().count() >= 2) {
        return found;
      }
      if (!running.isAlive()) {
        throw new AssertionError("the submit ended before both sampling tasks were held\n" + submit.describe(
            running.await(Duration.ZERO)));
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("after " + timeout.toSeconds() + " s only these sampling tasks were held: " + found
            + "\n" + cluster.executorLogTails(20));
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  // ------------------------------------------------------------------------------------------------ the tests

  @Test
  void everyTableOfTheIterationHasTheRowsOfTheLocalRun() {
    assertThat(onCluster.keySet()).isEqualTo(local.keySet());
    for (String table : List.of("seed_ift", "seed_eft", "prompts", "responses", "judgements", "preference_pairs")) {
      assertThat(onCluster.get(table)).as(table).isNotEmpty();
    }
    for (String table : local.keySet()) {
      assertThat(onCluster.get(table)).as(table).containsExactlyElementsOf(local.get(table));
    }
  }

  @Test
  void theClusterRanTheLocalRunsConfig() {
    assertThat(semanticConfig(clusterDir)).isEqualTo(semanticConfig(localDir)).isNotEmpty();
  }

  @Test
  void bothExecutorsRanTasksAndEachExecutorJvmLoadedTheModelOnce() {
    Map<String, Map<String, Long>> counts = stepCounts(clusterDir);
    assertThat(counts).containsKeys(GENERATION_STEPS.toArray(new String[0]));
    Map<String, Long> loadsPerJvm = new TreeMap<>();
    for (String step : GENERATION_STEPS) {
      Map<String, Long> loads = modelLoads(counts.get(step));
      assertThat(loads).as(step).isNotEmpty();
      loads.forEach((jvm, n) -> loadsPerJvm.merge(jvm, n, Long::sum));
    }
    // Keys are "executorId/pid": executors, never the driver (local[2] shows "driver/<pid>").
    assertThat(loadsPerJvm.keySet()).allSatisfy(jvm -> assertThat(jvm).doesNotStartWith("driver/")
        .matches("\\d+/\\d+"));
    long driverPid = Long.parseLong(stepHost(clusterDir, "train_dpo").replaceAll(".*/", ""));
    assertThat(loadsPerJvm.keySet()).noneMatch(jvm -> jvm.endsWith("/" + driverPid));
    // The three steps use the same model M1: each executor JVM loaded it exactly once, in the first step it ran.
    assertThat(loadsPerJvm).as("model loads per executor JVM over " + GENERATION_STEPS).allSatisfy((jvm, n) ->
        assertThat(n).as(jvm).isEqualTo(1L));
    // Both original executors ran generation tasks: both held a sampling task (the victim's later report was lost
    // with it), and the survivor's loads are in the runs table. The replacement executor the master started for
    // the killed one may add a third JVM.
    assertThat(held.stream().map(h -> h.executorId() + "/" + h.pid()).distinct()).hasSize(2);
    assertThat(loadsPerJvm).containsKey(held.get(1).executorId() + "/" + held.get(1).pid());
    assertThat(loadsPerJvm.size()).isBetween(1, 3);
    // The executors' own logs say the same, including the killed one's: at most one load in each executor JVM,
    // and at least two executor JVMs loaded the model.
    Map<String, Long> logged = new TreeMap<>();
    for (Path log : executorLogs) {
      logged.put(clusterDirOf(log), countLines(log, "Executor model load #"));
    }
    assertThat(logged).as("'Executor model load' lines per executor stderr").allSatisfy((exec, n) ->
        assertThat(n).as(exec).isLessThanOrEqualTo(1L));
    assertThat(logged.values().stream().filter(n -> n == 1L).count()).as("executors that loaded the model: "
        + logged).isGreaterThanOrEqualTo(2);
    // local[2] ran everything in its one JVM.
    assertThat(modelLoads(stepCounts(localDir).get("sample_responses")).keySet()).allMatch(k -> k.startsWith(
        "driver/"));
  }

  private String clusterDirOf(Path log) {
    return cluster.dir().relativize(log.getParent()).toString();
  }

  private static long countLines(Path file, String needle) {
    try (Stream<String> lines = Files.lines(file)) {
      return lines.filter(l -> l.contains(needle)).count();
    } catch (IOException | UncheckedIOException e) {
      throw new AssertionError("cannot read " + file, e);
    }
  }

  @Test
  void killingAnExecutorMidSamplingLosesAndDuplicatesNoRows() {
    assertThat(held).extracting(Held::partition).containsExactlyInAnyOrder(0, 1);
    assertThat(held).extracting(Held::pid).doesNotHaveDuplicates();
    assertThat(ProcessHandle.of(victim.pid())).as("the killed executor JVM is gone").isEmpty();
    // Spark saw the executor die in the middle of the stage and ran its task again.
    assertThat(loop.driverLog()).contains("ExecutorLostFailure (executor " + victim.executorId() + " exited");
    List<String> responses = onCluster.get(Catalogue.RESPONSES.name());
    assertThat(responses).as("responses vs the undisturbed local[2] run").isNotEmpty()
        .containsExactlyElementsOf(local.get(Catalogue.RESPONSES.name()));
    long distinct = LocalSpark.session().read().format("delta").load(clusterDir.resolve("tables/responses")
        .toString()).where(functions.col("run_id").equalTo(RUN)).select("response_id").distinct().count();
    assertThat(distinct).as("distinct response ids").isEqualTo(responses.size());
    // The killed JVM's sampling task never reported back; another JVM produced its rows.
    Map<String, Long> sampling = modelLoads(stepCounts(clusterDir).get("sample_responses"));
    assertThat(sampling.keySet()).doesNotContain(victim.executorId() + "/" + victim.pid());
  }

  @Test
  void tablesAreQueryableWithSqlAfterwards() {
    SparkSession spark = LocalSpark.session();
    String t = clusterDir.resolve("tables").toString();
    List<Row> perPrompt = spark.sql("SELECT r.prompt_id, count(DISTINCT r.response_id) AS responses, "
        + "count(j.judgement_id) AS judgements FROM delta.`" + t + "/responses` r JOIN delta.`" + t + "/judgements` j "
        + "ON r.response_id = j.response_id AND r.run_id = j.run_id WHERE r.run_id = '" + RUN + "' "
        + "GROUP BY r.prompt_id").collectAsList();
    long accepted = spark.sql("SELECT count(*) FROM delta.`" + t + "/prompts` WHERE run_id = '" + RUN
        + "' AND status = 'accepted'").first().getLong(0);
    assertThat(perPrompt).hasSize((int) accepted).isNotEmpty();
    assertThat(perPrompt).allSatisfy(r -> {
      assertThat(r.getLong(1)).isEqualTo(4L);
      assertThat(r.getLong(2)).isEqualTo(4L * 2);
    });
    assertThat(spark.sql("SELECT count(*) FROM delta.`" + t + "/runs` WHERE run_id = '" + RUN
        + "' AND status = 'succeeded'").first().getLong(0)).isGreaterThanOrEqualTo(7);
  }

  @Test
  void eachExecutorJvmLoadsTheNativesItselfFromTheSharedPreUnpackedCache() {
    // The held executor had libtorch mapped into its own address space (read from /proc before the kill).
    org.junit.jupiter.api.Assumptions.assumeTrue(!victimMaps.isEmpty(), "/proc/<pid>/maps is not readable here");
    assertThat(victimMaps).contains("libtorch_cpu.so");
    String cache = System.getProperty("srlm.djl.cache", repo.resolve("jobs/target/djl-cache").toString());
    assertThat(victimMaps.lines().filter(l -> l.contains("libtorch_cpu.so")).findFirst().orElseThrow())
        .contains(Path.of(cache).toAbsolutePath().normalize().toString());
  }

  @Test
  void noClusterProcessIsLeftBehind() {
    assertThat(aliveAtEnd).isEmpty();
  }

  // ------------------------------------------------------------------------------------------------ helpers

  private void lap(String what, long t0) {
    timings.put(what, Duration.ofNanos(System.nanoTime() - t0));
  }

  /** Every table of the run under {@code dir}, as sorted normalised rows. */
  static Map<String, List<String>> snapshot(Path dir) {
    SparkSession spark = LocalSpark.session();
    Map<String, List<String>> out = new TreeMap<>();
    for (TableDef<?> d : Catalogue.ALL) {
      if (d == Catalogue.RUN_CONFIG) {
        continue; // compared key by key in theClusterRanTheLocalRunsConfig (it holds the storage paths)
      }
      Path table = dir.resolve("tables").resolve(d.name());
      if (!Files.isDirectory(table.resolve("_delta_log"))) {
        continue;
      }
      Dataset<Row> rows = spark.read().format("delta").load(table.toString()).where(functions.col("run_id")
          .equalTo(RUN));
      if (d == Catalogue.RUNS) {
        rows = rows.where(functions.col("status").equalTo("succeeded"));
      }
      StructField[] fields = rows.schema().fields();
      List<String> normalised = new ArrayList<>();
      for (Row r : rows.collectAsList()) {
        normalised.add(normalise(r, fields, dir));
      }
      normalised.sort(null);
      out.put(d.name(), normalised);
    }
    return out;
  }

  static String normalise(Row r, StructField[] fields, Path dir) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < fields.length; i++) {
      String name = fields[i].name();
      if (VOLATILE_COLUMNS.contains(name)) {
        continue;
      }
      Object v = r.get(i);
      if (v instanceof scala.collection.Map<?, ?> m) {
        Map<String, Object> kept = new TreeMap<>();
        scala.collection.JavaConverters.mapAsJavaMap(m).forEach((k, x) -> {
          if (!VOLATILE_KEYS.matcher(String.valueOf(k)).matches()) {
            kept.put(String.valueOf(k), x);
          }
        });
        v = kept;
      } else if (v instanceof scala.collection.Seq<?> s) {
        v = scala.collection.JavaConverters.seqAsJavaList(s);
      }
      if (v instanceof String str) {
        v = RATE.matcher(str).replaceAll("<rate> tokens/s");
      }
      b.append(name).append('=').append(v).append(" | ");
    }
    return b.toString().replace(dir.toAbsolutePath().normalize().toString(), "<storage>");
  }

  /** The run's resolved config without what differs by design (Spark, storage, debug, run id). */
  static Map<String, String> semanticConfig(Path dir) {
    Row r = LocalSpark.session().read().format("delta").load(dir.resolve("tables/run_config").toString())
        .where(functions.col("run_id").equalTo(RUN)).select("config_json").first();
    Map<String, String> flat = new TreeMap<>(readMap(r.getString(0)));
    flat.keySet().removeIf(k -> k.startsWith("spark.") || k.startsWith("storage.") || k.startsWith("debug.")
        || k.equals("run.id"));
    return flat;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, String> readMap(String json) {
    try {
      return Json.MAPPER.readValue(json, Map.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** runs.counts of the first successful execution of each step of the run under {@code dir}. */
  static Map<String, Map<String, Long>> stepCounts(Path dir) {
    Map<String, Map<String, Long>> out = new HashMap<>();
    for (Row r : runs(dir).orderBy(functions.col("started_at_ms").desc()).collectAsList()) {
      out.put(r.getAs("step"), javaCounts(r));
    }
    return out;
  }

  /** runs.host ("hostname/pid" of the driver) of a step. */
  static String stepHost(Path dir, String step) {
    return runs(dir).where(functions.col("step").equalTo(step)).first().getAs("host");
  }

  private static Dataset<Row> runs(Path dir) {
    return LocalSpark.session().read().format("delta").load(dir.resolve("tables/runs").toString())
        .where(functions.col("run_id").equalTo(RUN).and(functions.col("status").equalTo("succeeded")));
  }

  private static Map<String, Long> javaCounts(Row r) {
    scala.collection.Map<String, Object> m = r.getAs("counts");
    Map<String, Long> out = new TreeMap<>();
    scala.collection.JavaConverters.mapAsJavaMap(m).forEach((k, v) -> out.put(k, ((Number) v).longValue()));
    return out;
  }

  /** The model_loads.<executorId>/<pid> counts of a step, keyed by executorId/pid. */
  static Map<String, Long> modelLoads(Map<String, Long> counts) {
    Map<String, Long> out = new TreeMap<>();
    counts.forEach((k, v) -> {
      if (k.startsWith("model_loads.")) {
        out.put(k.substring("model_loads.".length()), v);
      }
    });
    return out;
  }

  /**
   * A copy of conf/ plus prompts/any-task.conf: the task-generation prompt unchanged, its answer pattern relaxed to
   * take any answer (with or without the {@code <task>} tags) as the task.
   */
  static Path testConf(Path conf, Path copy) throws IOException {
    try (Stream<Path> s = Files.walk(conf)) {
      for (Path p : s.toList()) {
        Path to = copy.resolve(conf.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(to);
        } else {
          Files.copy(p, to);
        }
      }
    }
    String generation = Files.readString(conf.resolve("prompts/task-generation.conf"));
    String relaxed = generation.replaceAll("(?m)^task_regex\\s*=.*$", java.util.regex.Matcher.quoteReplacement(
        "task_regex = \"^\\\\s*(?:<task>)?\\\\s*(.+?)\\\\s*(?:</task>)?\\\\s*$\""));
    if (relaxed.equals(generation)) {
      throw new IllegalStateException("no task_regex line in conf/prompts/task-generation.conf");
    }
    Files.writeString(copy.resolve("prompts/any-task.conf"), "# Test-only (StandaloneClusterIT): any answer is "
        + "the task.\n" + relaxed);
    return copy;
  }

  /** Keeps the last two runs' folders under target/cluster (logs and tables for inspection), deletes older ones. */
  static void pruneOldRuns(Path root) throws IOException {
    if (!Files.isDirectory(root)) {
      return;
    }
    TreeSet<Path> runs;
    try (Stream<Path> s = Files.list(root)) {
      runs = s.filter(p -> p.getFileName().toString().startsWith("run-")).collect(Collectors.toCollection(
          TreeSet::new));
    }
    while (runs.size() > 1) {
      FileTrees.delete(runs.pollFirst());
    }
  }
}

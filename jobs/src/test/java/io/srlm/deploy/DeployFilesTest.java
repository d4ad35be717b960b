package io.srlm.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Element;

/** The files under deploy/: the Databricks job and bundle, and the spark-submit and GPU discovery scripts. */
class DeployFilesTest {

  /** The loop's step sequence: seed, SFT, then per iteration the self-rewarding steps and the evaluations. */
  private static final List<String> ITERATION_STEPS = List.of("GeneratePromptsJob", "SampleResponsesJob",
      "JudgeResponsesJob", "BuildPreferencePairsJob", "TrainDpoJob", "EvaluateJudgeJob", "EvaluateTasksJob",
      "HeadToHeadJob");

  @TempDir
  Path tmp;

  // ---------------------------------------------------------------- Databricks job (Jobs API 2.1 JSON)

  @Test
  void jobJsonNamesOnlyKnownMainClassesWithTheDatabricksProfile() {
    JsonNode job = DeployFiles.databricksJob();
    List<JsonNode> tasks = DeployFiles.tasks(job);
    assertThat(tasks).isNotEmpty();
    Set<String> known = DeployFiles.JOB_CLASSES.stream().map(c -> DeployFiles.JOB_PACKAGE + "." + c)
        .collect(Collectors.toSet());
    Set<String> parameterNames = names(job.path("parameters"));
    assertThat(parameterNames).contains("run_id");
    for (JsonNode t : tasks) {
      String key = t.path("task_key").asText();
      JsonNode jar = t.path("spark_jar_task");
      assertThat(jar.path("main_class_name").asText()).as(key).isIn(known);
      List<String> params = strings(jar.path("parameters"));
      assertThat(valueAfter(params, "--profile")).as(key).isEqualTo("databricks");
      assertThat(valueAfter(params, "--run-id")).as(key).isEqualTo("{{job.parameters.run_id}}");
      assertThat(t.path("max_retries").isInt()).as(key + " max_retries").isTrue();
      assertThat(t.path("min_retry_interval_millis").asLong()).as(key + " min_retry_interval_millis").isPositive();
      assertThat(t.path("libraries").findValuesAsText("jar")).as(key + " jar library").singleElement()
          .satisfies(p -> assertThat(p).endsWith("-spark.jar").matches("^(dbfs:/|/Workspace/|/Volumes/).*"));
      for (String ref : dynamicJobParameters(params)) {
        assertThat(parameterNames).as(key + " references job parameter " + ref).contains(ref);
      }
    }
  }

  @Test
  void jobTasksFormADagInLoopOrderWithStages() {
    checkLoopGraph(DeployFiles.tasks(DeployFiles.databricksJob()), "srlm-job.json");
  }

  @Test
  void jobClusterIsAGpuClusterWithTheJvmFlagsOfJvmProperties() {
    JsonNode job = DeployFiles.databricksJob();
    Map<String, JsonNode> clusters = new HashMap<>();
    job.path("job_clusters").forEach(c -> clusters.put(c.path("job_cluster_key").asText(), c.path("new_cluster")));
    assertThat(clusters).isNotEmpty();
    for (JsonNode t : DeployFiles.tasks(job)) {
      assertThat(clusters).as(t.path("task_key").asText() + " job_cluster_key")
          .containsKey(t.path("job_cluster_key").asText());
    }
    Properties jvm = DeployFiles.jvmProperties();
    String expected = jvm.getProperty("srlm.jvm.opens").trim() + " " + jvm.getProperty("srlm.jvm.djl").trim();
    for (JsonNode c : clusters.values()) {
      assertThat(c.path("spark_version").asText()).contains("gpu-ml").contains("scala2.12");
      assertThat(c.path("node_type_id").asText()).isNotBlank();
      JsonNode conf = c.path("spark_conf");
      assertThat(conf.path("spark.driver.extraJavaOptions").asText())
          .as("driver JVM flags: keep deploy/databricks/srlm-job.json in step with conf/jvm.properties")
          .isEqualTo(expected);
      assertThat(conf.path("spark.executor.extraJavaOptions").asText())
          .as("executor JVM flags: keep deploy/databricks/srlm-job.json in step with conf/jvm.properties")
          .isEqualTo(expected);
      assertThat(conf.path("spark.task.resource.gpu.amount").asText()).isEqualTo("1");
      assertThat(c.path("spark_env_vars").path("DJL_CACHE_DIR").asText()).isNotBlank();
    }
  }

  // ---------------------------------------------------------------- Databricks asset bundle

  @Test
  void bundleBuildsTheShadedJarAndDefinesTheSameJobForDevAndProd() {
    JsonNode bundle = DeployFiles.bundle();
    assertThat(bundle.path("bundle").path("name").asText()).isNotBlank();

    JsonNode artifacts = bundle.path("artifacts");
    assertThat(artifacts.size()).isEqualTo(1);
    JsonNode jar = artifacts.elements().next();
    assertThat(jar.path("build").asText()).startsWith("mvn ").contains("-DskipTests").endsWith(" package");
    String source = jar.path("files").get(0).path("source").asText();
    assertThat(source).endsWith("jobs/target/srlm-jobs-*-spark.jar");

    assertThat(names(bundle.path("targets"))).contains("dev", "prod");
    assertThat(names(bundle.path("variables"))).contains("node_type_id", "run_id");

    JsonNode job = DeployFiles.bundleJob();
    List<JsonNode> tasks = DeployFiles.tasks(job);
    checkLoopGraph(tasks, "databricks.yml");
    Map<String, String> fromJson = classByTask(DeployFiles.tasks(DeployFiles.databricksJob()));
    assertThat(classByTask(tasks)).as("the bundle's job and srlm-job.json define the same tasks")
        .isEqualTo(fromJson);
    for (JsonNode t : tasks) {
      assertThat(t.path("libraries").findValuesAsText("jar")).singleElement().isEqualTo(source);
      assertThat(t.path("max_retries").isInt()).isTrue();
      assertThat(t.path("min_retry_interval_millis").asLong()).isPositive();
      List<String> params = strings(t.path("spark_jar_task").path("parameters"));
      assertThat(valueAfter(params, "--profile")).isEqualTo("databricks");
      assertThat(valueAfter(params, "--run-id")).isEqualTo("{{job.parameters.run_id}}");
    }
  }

  @Test
  void bundleJvmFlagsAreTheOnesInJvmProperties() {
    JsonNode vars = DeployFiles.bundle().path("variables");
    Properties jvm = DeployFiles.jvmProperties();
    assertThat(vars.path("jvm_opens").path("default").asText())
        .as("variables.jvm_opens of databricks.yml must equal srlm.jvm.opens of conf/jvm.properties")
        .isEqualTo(jvm.getProperty("srlm.jvm.opens").trim());
    assertThat(vars.path("jvm_djl").path("default").asText())
        .as("variables.jvm_djl of databricks.yml must equal srlm.jvm.djl of conf/jvm.properties")
        .isEqualTo(jvm.getProperty("srlm.jvm.djl").trim());
    JsonNode conf = DeployFiles.bundleJob().path("job_clusters").get(0).path("new_cluster").path("spark_conf");
    assertThat(conf.path("spark.driver.extraJavaOptions").asText()).isEqualTo("${var.jvm_opens} ${var.jvm_djl}");
    assertThat(conf.path("spark.executor.extraJavaOptions").asText()).isEqualTo("${var.jvm_opens} ${var.jvm_djl}");
  }

  @Test
  void mainClassesListsEveryClassTheDeployFilesName() {
    Set<String> classes = DeployFiles.mainClasses();
    assertThat(classes).contains(DeployFiles.CLI_CLASS, DeployFiles.JOB_PACKAGE + ".RunLoopJob");
    for (String simple : DeployFiles.JOB_CLASSES) {
      assertThat(classes).contains(DeployFiles.JOB_PACKAGE + "." + simple);
    }
    assertThat(classes).allSatisfy(c -> assertThat(c).matches("io\\.srlm\\.(jobs|cli)\\.[A-Z][A-Za-z]+"));
    assertThat(classes).hasSize(DeployFiles.JOB_CLASSES.size() + 1);
  }

  // ---------------------------------------------------------------- scripts

  @Test
  void everyScriptPassesBashSyntaxCheck() throws Exception {
    assertThat(DeployFiles.scripts()).extracting(p -> p.getFileName().toString())
        .contains("spark-submit-gpu.sh", "spark-submit-cpu.sh", "gpu-discovery.sh", "submit-common.sh");
    for (Path script : DeployFiles.scripts()) {
      Result r = run(List.of(bash(), "-n", script.toString()), Map.of(), DeployFiles.deployDir());
      assertThat(r.code).as("bash -n " + script + "\n" + r.err).isZero();
    }
  }

  @Test
  void everyScriptPassesShellcheckWhenInstalled() throws Exception {
    Path shellcheck = onPath("shellcheck");
    assumeTrue(shellcheck != null, "shellcheck is not installed: skipped (apt-get install shellcheck to run it)");
    for (Path script : DeployFiles.scripts()) {
      Result r = run(List.of(shellcheck.toString(), "-x", script.toString()), Map.of(), DeployFiles.deployDir());
      assertThat(r.code).as("shellcheck -x " + script + "\n" + r.out + r.err).isZero();
    }
  }

  @Test
  void scriptsReadTheJvmFlagsFromJvmPropertiesAndNeverCopyThem() {
    for (Path script : DeployFiles.scripts()) {
      String text = DeployFiles.read(script);
      assertThat(text).as(script + " must read the JVM flags from conf/jvm.properties")
          .doesNotContain("--add-opens").doesNotContain("IgnoreUnrecognizedVMOptions")
          .doesNotContain("useDirectMethodHandle");
    }
    String common = DeployFiles.read(DeployFiles.deployDir().resolve("submit-common.sh"));
    assertThat(common).contains("jvm.properties").contains("srlm.jvm.opens").contains("srlm.jvm.djl");
  }

  @Test
  void gpuScriptSubmitsWithGpuResourcesJvmFlagsAndPassThroughArguments() throws Exception {
    Path record = tmp.resolve("args");
    Map<String, String> env = scriptEnv(record);
    Result r = run(List.of(bash(), DeployFiles.submitScript("gpu").toString(), "TrainDpoJob", "--run-id", "r1",
        "--stage", "2", "--profile", "tiny", "--set", "dpo.beta=0.2 ", "--set", "a=b c"), env, tmp);
    assertThat(r.code).as(r.err).isZero();
    List<String> args = recorded(record);

    Properties jvm = DeployFiles.jvmProperties();
    String opens = jvm.getProperty("srlm.jvm.opens").trim();
    String djl = jvm.getProperty("srlm.jvm.djl").trim();
    Map<String, String> conf = confs(args);
    assertThat(valueAfter(args, "--class")).isEqualTo("io.srlm.jobs.TrainDpoJob");
    assertThat(valueAfter(args, "--master")).isEqualTo("yarn");
    assertThat(valueAfter(args, "--deploy-mode")).isEqualTo("client");
    assertThat(conf.get("spark.driver.extraJavaOptions")).startsWith(opens + " " + djl)
        .contains("-DDJL_CACHE_DIR=");
    assertThat(conf.get("spark.executor.extraJavaOptions")).startsWith(opens + " " + djl)
        .contains("-DDJL_CACHE_DIR=/tmp/srlm-djl-cache");
    assertThat(conf).containsEntry("spark.executor.resource.gpu.amount", "1")
        .containsEntry("spark.task.resource.gpu.amount", "1")
        .containsEntry("spark.executor.resource.gpu.discoveryScript", "./gpu-discovery.sh")
        .containsEntry("spark.executorEnv.DJL_CACHE_DIR", "/tmp/srlm-djl-cache")
        .containsEntry("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension");
    assertThat(valueAfter(args, "--files")).isEqualTo(DeployFiles.gpuDiscoveryScript().toString());
    Map<String, String> pom = pomProperties();
    assertThat(valueAfter(args, "--packages")).isEqualTo("io.delta:delta-spark_" + pom.get("scala.binary") + ":"
        + pom.get("delta.version") + ",org.apache.hadoop:hadoop-aws:" + pom.get("hadoop.version"));

    int jar = args.indexOf(env.get("JAR"));
    assertThat(jar).as("the jar is the first application argument").isPositive();
    assertThat(args.subList(jar + 1, args.size())).containsExactly("--conf-dir",
        DeployFiles.repoRoot().resolve("conf").toString(), "--run-id", "r1", "--stage", "2", "--profile",
        "gpu-cluster,tiny", "--set", "dpo.beta=0.2 ", "--set", "a=b c");
  }

  @Test
  void cpuScriptTakesMasterExtraConfsJarsAndAMultiWordSubmitCommand() throws Exception {
    Path record = tmp.resolve("args");
    Map<String, String> env = scriptEnv(record);
    env.put("SPARK_SUBMIT", env.get("SPARK_SUBMIT") + " first-word");
    env.put("MASTER", "spark://127.0.0.1:7077");
    env.put("NUM_EXECUTORS", "3");
    env.put("EXECUTOR_CORES", "2");
    env.put("EXECUTOR_MEMORY", "1g");
    env.put("PACKAGES", "");
    env.put("JARS", "/jars/delta-spark.jar,/jars/delta-storage.jar");
    env.put("EXTRA_CONF", "spark.ui.enabled=false\nspark.executor.extraClassPath=/a b/*\n");
    Result r = run(List.of(bash(), DeployFiles.submitScript("cpu").toString(), "--conf", "spark.x=1",
        "LoadSeedJob", "--run-id", "r2"), env, tmp);
    assertThat(r.code).as(r.err).isZero();
    List<String> args = recorded(record);

    assertThat(args.get(0)).isEqualTo("first-word");
    assertThat(valueAfter(args, "--master")).isEqualTo("spark://127.0.0.1:7077");
    assertThat(valueAfter(args, "--class")).isEqualTo("io.srlm.jobs.LoadSeedJob");
    assertThat(valueAfter(args, "--total-executor-cores")).isEqualTo("6");
    assertThat(valueAfter(args, "--executor-memory")).isEqualTo("1g");
    assertThat(args).doesNotContain("--packages");
    assertThat(valueAfter(args, "--jars")).isEqualTo("/jars/delta-spark.jar,/jars/delta-storage.jar");
    Map<String, String> conf = confs(args);
    assertThat(conf).containsEntry("spark.ui.enabled", "false")
        .containsEntry("spark.executor.extraClassPath", "/a b/*").containsEntry("spark.x", "1");
    assertThat(conf.keySet()).noneMatch(k -> k.contains("resource.gpu"));
    assertThat(args).doesNotContain("--files");
    // Later --conf values win in spark-submit: the user's come after the script's own.
    assertThat(args.lastIndexOf("spark.x=1")).isGreaterThan(args.indexOf("spark.dynamicAllocation.enabled=false"));
    int jar = args.indexOf(env.get("JAR"));
    assertThat(args.subList(jar + 1, args.size())).containsExactly("--conf-dir",
        DeployFiles.repoRoot().resolve("conf").toString(), "--run-id", "r2");
  }

  @Test
  void aPlainJavaSubmitCommandGetsTheDriverFlagsItself() throws Exception {
    Path record = tmp.resolve("args");
    Map<String, String> env = scriptEnv(record);
    Path java = fakeSubmit(tmp.resolve("bin/java"), record);
    env.put("SPARK_SUBMIT", java + " -cp /some/classpath org.apache.spark.deploy.SparkSubmit");
    env.put("MASTER", "local[2]");
    Result r = run(List.of(bash(), DeployFiles.submitScript("cpu").toString(), "io.srlm.cli.Srlm", "loop",
        "--conf-dir", "/my/conf", "--profile=local,tiny"), env, tmp);
    assertThat(r.code).as(r.err).isZero();
    List<String> args = recorded(record);

    List<String> opens = Arrays.asList(DeployFiles.jvmProperties().getProperty("srlm.jvm.opens").trim().split("\\s+"));
    assertThat(args.subList(0, opens.size())).as("driver flags right after java").isEqualTo(opens);
    assertThat(args).contains("-Dai.djl.offline=true");
    assertThat(args.indexOf("-cp")).isGreaterThan(opens.size());
    assertThat(valueAfter(args, "--class")).isEqualTo("io.srlm.cli.Srlm");
    int jar = args.indexOf(env.get("JAR"));
    assertThat(args.subList(jar + 1, args.size())).as("the verb stays first; --conf-dir given, not added")
        .containsExactly("loop", "--conf-dir", "/my/conf", "--profile=local,tiny");
  }

  @Test
  void clusterModeShipsTheConfFolder() throws Exception {
    Path record = tmp.resolve("args");
    Map<String, String> env = scriptEnv(record);
    env.put("DEPLOY_MODE", "cluster");
    Result r = run(List.of(bash(), DeployFiles.submitScript("gpu").toString()), env, tmp);
    assertThat(r.code).as(r.err).isZero();
    List<String> args = recorded(record);
    assertThat(valueAfter(args, "--class")).isEqualTo("io.srlm.jobs.RunLoopJob");
    assertThat(valueAfter(args, "--archives")).endsWith("srlm-conf.tgz#srlm-conf");
    int jar = args.indexOf(env.get("JAR"));
    assertThat(args.subList(jar + 1, args.size())).containsExactly("--conf-dir", "srlm-conf", "--profile",
        "gpu-cluster");
  }

  @Test
  void dryRunPrintsTheCommandAndRunsNothing() throws Exception {
    Path record = tmp.resolve("args");
    Map<String, String> env = scriptEnv(record);
    Result r = run(List.of(bash(), DeployFiles.submitScript("gpu").toString(), "--dry-run", "WriteReportJob",
        "--run-id", "r3"), env, tmp);
    assertThat(r.code).as(r.err).isZero();
    assertThat(r.out).contains("--class io.srlm.jobs.WriteReportJob").contains("--run-id r3")
        .contains("spark.task.resource.gpu.amount=1");
    assertThat(record).doesNotExist();
  }

  @Test
  void anUnknownJobIsRefusedWithTheListOfJobs() throws Exception {
    Map<String, String> env = scriptEnv(tmp.resolve("args"));
    Result r = run(List.of(bash(), DeployFiles.submitScript("cpu").toString(), "NoSuchJob"), env, tmp);
    assertThat(r.code).isEqualTo(2);
    assertThat(r.err).contains("NoSuchJob").contains("RunLoopJob").contains("TrainDpoJob");
    assertThat(tmp.resolve("args")).doesNotExist();
  }

  @Test
  void helpDescribesTheSettings() throws Exception {
    for (String flavour : List.of("gpu", "cpu")) {
      Result r = run(List.of(bash(), DeployFiles.submitScript(flavour).toString(), "-h"), scriptEnv(tmp), tmp);
      assertThat(r.code).isZero();
      assertThat(r.out).contains("Usage:").contains("SPARK_SUBMIT").contains("MASTER").contains("DEPLOY_MODE")
          .contains("EXECUTOR_MEMORY").contains("NUM_EXECUTORS").contains("EXTRA_CONF").contains("JARS");
    }
  }

  @Test
  void gpuDiscoveryReportsNoGpusWithoutNvidiaSmi() throws Exception {
    Path emptyBin = Files.createDirectories(tmp.resolve("empty-bin"));
    Result r = run(List.of(bash(), DeployFiles.gpuDiscoveryScript().toString()), Map.of("PATH", emptyBin.toString()),
        tmp);
    assertThat(r.code).isZero();
    JsonNode json = new ObjectMapper().readTree(r.out);
    assertThat(json.path("name").asText()).isEqualTo("gpu");
    assertThat(json.path("addresses").isArray()).isTrue();
    assertThat(json.path("addresses").size()).isZero();
  }

  @Test
  void gpuDiscoveryListsTheGpuIndexesOfNvidiaSmi() throws Exception {
    Path bin = Files.createDirectories(tmp.resolve("gpu-bin"));
    Path smi = bin.resolve("nvidia-smi");
    Files.writeString(smi, "#!" + bash() + "\nprintf '0\\n1\\n3\\n'\n");
    Files.setPosixFilePermissions(smi, PosixFilePermissions.fromString("rwxr-xr-x"));
    Result r = run(List.of(bash(), DeployFiles.gpuDiscoveryScript().toString()), Map.of("PATH", bin.toString()), tmp);
    assertThat(r.code).as(r.err).isZero();
    JsonNode json = new ObjectMapper().readTree(r.out);
    assertThat(json.path("name").asText()).isEqualTo("gpu");
    assertThat(strings(json.path("addresses"))).containsExactly("0", "1", "3");
  }

  // ---------------------------------------------------------------- helpers

  /** The job graph must be a DAG whose topological order is seed, sft, then per iteration the loop steps. */
  private static void checkLoopGraph(List<JsonNode> tasks, String file) {
    Map<String, JsonNode> byKey = new LinkedHashMap<>();
    for (JsonNode t : tasks) {
      String key = t.path("task_key").asText();
      assertThat(key).as(file + " task_key").isNotBlank();
      assertThat(byKey.put(key, t)).as(file + ": duplicate task_key " + key).isNull();
    }
    Map<String, List<String>> deps = new LinkedHashMap<>();
    for (JsonNode t : tasks) {
      List<String> d = t.path("depends_on").findValuesAsText("task_key");
      for (String ref : d) {
        assertThat(byKey).as(file + ": " + t.path("task_key").asText() + " depends on a missing task").containsKey(ref);
      }
      deps.put(t.path("task_key").asText(), d);
    }
    List<String> order = topologicalOrder(deps);
    assertThat(order).as(file + ": the tasks' depends_on must not form a cycle").hasSize(tasks.size());

    List<String> expected = new ArrayList<>(List.of("LoadSeedJob", "TrainSftJob"));
    int iterations = (tasks.size() - 3) / ITERATION_STEPS.size();
    assertThat(iterations).as(file + " iterations").isGreaterThanOrEqualTo(1);
    for (int i = 0; i < iterations; i++) {
      expected.addAll(ITERATION_STEPS);
    }
    expected.add("WriteReportJob");
    List<String> classes = order.stream().map(k -> simpleName(byKey.get(k))).toList();
    assertThat(classes).as(file + ": steps in dependency order").isEqualTo(expected);

    for (int i = 0; i < order.size(); i++) {
      JsonNode t = byKey.get(order.get(i));
      List<String> params = strings(t.path("spark_jar_task").path("parameters"));
      String stage = valueAfter(params, "--stage");
      String cls = classes.get(i);
      if (cls.equals("LoadSeedJob") || cls.equals("WriteReportJob")) {
        assertThat(stage).as(file + ": " + cls + " takes no --stage").isNull();
      } else if (cls.equals("TrainSftJob")) {
        assertThat(stage).as(file + ": sft is stage 0").isEqualTo("0");
      } else {
        int iteration = (i - 2) / ITERATION_STEPS.size() + 1;
        assertThat(stage).as(file + ": " + order.get(i) + " stage").isEqualTo(Integer.toString(iteration));
      }
    }
  }

  /** Kahn's algorithm; a shorter result than the input means a cycle. Ties keep file order. */
  private static List<String> topologicalOrder(Map<String, List<String>> deps) {
    Map<String, Integer> pending = new LinkedHashMap<>();
    Map<String, List<String>> dependents = new HashMap<>();
    deps.forEach((k, d) -> {
      pending.put(k, d.size());
      d.forEach(p -> dependents.computeIfAbsent(p, x -> new ArrayList<>()).add(k));
    });
    Deque<String> ready = new ArrayDeque<>();
    pending.forEach((k, n) -> {
      if (n == 0) {
        ready.add(k);
      }
    });
    List<String> out = new ArrayList<>();
    while (!ready.isEmpty()) {
      String k = ready.poll();
      out.add(k);
      for (String next : dependents.getOrDefault(k, List.of())) {
        if (pending.merge(next, -1, Integer::sum) == 0) {
          ready.add(next);
        }
      }
    }
    return out;
  }

  private static Map<String, String> classByTask(List<JsonNode> tasks) {
    Map<String, String> out = new LinkedHashMap<>();
    for (JsonNode t : tasks) {
      out.put(t.path("task_key").asText(), t.path("spark_jar_task").path("main_class_name").asText() + " "
          + strings(t.path("spark_jar_task").path("parameters")).stream()
              .filter(p -> !p.startsWith("{{job.parameters.conf_dir")).toList()
          + " after " + t.path("depends_on").findValuesAsText("task_key"));
    }
    return out;
  }

  private static String simpleName(JsonNode task) {
    String c = task.path("spark_jar_task").path("main_class_name").asText();
    return c.substring(c.lastIndexOf('.') + 1);
  }

  private static List<String> dynamicJobParameters(List<String> params) {
    List<String> out = new ArrayList<>();
    for (String p : params) {
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\{\\{job\\.parameters\\.([A-Za-z0-9_.-]+)}}")
          .matcher(p);
      while (m.find()) {
        out.add(m.group(1));
      }
    }
    return out;
  }

  private static Set<String> names(JsonNode node) {
    Set<String> out = new java.util.TreeSet<>();
    if (node.isArray()) {
      node.forEach(n -> out.add(n.path("name").asText()));
    } else {
      node.fieldNames().forEachRemaining(out::add);
    }
    return out;
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  private static String valueAfter(List<String> args, String option) {
    int i = args.indexOf(option);
    return i < 0 || i + 1 >= args.size() ? null : args.get(i + 1);
  }

  /** All --conf KEY=VALUE of a command line; a later value for a key wins, as in spark-submit. */
  private static Map<String, String> confs(List<String> args) {
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 0; i + 1 < args.size(); i++) {
      if (args.get(i).equals("--conf")) {
        String kv = args.get(i + 1);
        int eq = kv.indexOf('=');
        out.put(kv.substring(0, eq), kv.substring(eq + 1));
      }
    }
    return out;
  }

  private static Map<String, String> pomProperties() throws Exception {
    Element props = (Element) DocumentBuilderFactory.newInstance().newDocumentBuilder()
        .parse(DeployFiles.repoRoot().resolve("pom.xml").toFile()).getElementsByTagName("properties").item(0);
    Map<String, String> out = new HashMap<>();
    for (String name : List.of("scala.binary", "delta.version", "hadoop.version")) {
      out.put(name, props.getElementsByTagName(name).item(0).getTextContent().trim());
    }
    return out;
  }

  /**
   * An environment for running a submit script: a fake spark-submit that records its arguments (NUL-separated) in
   * {@code record}, a dummy jar, and none of the script's settings inherited from the calling environment.
   */
  private Map<String, String> scriptEnv(Path record) throws IOException {
    Map<String, String> env = new HashMap<>(System.getenv());
    for (String k : List.of("SRLM_HOME", "SPARK_HOME", "SPARK_SUBMIT", "MASTER", "DEPLOY_MODE", "JAR", "PROFILE",
        "CONF_DIR", "DRIVER_CONF_DIR", "JVM_PROPERTIES", "EXTRA_JAVA_OPTS", "DRIVER_MEMORY", "EXECUTOR_MEMORY",
        "EXECUTOR_MEMORY_OVERHEAD", "EXECUTOR_CORES", "NUM_EXECUTORS", "EXECUTOR_DJL_CACHE_DIR",
        "DRIVER_DJL_CACHE_DIR", "DJL_CACHE_DIR", "PACKAGES", "JARS", "REPOSITORIES", "EXTRA_CONF", "DRY_RUN",
        "GPU_DISCOVERY_SCRIPT", "EXECUTOR_GPUS", "TASK_GPUS")) {
      env.remove(k);
    }
    Path jar = tmp.resolve("srlm-jobs-test-spark.jar");
    if (!Files.exists(jar)) {
      Files.write(jar, new byte[0]);
    }
    env.put("JAR", jar.toString());
    env.put("SPARK_SUBMIT", fakeSubmit(tmp.resolve("bin/spark-submit"), record).toString());
    return env;
  }

  private static Path fakeSubmit(Path file, Path record) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, "#!" + bash() + "\nprintf '%s\\0' \"$@\" > '" + record + "'\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    return file;
  }

  private static List<String> recorded(Path record) throws IOException {
    assertThat(record).as("the submit command was run").exists();
    String all = Files.readString(record, StandardCharsets.UTF_8);
    List<String> out = new ArrayList<>(Arrays.asList(all.split("\0", -1)));
    if (!out.isEmpty() && out.get(out.size() - 1).isEmpty()) {
      out.remove(out.size() - 1);
    }
    return out;
  }

  private static String bash() {
    for (String p : List.of("/bin/bash", "/usr/bin/bash", "/usr/local/bin/bash")) {
      if (Files.isExecutable(Path.of(p))) {
        return p;
      }
    }
    Path found = onPath("bash");
    assumeTrue(found != null, "bash is not installed");
    return found.toString();
  }

  private static Path onPath(String command) {
    String path = System.getenv("PATH");
    if (path == null) {
      return null;
    }
    for (String dir : path.split(java.io.File.pathSeparator)) {
      Path p = Path.of(dir, command);
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    return null;
  }

  private record Result(int code, String out, String err) {}

  private static Result run(List<String> command, Map<String, String> env, Path cwd) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(command).directory(cwd.toFile());
    pb.environment().clear();
    pb.environment().putAll(env);
    Path out = Files.createTempFile("deploy-test", ".out");
    Path err = Files.createTempFile("deploy-test", ".err");
    try {
      pb.redirectOutput(out.toFile()).redirectError(err.toFile());
      Process p = pb.start();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("timed out: " + command);
      }
      return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }
}

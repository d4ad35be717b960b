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

/** The scripts under deploy/: spark-submit and GPU discovery (the Databricks files: {@link DatabricksJobTest}). */
class DeployFilesTest {

  @TempDir
  Path tmp;

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

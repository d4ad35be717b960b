package io.srlm.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.srlm.cli.Srlm;
import io.srlm.registry.StepDef;
import io.srlm.registry.StepRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/databricks/: the committed job JSON and bundle are exactly what {@code srlm deploy databricks} writes, and
 * the job they define can run: a task per recipe step in order, starting with the seed data and M0, depends_on
 * edges that give every task the latest earlier writer of each table it reads, retries, the job parameters the
 * tasks reference, the profile and run id on every task, the JVM flags of conf/jvm.properties, and a report task
 * after everything with a main class that exists.
 */
class DatabricksJobTest {
  @TempDir
  Path tmp;

  @Test
  void committedFilesAreTheGeneratorsOutput() throws Exception {
    int rc = Srlm.run("deploy", "databricks", "--out", tmp.toString(), "--conf-dir",
        DeployFiles.repoRoot().resolve("conf").toString());
    assertThat(rc).isZero();
    for (String f : List.of("srlm-job.json", "databricks.yml")) {
      assertThat(Files.readString(DeployFiles.deployDir().resolve("databricks").resolve(f), StandardCharsets.UTF_8))
          .as("deploy/databricks/" + f + " is stale: regenerate with bin/srlm deploy databricks --out "
              + "deploy/databricks")
          .isEqualTo(Files.readString(tmp.resolve(f), StandardCharsets.UTF_8));
    }
  }

  @Test
  void jobJsonTasksRunRegistryMainsWithTheProfileRunIdAndModel() {
    checkTasks(DeployFiles.databricksJob(), "srlm-job.json");
  }

  @Test
  void bundleDefinesTheSameTasks() {
    JsonNode bundle = DeployFiles.bundle();
    JsonNode job = DeployFiles.bundleJob();
    checkTasks(job, "databricks.yml");
    List<String> fromJson = DeployFiles.tasks(DeployFiles.databricksJob()).stream()
        .map(t -> t.path("task_key").asText() + "=" + t.path("spark_jar_task").path("main_class_name").asText())
        .toList();
    assertThat(DeployFiles.tasks(job).stream().map(t -> t.path("task_key").asText() + "="
        + t.path("spark_jar_task").path("main_class_name").asText()).toList()).isEqualTo(fromJson);
    assertThat(bundle.path("artifacts").elements().next().path("build").asText()).startsWith("mvn ")
        .contains("-DskipTests").endsWith(" package");
    assertThat(bundle.path("targets").has("dev")).isTrue();
    assertThat(bundle.path("targets").has("prod")).isTrue();
    Properties jvm = DeployFiles.jvmProperties();
    assertThat(bundle.path("variables").path("jvm_opens").path("default").asText())
        .isEqualTo(jvm.getProperty("srlm.jvm.opens").trim());
    assertThat(bundle.path("variables").path("jvm_djl").path("default").asText())
        .isEqualTo(jvm.getProperty("srlm.jvm.djl").trim());
  }

  @Test
  void theJobJsonsClusterHasTheJvmFlagsOfJvmProperties() {
    Properties jvm = DeployFiles.jvmProperties();
    String expected = jvm.getProperty("srlm.jvm.opens").trim() + " " + jvm.getProperty("srlm.jvm.djl").trim();
    JsonNode c = DeployFiles.databricksJob().path("job_clusters").get(0).path("new_cluster");
    assertThat(c.path("spark_conf").path("spark.driver.extraJavaOptions").asText()).isEqualTo(expected);
    assertThat(c.path("spark_conf").path("spark.executor.extraJavaOptions").asText()).isEqualTo(expected);
    assertThat(c.path("spark_conf").path("spark.task.resource.gpu.amount").asText()).isEqualTo("1");
    assertThat(c.path("spark_version").asText()).contains("gpu-ml").contains("scala2.12");
  }

  @Test
  void theSubmitScriptsAcceptEveryMain() {
    Set<String> expected = new HashSet<>();
    DeployFiles.JOB_CLASSES.forEach(c -> expected.add(DeployFiles.JOB_PACKAGE + "." + c));
    expected.add(DeployFiles.CLI_CLASS);
    assertThat(DeployFiles.mainClasses()).containsExactlyInAnyOrderElementsOf(expected);
  }

  private static void checkTasks(JsonNode job, String file) {
    List<JsonNode> tasks = DeployFiles.tasks(job);
    Map<String, StepDef> rowOfMain = new HashMap<>();
    StepRegistry.STEPS_IN_ORDER.forEach(d -> rowOfMain.put(d.jobClass() + d.jobArgs(), d));
    Set<String> params = new HashSet<>();
    job.path("parameters").forEach(p -> params.add(p.path("name").asText()));
    assertThat(params).as(file + " job parameters").contains("run_id", "model", "conf_dir");

    Map<String, Set<String>> ancestors = new LinkedHashMap<>();
    Map<String, String> lastWriter = new HashMap<>();
    List<String> steps = new ArrayList<>();
    for (JsonNode t : tasks) {
      String key = t.path("task_key").asText();
      String main = t.path("spark_jar_task").path("main_class_name").asText();
      List<String> args = new ArrayList<>();
      t.path("spark_jar_task").path("parameters").forEach(a -> args.add(a.asText()));
      assertThat(valueAfter(args, "--profile")).as(key).isEqualTo("databricks");
      assertThat(valueAfter(args, "--run-id")).as(key).isEqualTo("{{job.parameters.run_id}}");
      for (String a : args) {
        Matcher m = Pattern.compile("\\{\\{job\\.parameters\\.([a-z_]+)}}").matcher(a);
        while (m.find()) {
          assertThat(params).as(key + " references job parameter " + m.group(1)).contains(m.group(1));
        }
      }
      assertThat(t.path("max_retries").asInt()).as(key + " max_retries").isPositive();
      Set<String> anc = new HashSet<>();
      for (String dep : DeployFiles.strings(t.path("depends_on"), "task_key")) {
        assertThat(ancestors).as(key + " depends on an earlier task " + dep).containsKey(dep);
        anc.add(dep);
        anc.addAll(ancestors.get(dep));
      }
      ancestors.put(key, anc);
      if (key.equals("report")) {
        assertThat(main).isEqualTo(DeployFiles.JOB_PACKAGE + ".WriteReportJob");
        assertThat(t.path("run_if").asText()).isEqualTo("ALL_DONE");
        assertThat(anc).as("the report comes after every task").containsAll(steps);
        continue;
      }
      StepDef d = rowOfMain.get(main + (main.endsWith(".StepJob") ? List.of(args.get(0)) : List.of()));
      assertThat(d).as(key + ": " + main + " is the main of a step registry row").isNotNull();
      assertThat(valueAfter(args, "--set")).as(key).isEqualTo("model.base={{job.parameters.model}}");
      if (d.executors()) {
        assertThat(t.path("max_retries").asInt()).as(key + ": a Spark step is retried").isGreaterThanOrEqualTo(2);
      }
      for (String table : d.reads()) {
        if (lastWriter.containsKey(table)) {
          assertThat(anc).as(key + " reads " + table + ", written last by " + lastWriter.get(table))
              .contains(lastWriter.get(table));
        }
      }
      d.writes().forEach(table -> lastWriter.put(table, key));
      steps.add(key);
    }
    List<String> mains = tasks.stream().map(t -> t.path("spark_jar_task").path("main_class_name").asText()).toList();
    assertThat(mains.subList(0, 3)).as(file + ": seed data, M0, then SFT").containsExactly(
        "io.srlm.jobs.LoadSeedJob", "io.srlm.jobs.BaseModelJob", "io.srlm.jobs.TrainSftJob");
    assertThat(mains.get(mains.size() - 1)).isEqualTo("io.srlm.jobs.WriteReportJob");
    assertThat(mains).as(file).contains("io.srlm.jobs.TrainDpoJob", "io.srlm.jobs.JudgeResponsesJob");
  }

  private static String valueAfter(List<String> args, String option) {
    int i = args.indexOf(option);
    return i < 0 || i + 1 >= args.size() ? null : args.get(i + 1);
  }
}

package io.srlm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.srlm.config.SrlmConfig;
import io.srlm.loop.Recipe;
import io.srlm.registry.StepDef;
import io.srlm.registry.StepRegistry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Databricks multi-task job of a loop, derived from the recipe of the configured stages and the step registry:
 * one task per (stage, step) in run order, each task's {@code depends_on} the latest earlier task writing each
 * table it reads (so evaluations run beside the next stage), retries on every task (more on the executor steps,
 * which a lost node can fail), the job parameters {@code run_id}, {@code model} (model.base) and {@code conf_dir},
 * and a report task after everything that runs even when an evaluation failed. {@link Flavour} decides the
 * values a Jobs API request and an asset bundle spell differently (cluster sizes, jar path).
 */
final class DatabricksJob {
  private DatabricksJob() {}

  static final String JOB_NAME = "srlm-self-rewarding-loop";
  static final String CLUSTER_KEY = "srlm_gpu";
  static final String PROFILE = "databricks";

  /** How a file spells the cluster and the jar. */
  record Flavour(String sparkVersion, String nodeType, String driverNodeType, Object numWorkers, String jvmFlags,
      String jar, String runIdDefault, String confDirDefault) {}

  /** The job settings (the body of a Jobs API 2.1 create request; a bundle's resources.jobs entry). */
  static ObjectNode build(SrlmConfig cfg, Flavour f) {
    ObjectMapper m = new ObjectMapper();
    ObjectNode job = m.createObjectNode();
    job.put("name", JOB_NAME);
    job.putObject("tags").put("project", "srlm");
    job.put("max_concurrent_runs", 1);
    job.put("timeout_seconds", 0);
    ArrayNode params = job.putArray("parameters");
    param(params, "run_id", f.runIdDefault());
    param(params, "model", "");
    param(params, "conf_dir", f.confDirDefault());
    ObjectNode cluster = job.putArray("job_clusters").addObject().put("job_cluster_key", CLUSTER_KEY)
        .putObject("new_cluster");
    cluster.put("spark_version", f.sparkVersion()).put("node_type_id", f.nodeType())
        .put("driver_node_type_id", f.driverNodeType());
    if (f.numWorkers() instanceof Integer n) {
      cluster.put("num_workers", n);
    } else {
      cluster.put("num_workers", f.numWorkers().toString());
    }
    cluster.putObject("spark_conf").put("spark.driver.extraJavaOptions", f.jvmFlags())
        .put("spark.executor.extraJavaOptions", f.jvmFlags()).put("spark.task.resource.gpu.amount", "1");
    cluster.putObject("spark_env_vars").put("DJL_CACHE_DIR", "/local_disk0/srlm-djl-cache")
        .put("JNAME", "zulu17-ca-amd64");
    cluster.put("enable_elastic_disk", true);

    ArrayNode tasks = job.putArray("tasks");
    Map<String, String> lastWriter = new HashMap<>();
    Map<String, Set<String>> ancestorsOf = new HashMap<>();
    Set<String> hasDependents = new HashSet<>();
    List<String> keys = new ArrayList<>();
    for (SrlmConfig.Stage stage : cfg.loop().stages()) {
      for (StepDef d : Recipe.defs(stage, cfg.loop().evaluate())) {
        String key = "s" + stage.index() + "_" + d.id();
        Set<String> deps = new LinkedHashSet<>();
        for (String table : d.reads()) {
          if (lastWriter.containsKey(table)) {
            deps.add(lastWriter.get(table));
          }
        }
        Set<String> ancestors = new HashSet<>(deps);
        deps.forEach(k -> ancestors.addAll(ancestorsOf.get(k)));
        // Keep only the direct edges: a dependency already reached through another one is implied.
        deps.removeIf(k -> deps.stream().anyMatch(o -> !o.equals(k) && ancestorsOf.get(o).contains(k)));
        ancestorsOf.put(key, ancestors);
        ObjectNode t = task(tasks, key, describe(stage, d), deps, d.jobClass(), f.jar());
        ArrayNode args = (ArrayNode) t.path("spark_jar_task").path("parameters");
        for (int i = d.jobArgs().size() - 1; i >= 0; i--) {
          args.insert(0, d.jobArgs().get(i));
        }
        args.add("--set").add("model.base={{job.parameters.model}}").add("--stage")
            .add(Integer.toString(stage.index()));
        boolean training = d.id().startsWith("train_");
        t.put("max_retries", d.executors() ? 2 : 1);
        t.put("min_retry_interval_millis", training ? 300_000 : 60_000);
        t.put("retry_on_timeout", false);
        t.put("timeout_seconds", training ? 43_200 : 14_400);
        hasDependents.addAll(deps);
        keys.add(key);
        for (String table : d.writes()) {
          lastWriter.put(table, key);
        }
      }
    }
    Set<String> leaves = new LinkedHashSet<>(keys);
    leaves.removeAll(hasDependents);
    ObjectNode report = task(tasks, "report", "HTML report of the run (runs even when an evaluation failed)",
        leaves, StepRegistry.JOB_PACKAGE + ".WriteReportJob", f.jar());
    report.put("run_if", "ALL_DONE");
    report.put("max_retries", 1).put("min_retry_interval_millis", 60_000).put("retry_on_timeout", false)
        .put("timeout_seconds", 3600);
    return job;
  }

  private static void param(ArrayNode params, String name, String def) {
    params.addObject().put("name", name).put("default", def);
  }

  private static ObjectNode task(ArrayNode tasks, String key, String description, Set<String> deps,
      String mainClass, String jar) {
    ObjectNode t = tasks.addObject();
    t.put("task_key", key);
    t.put("description", description);
    if (!deps.isEmpty()) {
      ArrayNode on = t.putArray("depends_on");
      deps.forEach(k -> on.addObject().put("task_key", k));
    }
    t.put("job_cluster_key", CLUSTER_KEY);
    ObjectNode jarTask = t.putObject("spark_jar_task");
    jarTask.put("main_class_name", mainClass);
    jarTask.putArray("parameters").add("--conf-dir").add("{{job.parameters.conf_dir}}").add("--profile")
        .add(PROFILE).add("--run-id").add("{{job.parameters.run_id}}");
    t.putArray("libraries").addObject().put("jar", jar);
    return t;
  }

  private static String describe(SrlmConfig.Stage stage, StepDef d) {
    String where = stage.type().equals("sft") ? "Stage " + stage.index() + " (sft)"
        : "Stage " + stage.index() + " (" + stage.type() + ", iteration " + stage.iteration() + ")";
    return where + ": " + d.description();
  }

  /** The task keys a task depends on. */
  static List<String> dependencies(JsonNode task) {
    return task.path("depends_on").findValuesAsText("task_key");
  }
}

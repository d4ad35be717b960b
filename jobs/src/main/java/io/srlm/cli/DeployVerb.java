package io.srlm.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.srlm.config.ConfSource;
import io.srlm.config.SrlmConfig;
import io.srlm.errors.Errors;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code srlm deploy databricks --out DIR}: writes the Databricks job as a Jobs API 2.1 request
 * ({@code srlm-job.json}) and as an asset bundle ({@code databricks.yml}), both derived from the step registry and
 * the recipe of the configured stages (profile databricks unless --profile says otherwise). The files under
 * deploy/databricks/ are this command's output; a test regenerates them and compares.
 */
@Command(name = "deploy", mixinStandardHelpOptions = true,
    description = "Write the Databricks job (srlm-job.json, Jobs API 2.1) and asset bundle (databricks.yml) of the "
        + "configured loop, derived from the step registry.")
final class DeployVerb implements Callable<Integer> {
  /** The shaded jar's file name (the jobs module's artifact with the spark classifier). */
  static final String JAR_NAME = "srlm-jobs-0.1.0-SNAPSHOT-spark.jar";

  @Mixin
  ConfigOptions options;

  @Parameters(index = "0", paramLabel = "TARGET", description = "What to write for: databricks")
  String target;

  @Option(names = "--out", paramLabel = "DIR", required = true, description = "Folder to write the files to")
  Path out;

  @Override
  public Integer call() throws IOException {
    if (!target.equals("databricks")) {
      throw Errors.configBadValue("TARGET", "(command line)", "must be databricks", target);
    }
    if (options.profiles == null) {
      options.profiles = DatabricksJob.PROFILE;
    }
    SrlmConfig cfg = options.load();
    Files.createDirectories(out);
    Properties jvm = jvmProperties();
    String opens = jvm.getProperty("srlm.jvm.opens", "").trim();
    String djl = jvm.getProperty("srlm.jvm.djl", "").trim();
    Files.writeString(out.resolve("srlm-job.json"), jobJson(cfg, opens + " " + djl), StandardCharsets.UTF_8);
    Files.writeString(out.resolve("databricks.yml"), bundleYaml(cfg, opens, djl), StandardCharsets.UTF_8);
    System.out.println("Wrote " + out.resolve("srlm-job.json") + " and " + out.resolve("databricks.yml"));
    return 0;
  }

  /** conf/jvm.properties, the one place the JVM flags live. */
  Properties jvmProperties() throws IOException {
    ConfSource conf = ConfSource.locate(options.confDir);
    String text = conf.read("jvm.properties").orElseThrow(() -> Errors.configMissingFile(conf.describe(
        "jvm.properties")));
    Properties p = new Properties();
    p.load(new StringReader(text));
    return p;
  }

  static String jobJson(SrlmConfig cfg, String jvmFlags) throws IOException {
    ObjectNode job = DatabricksJob.build(cfg, new DatabricksJob.Flavour("16.4.x-gpu-ml-scala2.12", "g5.4xlarge",
        "g5.4xlarge", 2, jvmFlags, "/Workspace/Shared/srlm/jars/" + JAR_NAME, "dbx-{{job.run_id}}",
        "/Workspace/Shared/srlm/conf"));
    return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(job) + "\n";
  }

  static String bundleYaml(SrlmConfig cfg, String jvmOpens, String jvmDjl) {
    ObjectNode root = Yaml.object();
    root.putObject("bundle").put("name", "srlm");
    ObjectNode vars = root.putObject("variables");
    variable(vars, "node_type_id", "GPU node type of the workers (one GPU per node keeps one model-holding task "
        + "per GPU)", "g5.4xlarge");
    variable(vars, "driver_node_type_id", "node type of the driver", "g5.4xlarge");
    variable(vars, "num_workers", "number of GPU workers", "2");
    variable(vars, "spark_version", "a Databricks ML GPU runtime on Spark 3.5 / Scala 2.12 with JDK 17",
        "16.4.x-gpu-ml-scala2.12");
    variable(vars, "run_id", "srlm run id. The default gives each job run its own id, kept across task retries "
        + "and repairs of that run; pass an existing id (bundle run --params run_id=...) to resume a run.",
        "dbx-{{job.run_id}}");
    variable(vars, "jvm_opens", "JDK 17 flags for Spark: srlm.jvm.opens of conf/jvm.properties", jvmOpens);
    variable(vars, "jvm_djl", "DJL flags: srlm.jvm.djl of conf/jvm.properties", jvmDjl);
    ObjectNode jar = root.putObject("artifacts").putObject("srlm_jobs_jar");
    jar.put("type", "jar").put("path", "../..").put("build", "mvn -q -DskipTests -Pcuda package");
    jar.putArray("files").addObject().put("source", "../../jobs/target/srlm-jobs-*-spark.jar");
    root.putObject("sync").putArray("paths").add("../../conf").add("../../notebooks");
    ObjectNode job = DatabricksJob.build(cfg, new DatabricksJob.Flavour("${var.spark_version}",
        "${var.node_type_id}", "${var.driver_node_type_id}", "${var.num_workers}",
        "${var.jvm_opens} ${var.jvm_djl}", "../../jobs/target/srlm-jobs-*-spark.jar", "${var.run_id}",
        "${workspace.file_path}/conf"));
    root.putObject("resources").putObject("jobs").set("srlm_loop", job);
    ObjectNode targets = root.putObject("targets");
    targets.putObject("dev").put("mode", "development").put("default", true);
    ObjectNode prod = targets.putObject("prod").put("mode", "production");
    prod.putObject("workspace").put("root_path", "/Workspace/Shared/.bundle/${bundle.name}/${bundle.target}");
    prod.putObject("variables").put("num_workers", 4);
    return HEADER + Yaml.write(root);
  }

  private static void variable(ObjectNode vars, String name, String description, String def) {
    vars.putObject(name).put("description", description).put("default", def);
  }

  private static final String HEADER = """
      # GENERATED by `srlm deploy databricks --out deploy/databricks` from the step registry
      # (io.srlm.registry.StepRegistry) and the databricks profile's recipe; do not edit, regenerate.
      # Databricks Asset Bundle for srlm: builds the shaded jobs jar, uploads it with conf/ and notebooks/, and defines
      # the self-rewarding loop as one multi-task job (the same tasks as srlm-job.json).
      #
      #   cd deploy/databricks
      #   databricks bundle validate -t dev
      #   databricks bundle deploy -t dev
      #   databricks bundle run -t dev srlm_loop --params model=/Volumes/main/srlm/models/base   # new run id
      #   databricks bundle run -t dev srlm_loop --params model=...,run_id=my-run                # resume a run
      #
      # The job parameter `model` (model.base: a HuggingFace directory on /Volumes, dbfs:/ or s3a://) must be set;
      # every task fails at start, naming it, when it is empty. The jvm_* variables are copied by the generator
      # from conf/jvm.properties (the one place the JVM flags live).

      """;
}

package io.srlm.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import com.networknt.schema.oas.OpenApi30;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The generated Databricks files against the published schemas (see src/test/resources/databricks/SOURCE.md):
 * databricks.yml against the Databricks CLI's bundle JSON schema; srlm-job.json against the job settings
 * definition of the same schema and against the request body of {@code POST /2.1/jobs/create} in Databricks' Jobs
 * API 2.1 OpenAPI document. The OpenAPI schemas leave unknown fields open, so the job is also walked key by key
 * ({@link DeclaredKeys}): a misspelt key or a wrong type fails here rather than at deploy time.
 */
class DatabricksSchemaTest {
  private static final String BUNDLE_SCHEMA = "classpath:databricks/bundle-jsonschema.json";
  private static final String BUNDLE_DEFS = "/$defs/github.com/databricks/";
  private static final String JOB_SETTINGS = BUNDLE_SCHEMA + "#" + BUNDLE_DEFS + "cli/bundle/config/resources.Job";
  private static final String JOBS_API = "databricks/jobs-2.1-aws.yaml";
  /** The request body of POST /2.1/jobs/create: allOf JobSettings and AccessControlList. */
  private static final String CREATE_REQUEST =
      "/paths/~12.1~1jobs~1create/post/requestBody/content/application~1json/schema";

  /**
   * Fields the generated job uses that Databricks added to Jobs API 2.1 after this spec was published (the copy
   * predates them; the newer Go-SDK-generated bundle schema has them, see {@link #theNewerFieldsAreNewerThanTheSpec}):
   * job-level {@code parameters} (job parameters, 2023: the run id, model and conf dir that every task reads as
   * {@code {{job.parameters.*}}}) and a task's {@code run_if} (2023: the report runs {@code ALL_DONE}, even after a
   * failed evaluation). Their values are checked by {@link #theJobJsonPassesTheJobSettingsSchema}, whose schema
   * forbids unknown fields at every level.
   */
  private static final Map<String, Set<String>> NEWER_THAN_SPEC =
      Map.of("JobSettings", Set.of("parameters"), "JobTaskSettings", Set.of("run_if"));
  /** Where each of those lives in the bundle schema. */
  private static final Map<String, String> NEWER_IN_BUNDLE = Map.of(
      "JobSettings", BUNDLE_DEFS + "cli/bundle/config/resources.Job",
      "JobTaskSettings", BUNDLE_DEFS + "databricks-sdk-go/service/jobs.Task");

  private static JsonSchema schema(String location) {
    return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(SchemaLocation.of(location));
  }

  /** The create request's schema, in the OpenAPI 3.0 dialect, its $refs resolved inside the whole document. */
  private static JsonSchema createRequestSchema() {
    JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4,
        b -> b.metaSchema(OpenApi30.getInstance()).defaultMetaSchemaIri(OpenApi30.getInstance().getIri()));
    return factory.getSchema(SchemaLocation.of("classpath:" + JOBS_API + "#" + CREATE_REQUEST));
  }

  private static JsonNode resource(String name, ObjectMapper mapper) {
    try (InputStream in = DatabricksSchemaTest.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("test resource " + name + " is missing (see databricks/SOURCE.md)");
      }
      return mapper.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read test resource " + name, e);
    }
  }

  private static JsonNode jobsApi() {
    return resource(JOBS_API, new ObjectMapper(new YAMLFactory()));
  }

  /** The job's keys that the Jobs API 2.1 spec does not declare where they are written. */
  private static List<DeclaredKeys.Finding> undeclaredKeys(JsonNode job) {
    JsonNode spec = jobsApi();
    return new DeclaredKeys(spec, NEWER_THAN_SPEC).undeclared(job, spec.at(CREATE_REQUEST));
  }

  @Test
  void theBundlePassesTheDatabricksCliSchema() {
    Set<ValidationMessage> errors = schema(BUNDLE_SCHEMA).validate(DeployFiles.bundle());
    assertThat(errors).as("databricks.yml against the bundle schema").isEmpty();
  }

  @Test
  void theJobJsonPassesTheJobSettingsSchema() {
    Set<ValidationMessage> errors = schema(JOB_SETTINGS).validate(DeployFiles.databricksJob());
    assertThat(errors).as("srlm-job.json against the job settings schema").isEmpty();
  }

  @Test
  void theJobJsonPassesTheJobsApiCreateRequestSchema() {
    Set<ValidationMessage> errors = createRequestSchema().validate(DeployFiles.databricksJob());
    assertThat(errors).as("srlm-job.json against POST /2.1/jobs/create in " + JOBS_API).isEmpty();
  }

  @Test
  void theJobJsonUsesOnlyFieldsTheJobsApiDeclares() {
    JsonNode job = DeployFiles.databricksJob();
    assertThat(job.path("tasks").size()).as("tasks in srlm-job.json").isGreaterThan(1);
    assertThat(undeclaredKeys(job))
        .as("keys in srlm-job.json that the Jobs API 2.1 spec (" + JOBS_API + ") does not declare")
        .isEmpty();
  }

  @Test
  void theNewerFieldsAreNewerThanTheSpec() {
    JsonNode spec = jobsApi();
    JsonNode bundle = resource("databricks/bundle-jsonschema.json", new ObjectMapper());
    DeclaredKeys inSpec = new DeclaredKeys(spec, Map.of());
    DeclaredKeys inBundle = new DeclaredKeys(bundle, Map.of());
    NEWER_THAN_SPEC.forEach((component, keys) -> {
      Set<String> declared = inSpec.properties(spec.at("/components/schemas/" + component)).keySet();
      assertThat(declared).as("keys the spec's " + component + " declares (drop those from NEWER_THAN_SPEC)")
          .isNotEmpty().doesNotContainAnyElementsOf(keys);
      assertThat(inBundle.properties(bundle.at(NEWER_IN_BUNDLE.get(component))).keySet())
          .as("keys the bundle schema's " + NEWER_IN_BUNDLE.get(component) + " declares").containsAll(keys);
    });
  }

  @Test
  void theSchemasRejectAMisspeltField() {
    ObjectNode job = DeployFiles.databricksJob().deepCopy();
    ((ObjectNode) job.path("tasks").get(0)).put("max_retrys", 3);
    assertThat(schema(JOB_SETTINGS).validate(job)).isNotEmpty();
    JsonNode bundle = DeployFiles.bundle().deepCopy();
    ((ObjectNode) bundle.path("resources").path("jobs").path("srlm_loop").path("tasks").get(0))
        .put("timeout_second", 5);
    assertThat(schema(BUNDLE_SCHEMA).validate(bundle)).isNotEmpty();
  }

  @Test
  void theJobsApiChecksRejectAMisspeltKeyAndAWrongType() {
    ObjectNode job = DeployFiles.databricksJob().deepCopy();
    ((ObjectNode) job.path("tasks").get(1)).put("max_retrys", 3);
    ((ObjectNode) job.path("job_clusters").get(0).path("new_cluster")).put("num_worker", 2);
    ((ObjectNode) job.path("tasks").get(2).path("spark_jar_task")).put("main_class", "x");
    job.put("run_if", "ALL_DONE"); // a task field, not a job one: the allowance is per schema
    assertThat(undeclaredKeys(job)).extracting(DeclaredKeys.Finding::path).containsExactly("$.job_clusters[0]"
        + ".new_cluster.num_worker", "$.tasks[1].max_retrys", "$.tasks[2].spark_jar_task.main_class", "$.run_if");

    ObjectNode typed = DeployFiles.databricksJob().deepCopy();
    typed.put("max_concurrent_runs", "one");
    ((ObjectNode) typed.path("tasks").get(0)).put("task_key", "has spaces");
    assertThat(createRequestSchema().validate(typed)).extracting(ValidationMessage::getInstanceLocation)
        .extracting(Object::toString).contains("$.max_concurrent_runs", "$.tasks[0].task_key");
  }
}

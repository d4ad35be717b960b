package io.srlm.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The generated Databricks files against the published schemas (see src/test/resources/databricks/SOURCE.md):
 * databricks.yml against the Databricks CLI's bundle JSON schema, srlm-job.json against the job settings
 * definition of the same schema (the Jobs API 2.1 create request's fields). Both schemas forbid unknown fields, so
 * a misspelt key or a wrong type fails here rather than at deploy time.
 */
class DatabricksSchemaTest {
  private static final String BUNDLE_SCHEMA = "classpath:databricks/bundle-jsonschema.json";
  private static final String JOB_SETTINGS = BUNDLE_SCHEMA + "#/$defs/github.com/databricks/cli/bundle/config/"
      + "resources.Job";

  private static JsonSchema schema(String location) {
    return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(SchemaLocation.of(location));
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
  void theSchemasRejectAMisspeltField() {
    ObjectNode job = DeployFiles.databricksJob().deepCopy();
    ((ObjectNode) job.path("tasks").get(0)).put("max_retrys", 3);
    assertThat(schema(JOB_SETTINGS).validate(job)).isNotEmpty();
    JsonNode bundle = DeployFiles.bundle().deepCopy();
    ((ObjectNode) bundle.path("resources").path("jobs").path("srlm_loop").path("tasks").get(0))
        .put("timeout_second", 5);
    assertThat(schema(BUNDLE_SCHEMA).validate(bundle)).isNotEmpty();
  }
}

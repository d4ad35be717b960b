package io.srlm.tables;

import com.fasterxml.jackson.core.type.TypeReference;
import io.srlm.config.Credentials;
import io.srlm.errors.Errors;
import io.srlm.util.Json;
import java.io.IOException;
import java.io.Serializable;
import java.util.Map;

/**
 * The resolved config a run was started with (table run_config); a changed config is refused on resume.
 *
 * <p>{@code configJson} is the flattened config as a JSON object of key to value. The config loader refuses
 * credential-like keys; as a second line of defence the constructor redacts the value of any such key that still
 * arrives ({@link Credentials}), so no secret is ever written to, or read back from, the table.
 */
public record RunConfig(String runId, String configHash, String configJson, long createdAtMs)
    implements Serializable {
  public RunConfig {
    configJson = redacted(configJson);
  }

  private static String redacted(String json) {
    if (json == null) {
      return null;
    }
    Map<String, String> flat;
    try {
      flat = Json.MAPPER.readValue(json, new TypeReference<Map<String, String>>() {});
    } catch (IOException e) { // the cause is left out: Jackson quotes the source text, which may hold a secret
      throw Errors.internal("run_config.config_json must be a JSON object of key to value (" + e.getClass()
          .getSimpleName() + ")", null);
    }
    Map<String, String> clean = Credentials.redact(flat);
    return clean.equals(flat) ? json : Json.write(clean);
  }
}

package io.srlm.model.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.srlm.errors.Errors;

/** The {@code rope_scaling} entry of config.json. srlm supports the llama3 and linear schemes. */
public sealed interface RopeScaling permits RopeScaling.Llama3, RopeScaling.Linear {

  /** The supported {@code rope_type} values, for messages. */
  String SUPPORTED = "llama3, linear";

  /**
   * Llama 3.1 frequency-dependent scaling: low frequencies are divided by {@code factor}, high frequencies kept,
   * and the band between {@code low_freq_factor} and {@code high_freq_factor} interpolated.
   */
  record Llama3(double factor, double lowFreqFactor, double highFreqFactor, int originalMaxPositionEmbeddings)
      implements RopeScaling {}

  /** Position interpolation: positions divided by {@code factor}. */
  record Linear(double factor) implements RopeScaling {}

  /** Parses {@code rope_scaling}; null for none (absent, null or {@code rope_type: default}). */
  static RopeScaling parse(JsonNode node, String file) {
    String key = "rope_scaling";
    if (node == null || node.isNull()) {
      return null;
    }
    if (!(node instanceof ObjectNode obj)) {
      throw Errors.modelConfig(file, key, "'rope_scaling' must be an object or null, got " + node,
          "fix the value in that file");
    }
    ConfigJson c = new ConfigJson(obj, file, key + ".");
    String type = c.has("rope_type") ? c.stringOrNull("rope_type") : c.stringOrNull("type");
    if (type == null || type.equals("default")) {
      return null;
    }
    return switch (type) {
      case "linear" -> new Linear(c.positiveDouble("factor", null));
      case "llama3" -> {
        double low = c.positiveDouble("low_freq_factor", null);
        double high = c.positiveDouble("high_freq_factor", null);
        if (!(high > low)) {
          throw Errors.modelConfig(file, key, "rope_scaling high_freq_factor (" + high
              + ") must be larger than low_freq_factor (" + low + ")", "fix the values in that file");
        }
        yield new Llama3(c.positiveDouble("factor", null), low, high,
            c.positiveInt("original_max_position_embeddings", null));
      }
      default -> throw Errors.modelConfig(file, key, "rope_scaling type '" + type + "' is not supported (srlm "
          + "supports " + SUPPORTED + ")", "use a model whose config.json has no rope_scaling or one of those types");
    };
  }
}

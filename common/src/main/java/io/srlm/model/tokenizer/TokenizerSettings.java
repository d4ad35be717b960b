package io.srlm.model.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import io.srlm.errors.Errors;
import io.srlm.util.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The optional files beside {@code tokenizer.json}: {@code tokenizer_config.json}, {@code special_tokens_map.json},
 * {@code generation_config.json} and the separate chat template files newer transformers versions write
 * ({@code chat_template.jinja}, {@code chat_template.json}). Missing files read as empty; unreadable ones are errors.
 */
final class TokenizerSettings {
  private static final Logger LOG = LoggerFactory.getLogger(TokenizerSettings.class);

  static final String GENERATION_CONFIG_JSON = "generation_config.json";

  final Path dir;
  final Path configFile;
  final JsonNode config;
  final JsonNode specialTokensMap;
  final JsonNode generationConfig;

  TokenizerSettings(Path dir) {
    this.dir = dir;
    this.configFile = dir.resolve(HfTokenizerFiles.TOKENIZER_CONFIG_JSON);
    this.config = readOptional(configFile);
    this.specialTokensMap = readOptional(dir.resolve(HfTokenizerFiles.SPECIAL_TOKENS_MAP_JSON));
    this.generationConfig = readOptional(dir.resolve(GENERATION_CONFIG_JSON));
  }

  /** Reads a JSON file; a missing file is an empty object. */
  static JsonNode readOptional(Path file) {
    if (!Files.exists(file)) {
      return Json.MAPPER.createObjectNode();
    }
    return read(file);
  }

  static JsonNode read(Path file) {
    try {
      JsonNode node = Json.MAPPER.readTree(file.toFile());
      if (node == null || !node.isObject()) {
        throw Errors.tokenizer(file.toString(), "it is not a JSON object",
            "replace it with the file saved with the model");
      }
      return node;
    } catch (IOException e) {
      throw Errors.tokenizer(file.toString(), "cannot read it as JSON: " + e.getMessage(),
          "replace it with the file saved with the model", e);
    }
  }

  /**
   * A special token's text from {@code tokenizer_config.json}, else from {@code special_tokens_map.json}; each may
   * be a string or an {@code {"content": ...}} object. Null when neither sets it.
   */
  String token(String key) {
    String fromConfig = tokenText(config.get(key), configFile, key);
    return fromConfig != null ? fromConfig : mapToken(key);
  }

  /** A special token's text from {@code special_tokens_map.json} only; null when it does not set it. */
  String mapToken(String key) {
    return tokenText(specialTokensMap.get(key), specialTokensMapFile(), key);
  }

  Path specialTokensMapFile() {
    return dir.resolve(HfTokenizerFiles.SPECIAL_TOKENS_MAP_JSON);
  }

  /** Which file {@link #token} took {@code key} from, for messages. */
  String tokenSource(String key) {
    return tokenText(config.get(key), configFile, key) != null ? configFile.toString()
        : specialTokensMapFile().toString();
  }

  private static String tokenText(JsonNode node, Path file, String key) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (node.isTextual()) {
      return node.asText();
    }
    if (node.isObject() && node.path("content").isTextual()) {
      return node.get("content").asText();
    }
    throw Errors.tokenizer(file.toString(), key + " must be a string or an object with \"content\", not " + node,
        "write it as \"" + key + "\": \"<token>\"");
  }

  /** A boolean from {@code tokenizer_config.json}; null when absent. */
  Boolean flag(String key) {
    JsonNode node = config.get(key);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isBoolean()) {
      throw Errors.tokenizer(configFile.toString(), key + " must be true or false, not " + node,
          "set \"" + key + "\": true or false");
    }
    return node.asBoolean();
  }

  /** Token ids from {@code generation_config.json} (an int or a list of ints); empty when absent. */
  List<Integer> generationIds(String key) {
    JsonNode node = generationConfig.get(key);
    List<Integer> ids = new ArrayList<>();
    if (node == null || node.isNull()) {
      return ids;
    }
    if (node.canConvertToInt()) {
      ids.add(node.asInt());
      return ids;
    }
    if (node.isArray()) {
      for (JsonNode id : node) {
        if (!id.canConvertToInt()) {
          throw badGenerationId(key, node);
        }
        ids.add(id.asInt());
      }
      return ids;
    }
    throw badGenerationId(key, node);
  }

  private RuntimeException badGenerationId(String key, JsonNode node) {
    return Errors.tokenizer(dir.resolve(GENERATION_CONFIG_JSON).toString(),
        key + " must be a token id or a list of token ids, not " + node,
        "write it as \"" + key + "\": 2 or [2, 32000]");
  }

  /** The chat template and the file it came from, or null when the model ships none. */
  record Template(String source, String origin) {}

  Template chatTemplate() {
    JsonNode node = config.get("chat_template");
    if (node != null && node.isTextual()) {
      return new Template(node.asText(), configFile.toString());
    }
    if (node != null && node.isArray() && node.size() > 0) {
      for (JsonNode named : node) {
        if ("default".equals(named.path("name").asText()) && named.path("template").isTextual()) {
          return new Template(named.get("template").asText(), configFile + " (chat_template 'default')");
        }
      }
      JsonNode first = node.get(0);
      if (first.path("template").isTextual()) {
        LOG.warn("{} has no chat template named 'default'; using the first one, '{}'", configFile,
            first.path("name").asText());
        return new Template(first.get("template").asText(),
            configFile + " (chat_template '" + first.path("name").asText() + "')");
      }
    }
    if (node != null && !node.isNull() && !node.isTextual() && !node.isArray()) {
      throw Errors.tokenizer(configFile.toString(), "chat_template must be a string or a list of {name, template}",
          "fix chat_template, or remove it to use the built-in template");
    }
    Path jinja = dir.resolve("chat_template.jinja");
    if (Files.isRegularFile(jinja)) {
      try {
        return new Template(Files.readString(jinja), jinja.toString());
      } catch (IOException e) {
        throw Errors.tokenizer(jinja.toString(), "cannot read it: " + e.getMessage(), "check the file", e);
      }
    }
    Path json = dir.resolve("chat_template.json");
    if (Files.isRegularFile(json)) {
      JsonNode t = read(json).get("chat_template");
      if (t != null && t.isTextual()) {
        return new Template(t.asText(), json.toString());
      }
    }
    return null;
  }
}

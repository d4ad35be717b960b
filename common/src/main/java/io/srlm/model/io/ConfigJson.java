package io.srlm.model.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.srlm.errors.Errors;
import io.srlm.util.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Typed reads of keys in an HF JSON config; every error names the file and the key. JSON null means absent. */
final class ConfigJson {
  private final ObjectNode node;
  private final String file;
  private final String prefix;

  ConfigJson(ObjectNode node, String file) {
    this(node, file, "");
  }

  /** Keys of a nested object; {@code prefix} (e.g. {@code "rope_scaling."}) is put before keys in errors. */
  ConfigJson(ObjectNode node, String file, String prefix) {
    this.node = node;
    this.file = file;
    this.prefix = prefix;
  }

  /** Reads {@code path} as a JSON object; errors name the file. */
  static ObjectNode readObject(Path path) {
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(Files.readAllBytes(path));
    } catch (IOException e) {
      throw Errors.modelConfig(path.toString(), null, "cannot read the file as JSON: " + e.getMessage(),
          "fix or replace the file (it should come with the model)", e);
    }
    if (!(root instanceof ObjectNode obj)) {
      throw Errors.modelConfig(path.toString(), null, "the file is not a JSON object",
          "fix or replace the file (it should come with the model)");
    }
    return obj;
  }

  String file() {
    return file;
  }

  boolean has(String key) {
    JsonNode v = node.get(key);
    return v != null && !v.isNull();
  }

  JsonNode get(String key) {
    JsonNode v = node.get(key);
    return v == null || v.isNull() ? null : v;
  }

  Integer intOrNull(String key) {
    JsonNode v = get(key);
    if (v == null) {
      return null;
    }
    if (!v.isIntegralNumber() || !v.canConvertToInt()) {
      throw bad(key, "must be an integer, got " + v);
    }
    return v.intValue();
  }

  int requiredInt(String key) {
    Integer v = intOrNull(key);
    if (v == null) {
      throw missing(key);
    }
    return v;
  }

  int positiveInt(String key, Integer dflt) {
    Integer v = has(key) ? intOrNull(key) : dflt;
    if (v == null) {
      return requiredInt(key);
    }
    if (v <= 0) {
      throw bad(key, "must be a positive integer, got " + v);
    }
    return v;
  }

  Double doubleOrNull(String key) {
    JsonNode v = get(key);
    if (v == null) {
      return null;
    }
    if (!v.isNumber()) {
      throw bad(key, "must be a number, got " + v);
    }
    return v.doubleValue();
  }

  /** A positive number; {@code dflt} when absent, or a missing-key error when {@code dflt} is null. */
  double positiveDouble(String key, Double dflt) {
    Double v = doubleOrNull(key);
    if (v == null && dflt == null) {
      throw missing(key);
    }
    double d = v == null ? dflt : v;
    if (!(d > 0) || Double.isInfinite(d)) {
      throw bad(key, "must be a positive number, got " + d);
    }
    return d;
  }

  Boolean boolOrNull(String key) {
    JsonNode v = get(key);
    if (v == null) {
      return null;
    }
    if (!v.isBoolean()) {
      throw bad(key, "must be true or false, got " + v);
    }
    return v.booleanValue();
  }

  boolean bool(String key, boolean dflt) {
    Boolean v = boolOrNull(key);
    return v == null ? dflt : v;
  }

  String stringOrNull(String key) {
    JsonNode v = get(key);
    if (v == null) {
      return null;
    }
    if (!v.isTextual()) {
      throw bad(key, "must be a string, got " + v);
    }
    return v.textValue();
  }

  /** An int or a list of ints (HF allows both for token ids); null when absent. */
  List<Integer> intListOrNull(String key) {
    JsonNode v = get(key);
    if (v == null) {
      return null;
    }
    List<Integer> out = new ArrayList<>();
    if (v.isArray()) {
      for (JsonNode e : v) {
        if (!e.isIntegralNumber() || !e.canConvertToInt()) {
          throw bad(key, "must be an integer or a list of integers, got " + v);
        }
        out.add(e.intValue());
      }
    } else if (v.isIntegralNumber() && v.canConvertToInt()) {
      out.add(v.intValue());
    } else {
      throw bad(key, "must be an integer or a list of integers, got " + v);
    }
    return List.copyOf(out);
  }

  /** A value error for {@code key}. */
  RuntimeException bad(String key, String problem) {
    String name = prefix + key;
    return Errors.modelConfig(file, name, "'" + name + "' " + problem, "fix the value in that file");
  }

  private RuntimeException missing(String key) {
    String name = prefix + key;
    return Errors.modelConfig(file, name, "required key '" + name + "' is missing",
        "add it to that file (the model's HF config always has it)");
  }
}

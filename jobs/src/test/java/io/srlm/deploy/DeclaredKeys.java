package io.srlm.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Walks a JSON document alongside an OpenAPI 3.0 schema and lists every object key the schema does not declare,
 * by JSON path. The Jobs API spec's schemas mostly leave {@code additionalProperties} open, so a schema validator
 * alone accepts a misspelt field; this is the check that catches it.
 *
 * <p>A schema's declared keys are its {@code properties} together with those of every {@code allOf}, {@code oneOf}
 * and {@code anyOf} branch (a key valid in any branch counts), following local {@code $ref}s ({@code #/...}). An
 * object whose schema declares no properties but has {@code additionalProperties} (or is a bare
 * {@code type: object}) is a map: its keys are free and its values are walked against {@code additionalProperties}.
 * An object where the spec gives no object schema at all is reported too, so no subtree goes unchecked silently.
 *
 * <p>{@code extraKeys} names keys to accept on top of a component schema ({@code #/components/schemas/NAME}), for
 * fields newer than the spec; their values are not walked (the caller must check them some other way).
 */
final class DeclaredKeys {
  /** One problem: where in the document, and what. */
  record Finding(String path, String problem) {
    @Override
    public String toString() {
      return path + ": " + problem;
    }
  }

  private static final String COMPONENTS = "#/components/schemas/";
  /** The schema given to an extra key: its value is not walked. */
  private static final ObjectNode UNCHECKED = JsonNodeFactory.instance.objectNode();

  private final JsonNode document;
  private final Map<String, Set<String>> extraKeys;

  /**
   * @param document the whole OpenAPI document, for resolving {@code $ref}s
   * @param extraKeys keys accepted in addition to those a component schema declares, by component name
   */
  DeclaredKeys(JsonNode document, Map<String, Set<String>> extraKeys) {
    this.document = document;
    this.extraKeys = Map.copyOf(extraKeys);
  }

  /** The keys in {@code value} that {@code schema} does not declare, in document order. */
  List<Finding> undeclared(JsonNode value, JsonNode schema) {
    List<Finding> out = new ArrayList<>();
    walk(value, schema, "$", out);
    return out;
  }

  private void walk(JsonNode value, JsonNode schema, String path, List<Finding> out) {
    if (schema == UNCHECKED) {
      return;
    }
    JsonNode s = resolve(schema);
    if (value.isObject()) {
      Map<String, JsonNode> props = properties(schema);
      JsonNode additional = keyword(s, "additionalProperties");
      if (props.isEmpty() && additional == null && !"object".equals(s.path("type").asText())) {
        out.add(new Finding(path, "the spec gives no object schema here, yet an object was written"));
        return;
      }
      // Strict where the spec lists properties (OpenAPI's open default is what lets a typo through); a map where
      // it lists none; as written where additionalProperties is given.
      boolean open = additional == null ? props.isEmpty() : !additional.isBoolean() || additional.asBoolean();
      for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        String at = path + "." + e.getKey();
        JsonNode declared = props.get(e.getKey());
        if (declared != null) {
          walk(e.getValue(), declared, at, out);
        } else if (!open) {
          out.add(new Finding(at, "not a property the spec declares here (declared: " + props.keySet() + ")"));
        } else if (additional != null && additional.isObject()) {
          walk(e.getValue(), additional, at, out);
        }
      }
    } else if (value.isArray()) {
      JsonNode items = keyword(s, "items");
      for (int i = 0; i < value.size(); i++) {
        String at = path + "[" + i + "]";
        if (items != null) {
          walk(value.get(i), items, at, out);
        } else if (value.get(i).isContainerNode()) {
          out.add(new Finding(at, "the spec gives no items schema here"));
        }
      }
    }
  }

  /** Follows {@code $ref}s until a schema without one. */
  JsonNode resolve(JsonNode schema) {
    JsonNode s = schema;
    for (int hops = 0; s.has("$ref"); hops++) {
      String ref = s.get("$ref").asText();
      if (!ref.startsWith("#/") || hops > 64) {
        throw new IllegalStateException("cannot follow $ref " + ref + " (only local, acyclic refs are supported)");
      }
      s = document.at(ref.substring(1));
      if (s.isMissingNode()) {
        throw new IllegalStateException("$ref " + ref + " points at nothing in the spec");
      }
    }
    return s;
  }

  /** The declared properties of a schema and of all its composition branches, plus any extra keys. */
  Map<String, JsonNode> properties(JsonNode schema) {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    String ref = schema.path("$ref").asText();
    if (ref.startsWith(COMPONENTS)) {
      extraKeys.getOrDefault(ref.substring(COMPONENTS.length()), Set.of()).forEach(k -> out.put(k, UNCHECKED));
      out.putAll(properties(resolve(schema)));
      return out;
    }
    JsonNode s = schema;
    for (String k : List.of("allOf", "oneOf", "anyOf")) {
      s.path(k).forEach(branch -> out.putAll(properties(branch)));
    }
    s.path("properties").fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue()));
    return out;
  }

  /** A keyword's value in a schema or, failing that, in the first composition branch that has it; else null. */
  private JsonNode keyword(JsonNode s, String name) {
    if (s.has(name)) {
      return s.get(name);
    }
    for (String k : List.of("allOf", "oneOf", "anyOf")) {
      for (JsonNode branch : s.path(k)) {
        JsonNode found = keyword(resolve(branch), name);
        if (found != null) {
          return found;
        }
      }
    }
    return null;
  }
}

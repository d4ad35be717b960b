package io.srlm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Writes a JSON tree as block-style YAML (for the generated bundle file): maps and lists indented by two spaces,
 * strings plain when YAML reads them back as the same string, else double-quoted with JSON escapes (which YAML's
 * double-quoted style accepts). Enough for configuration files; no anchors, tags or multi-line scalars.
 */
final class Yaml {
  private Yaml() {}

  private static final Pattern PLAIN = Pattern.compile("[A-Za-z/.][A-Za-z0-9_./*-]*( [A-Za-z0-9_./*-]+)*");
  private static final Set<String> RESERVED = Set.of("true", "false", "yes", "no", "on", "off", "null", "y", "n");

  static String write(JsonNode root) {
    StringBuilder out = new StringBuilder();
    map(root, 0, out);
    return out.toString();
  }

  private static void map(JsonNode node, int indent, StringBuilder out) {
    Iterator<Map.Entry<String, JsonNode>> it = node.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      out.append(" ".repeat(indent)).append(scalar(e.getKey()));
      value(e.getValue(), indent, out);
    }
  }

  /** After "key" or "- ": the value, inline for scalars and empty containers, else on the following lines. */
  private static void value(JsonNode v, int indent, StringBuilder out) {
    if (v.isObject() && v.size() > 0) {
      out.append(":\n");
      map(v, indent + 2, out);
    } else if (v.isArray() && v.size() > 0) {
      out.append(":\n");
      list(v, indent + 2, out);
    } else {
      out.append(": ").append(inline(v)).append('\n');
    }
  }

  private static void list(JsonNode node, int indent, StringBuilder out) {
    for (JsonNode item : node) {
      out.append(" ".repeat(indent)).append("- ");
      if (item.isObject() && item.size() > 0) {
        Iterator<Map.Entry<String, JsonNode>> it = item.fields();
        boolean first = true;
        while (it.hasNext()) {
          Map.Entry<String, JsonNode> e = it.next();
          out.append(first ? "" : " ".repeat(indent + 2)).append(scalar(e.getKey()));
          value(e.getValue(), indent + 2, out);
          first = false;
        }
      } else if (item.isArray() && item.size() > 0) {
        out.append('\n');
        list(item, indent + 2, out);
      } else {
        out.append(inline(item)).append('\n');
      }
    }
  }

  private static String inline(JsonNode v) {
    if (v.isObject()) {
      return "{}";
    }
    if (v.isArray()) {
      return "[]";
    }
    if (v.isTextual()) {
      return scalar(v.asText());
    }
    return v.toString();
  }

  private static String scalar(String s) {
    if (PLAIN.matcher(s).matches() && !RESERVED.contains(s.toLowerCase(java.util.Locale.ROOT))) {
      return s;
    }
    return new TextNode(s).toString();
  }

  /** An empty map, for building trees. */
  static com.fasterxml.jackson.databind.node.ObjectNode object() {
    return JsonNodeFactory.instance.objectNode();
  }
}

package io.srlm.seed;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import io.srlm.util.Json;
import java.util.Locale;

/** Reading one JSON object per line, with type checks that turn into {@link BadRow}s that say how to fix them. */
final class JsonRows {
  private static final ObjectReader READER =
      Json.MAPPER.readerFor(JsonNode.class).with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private JsonRows() {}

  /** The line as a JSON object. */
  static JsonNode object(String text, String example) throws BadRow {
    JsonNode n;
    try {
      n = READER.readTree(text);
    } catch (JsonProcessingException e) {
      String where = e.getLocation() == null ? "" : " at column " + e.getLocation().getColumnNr();
      throw new BadRow("malformed_json", "malformed JSON" + where + ": " + e.getOriginalMessage(),
          "write exactly one JSON object per line, e.g. " + example);
    }
    if (n == null || !n.isObject()) {
      throw new BadRow("not_an_object", "the line is JSON but not an object (it is " + type(n) + ")",
          "write one JSON object per line, e.g. " + example);
    }
    return n;
  }

  /** A string field that must be present and not blank. */
  static String requiredText(JsonNode o, String field, String what) throws BadRow {
    JsonNode node = o.get(field);
    if (node != null && !node.isTextual()) {
      throw wrongType(field, node, "a string", "\"" + field + "\": \"...\"");
    }
    String v = node == null ? null : node.asText();
    if (v == null) {
      throw new BadRow("missing_field", "missing field \"" + field + "\"",
          "add \"" + field + "\": \"...\" with " + what);
    }
    if (v.isBlank()) {
      throw new BadRow("empty_field", "field \"" + field + "\" is empty",
          "give \"" + field + "\" " + what + ", or remove the row");
    }
    return v;
  }

  /** A string field, or null when absent or JSON null. */
  static String optionalText(JsonNode o, String field) throws BadRow {
    JsonNode v = o.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw wrongType(field, v, "a string", "\"" + field + "\": \"...\"");
    }
    return v.asText();
  }

  /** A non-negative integer field, or null when absent or JSON null. */
  static Integer optionalRank(JsonNode o, String field) throws BadRow {
    JsonNode v = o.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < 0) {
      throw wrongType(field, v, "a whole number >= 0 (0 = best)", "\"" + field + "\": 0");
    }
    return v.asInt();
  }

  /** A boolean field, or null when absent or JSON null. */
  static Boolean optionalBoolean(JsonNode o, String field) throws BadRow {
    JsonNode v = o.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isBoolean()) {
      throw wrongType(field, v, "true or false", "\"" + field + "\": false");
    }
    return v.asBoolean();
  }

  static BadRow wrongType(String field, JsonNode v, String expected, String example) {
    return new BadRow("wrong_type", "field \"" + field + "\" must be " + expected + ", not " + type(v)
        + (v.isValueNode() ? " (" + abbreviate(v.toString()) + ")" : ""), "write it as " + example);
  }

  static String type(JsonNode n) {
    return n == null ? "nothing" : n.getNodeType().name().toLowerCase(Locale.ROOT);
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 37) + "...";
  }
}

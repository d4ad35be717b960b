package io.srlm.prompting;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {name} placeholders: listed, and filled in a single pass so inserted text is never expanded again. */
final class Placeholders {
  private static final Pattern P = Pattern.compile("\\{([a-z_]+)}");

  private Placeholders() {}

  static Set<String> names(String template) {
    Set<String> out = new LinkedHashSet<>();
    Matcher m = P.matcher(template);
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  static String fill(String template, Map<String, String> values) {
    Matcher m = P.matcher(template);
    StringBuilder sb = new StringBuilder(template.length() + 256);
    while (m.find()) {
      String v = values.get(m.group(1));
      m.appendReplacement(sb, Matcher.quoteReplacement(v == null ? m.group() : v));
    }
    m.appendTail(sb);
    return sb.toString();
  }
}

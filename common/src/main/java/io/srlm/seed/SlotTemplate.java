package io.srlm.seed;

import io.srlm.errors.Errors;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A task template such as "Repeat the word {word} {n} times." It fills slots to write a prompt, and matches a
 * prompt to read the slots back. Matching is done on normalised text (see {@link #normalize}), so extra spaces and
 * a missing or different final punctuation mark do not matter; the words of the template must otherwise match.
 */
final class SlotTemplate {
  private static final Pattern SLOT = Pattern.compile("\\{([a-z]+)}");

  private final String text;
  private final List<String> slots = new ArrayList<>();
  private final Pattern pattern;

  /**
   * @param text the template, e.g. "Add {a} and {b}."
   * @param slotRegex the regex each slot name matches (without groups of its own)
   */
  SlotTemplate(String text, Map<String, String> slotRegex) {
    this.text = text;
    String body = normalize(text);
    StringBuilder re = new StringBuilder();
    Matcher m = SLOT.matcher(body);
    int last = 0;
    while (m.find()) {
      String name = m.group(1);
      String slot = slotRegex.get(name);
      if (slot == null) {
        throw Errors.internal("built-in task template slot {" + name + "} has no regex: " + text, null);
      }
      re.append(Pattern.quote(body.substring(last, m.start()))).append('(').append(slot).append(')');
      slots.add(name);
      last = m.end();
    }
    re.append(Pattern.quote(body.substring(last)));
    this.pattern = Pattern.compile(re.toString());
  }

  String text() {
    return text;
  }

  /** The prompt with each {slot} replaced by its value. */
  String fill(Map<String, String> values) {
    Matcher m = SLOT.matcher(text);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(sb, Matcher.quoteReplacement(values.get(m.group(1))));
    }
    m.appendTail(sb);
    return sb.toString();
  }

  /** The slot values when the normalised prompt matches this template as a whole. */
  Optional<Map<String, String>> match(String normalizedPrompt) {
    Matcher m = pattern.matcher(normalizedPrompt);
    if (!m.matches()) {
      return Optional.empty();
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 0; i < slots.size(); i++) {
      out.put(slots.get(i), m.group(i + 1));
    }
    return Optional.of(out);
  }

  /** Trims, collapses runs of white space to one space, and drops one final '.', '?' or '!'. */
  static String normalize(String s) {
    String t = s.strip().replaceAll("\\s+", " ");
    if (!t.isEmpty() && ".?!".indexOf(t.charAt(t.length() - 1)) >= 0) {
      t = t.substring(0, t.length() - 1).stripTrailing();
    }
    return t;
  }
}

package io.srlm.seed;

import io.srlm.prompting.JudgeTemplate;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the question and response back out of a judge prompt rendered with a template, for EFT rows that do not
 * give them as fields. Returns an empty map when the prompt was not written with this template.
 */
final class JudgePromptFields {
  private static final Pattern SLOT = Pattern.compile("\\{(prompt|response|response_a|response_b)}");

  private JudgePromptFields() {}

  static Map<String, String> extract(JudgeTemplate judge, String prompt) {
    Matcher m = SLOT.matcher(judge.template());
    StringBuilder re = new StringBuilder();
    Map<String, Integer> groups = new HashMap<>();
    int last = 0;
    int group = 0;
    while (m.find()) {
      re.append(Pattern.quote(judge.template().substring(last, m.start()))).append("(.*?)");
      groups.putIfAbsent(m.group(1), ++group);
      last = m.end();
    }
    re.append(Pattern.quote(judge.template().substring(last)));
    Matcher p = Pattern.compile(re.toString(), Pattern.DOTALL).matcher(prompt);
    Map<String, String> out = new HashMap<>();
    if (p.matches()) {
      groups.forEach((name, g) -> out.put(name, p.group(g)));
    }
    return out;
  }
}

package io.srlm.prompting;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import io.srlm.config.ConfSource;
import io.srlm.errors.Errors;
import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The few-shot task-creation prompt (conf/prompts/NAME.conf): an instruction followed by one
 * {@code <task>...</task>} line per example; the model answers with exactly one new task.
 */
public record TaskPrompt(String template, String taskRegex, String origin) implements Serializable {

  public TaskPrompt {
    if (!Placeholders.names(template).contains("examples")) {
      throw Errors.pipeline("Task-generation template has no {examples} placeholder",
          "add {examples} where the few-shot tasks go", "file", origin);
    }
    Pattern.compile(taskRegex);
  }

  public static TaskPrompt load(ConfSource conf, String name) {
    String rel = "prompts/" + name + ".conf";
    String origin = conf.describe(rel);
    String text = conf.require(rel, "prompts.template");
    try {
      Config c = ConfigFactory.parseString(text, ConfigParseOptions.defaults().setOriginDescription(origin));
      return new TaskPrompt(c.getString("template"), c.getString("task_regex"), origin);
    } catch (ConfigException e) {
      throw Errors.configParse(origin, e);
    }
  }

  /** The request text for these example tasks (each becomes one {@code <task>...</task>} line). */
  public String render(List<String> examples) {
    StringBuilder sb = new StringBuilder();
    for (String e : examples) {
      if (sb.length() > 0) {
        sb.append('\n');
      }
      sb.append("<task>").append(e.strip()).append("</task>");
    }
    return Placeholders.fill(template, Map.of("examples", sb.toString()));
  }

  /** The completion a well-formed answer has for this task. */
  public static String formatTask(String task) {
    return "<task>" + task.strip() + "</task>";
  }

  /** The single task in a model's answer, or empty if the answer is not exactly one well-formed task. */
  public Optional<String> extract(String answer) {
    if (answer == null) {
      return Optional.empty();
    }
    Matcher m = Pattern.compile(taskRegex, Pattern.DOTALL).matcher(answer);
    if (!m.matches()) {
      return Optional.empty();
    }
    String task = m.group(1).strip();
    if (task.isEmpty() || task.contains("<task>") || task.contains("</task>")) {
      return Optional.empty();
    }
    return Optional.of(task);
  }
}

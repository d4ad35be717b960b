package io.srlm.seed;

import io.srlm.config.ConfSource;
import io.srlm.prompting.JudgeTemplate;
import io.srlm.prompting.TaskPrompt;
import java.nio.file.Path;

/** Loads the shipped judge and task-generation templates for tests. */
final class SeedTestSupport {
  private SeedTestSupport() {}

  static ConfSource conf() {
    String root = System.getProperty("srlm.repo.root");
    return root == null ? ConfSource.classpath() : ConfSource.dir(Path.of(root, "conf"));
  }

  static JudgeTemplate judge(String name) {
    return JudgeTemplate.load(conf(), name, "judge.template");
  }

  static TaskPrompt taskPrompt() {
    return TaskPrompt.load(conf(), "task-generation");
  }
}

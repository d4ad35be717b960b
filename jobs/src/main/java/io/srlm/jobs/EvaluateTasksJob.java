package io.srlm.jobs;

import io.srlm.cli.Srlm;

/** spark-submit entry point for {@code srlm evaluate-tasks}; takes the same options as the verb. */
public final class EvaluateTasksJob {
  private EvaluateTasksJob() {}

  public static void main(String[] args) {
    Srlm.job("evaluate-tasks", args);
  }
}

package io.srlm.jobs;

import io.srlm.cli.Srlm;

/**
 * spark-submit / Databricks entry point for the evaluate_tasks step ({@code srlm evaluate-tasks}, its row in
 * {@code io.srlm.registry.StepRegistry}); takes the same options as the verb.
 */
public final class EvaluateTasksJob {
  private EvaluateTasksJob() {}

  public static void main(String[] args) {
    Srlm.stepJob(EvaluateTasksJob.class, args);
  }
}

package io.srlm.jobs;

import io.srlm.cli.Srlm;

/**
 * spark-submit / Databricks entry point for the evaluate_judge step ({@code srlm evaluate-judge}, its row in
 * {@code io.srlm.registry.StepRegistry}); takes the same options as the verb.
 */
public final class EvaluateJudgeJob {
  private EvaluateJudgeJob() {}

  public static void main(String[] args) {
    Srlm.stepJob(EvaluateJudgeJob.class, args);
  }
}

package io.srlm.jobs;

import io.srlm.cli.Srlm;

/**
 * spark-submit / Databricks entry point for the judge_responses step ({@code srlm judge-responses}, its row in
 * {@code io.srlm.registry.StepRegistry}); takes the same options as the verb.
 */
public final class JudgeResponsesJob {
  private JudgeResponsesJob() {}

  public static void main(String[] args) {
    Srlm.stepJob(JudgeResponsesJob.class, args);
  }
}

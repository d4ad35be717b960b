package io.srlm.jobs;

import io.srlm.cli.Srlm;

/**
 * spark-submit / Databricks entry point for the judge_pairwise step ({@code srlm judge-pairwise}, its row in
 * {@code io.srlm.registry.StepRegistry}); takes the same options as the verb.
 */
public final class JudgePairwiseJob {
  private JudgePairwiseJob() {}

  public static void main(String[] args) {
    Srlm.stepJob(JudgePairwiseJob.class, args);
  }
}

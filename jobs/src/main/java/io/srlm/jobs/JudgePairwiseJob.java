package io.srlm.jobs;

import io.srlm.cli.Srlm;

/** spark-submit entry point for {@code srlm judge-pairwise}; takes the same options as the verb. */
public final class JudgePairwiseJob {
  private JudgePairwiseJob() {}

  public static void main(String[] args) {
    Srlm.job("judge-pairwise", args);
  }
}

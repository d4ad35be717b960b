package io.srlm.jobs;

import io.srlm.cli.Srlm;

/** spark-submit entry point for {@code srlm score-rewards}; takes the same options as the verb. */
public final class ScoreRewardsJob {
  private ScoreRewardsJob() {}

  public static void main(String[] args) {
    Srlm.job("score-rewards", args);
  }
}

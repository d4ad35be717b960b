package io.srlm.jobs;

import io.srlm.cli.Srlm;

/**
 * spark-submit / Databricks entry point for the score_rewards step ({@code srlm score-rewards}, its row in
 * {@code io.srlm.registry.StepRegistry}); takes the same options as the verb.
 */
public final class ScoreRewardsJob {
  private ScoreRewardsJob() {}

  public static void main(String[] args) {
    Srlm.stepJob(ScoreRewardsJob.class, args);
  }
}

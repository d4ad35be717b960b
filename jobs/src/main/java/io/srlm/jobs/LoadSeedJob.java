package io.srlm.jobs;

import io.srlm.cli.Srlm;

/**
 * spark-submit / Databricks entry point for the seed step ({@code srlm seed}, its row in
 * {@code io.srlm.registry.StepRegistry}); takes the same options as the verb.
 */
public final class LoadSeedJob {
  private LoadSeedJob() {}

  public static void main(String[] args) {
    Srlm.stepJob(LoadSeedJob.class, args);
  }
}

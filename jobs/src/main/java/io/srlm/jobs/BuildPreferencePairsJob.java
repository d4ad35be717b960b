package io.srlm.jobs;

import io.srlm.cli.Srlm;

/**
 * spark-submit / Databricks entry point for the build_pairs step ({@code srlm build-pairs}, its row in
 * {@code io.srlm.registry.StepRegistry}); takes the same options as the verb.
 */
public final class BuildPreferencePairsJob {
  private BuildPreferencePairsJob() {}

  public static void main(String[] args) {
    Srlm.stepJob(BuildPreferencePairsJob.class, args);
  }
}

package io.srlm.jobs;

import io.srlm.cli.Srlm;

/**
 * spark-submit / Databricks entry point for the build_spin_pairs step ({@code srlm build-spin-pairs}, its row in
 * {@code io.srlm.registry.StepRegistry}); takes the same options as the verb.
 */
public final class BuildSpinPairsJob {
  private BuildSpinPairsJob() {}

  public static void main(String[] args) {
    Srlm.stepJob(BuildSpinPairsJob.class, args);
  }
}

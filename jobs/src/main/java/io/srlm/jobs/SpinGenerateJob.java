package io.srlm.jobs;

import io.srlm.cli.Srlm;

/**
 * spark-submit / Databricks entry point for the spin_generate step ({@code srlm spin-generate}, its row in
 * {@code io.srlm.registry.StepRegistry}); takes the same options as the verb.
 */
public final class SpinGenerateJob {
  private SpinGenerateJob() {}

  public static void main(String[] args) {
    Srlm.stepJob(SpinGenerateJob.class, args);
  }
}

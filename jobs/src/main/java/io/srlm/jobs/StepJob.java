package io.srlm.jobs;

import io.srlm.cli.Srlm;

/**
 * spark-submit / Databricks entry point for any step of {@code io.srlm.registry.StepRegistry}: {@code StepJob
 * STEP_ID [options]} runs that step's verb with the options (a step needs no main class of its own).
 */
public final class StepJob {
  private StepJob() {}

  public static void main(String[] args) {
    Srlm.stepJob(args);
  }
}

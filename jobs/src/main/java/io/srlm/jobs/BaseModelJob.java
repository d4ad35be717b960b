package io.srlm.jobs;

import io.srlm.cli.Srlm;

/**
 * spark-submit / Databricks entry point for the base_model step ({@code srlm base-model}, its row in
 * {@code io.srlm.registry.StepRegistry}); takes the same options as the verb.
 */
public final class BaseModelJob {
  private BaseModelJob() {}

  public static void main(String[] args) {
    Srlm.stepJob(BaseModelJob.class, args);
  }
}

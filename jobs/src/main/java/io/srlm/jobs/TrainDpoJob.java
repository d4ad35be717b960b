package io.srlm.jobs;

import io.srlm.cli.Srlm;

/**
 * spark-submit / Databricks entry point for the train_dpo step ({@code srlm dpo}, its row in
 * {@code io.srlm.registry.StepRegistry}); takes the same options as the verb.
 */
public final class TrainDpoJob {
  private TrainDpoJob() {}

  public static void main(String[] args) {
    Srlm.stepJob(TrainDpoJob.class, args);
  }
}

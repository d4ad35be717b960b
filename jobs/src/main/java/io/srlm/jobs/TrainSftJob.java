package io.srlm.jobs;

import io.srlm.cli.Srlm;

/**
 * spark-submit / Databricks entry point for the train_sft step ({@code srlm sft}, its row in
 * {@code io.srlm.registry.StepRegistry}); takes the same options as the verb.
 */
public final class TrainSftJob {
  private TrainSftJob() {}

  public static void main(String[] args) {
    Srlm.stepJob(TrainSftJob.class, args);
  }
}

package io.srlm.jobs;

import io.srlm.cli.Srlm;

/**
 * spark-submit / Databricks entry point for the sample_responses step ({@code srlm sample-responses}, its row in
 * {@code io.srlm.registry.StepRegistry}); takes the same options as the verb.
 */
public final class SampleResponsesJob {
  private SampleResponsesJob() {}

  public static void main(String[] args) {
    Srlm.stepJob(SampleResponsesJob.class, args);
  }
}

package io.srlm.jobs;

import io.srlm.cli.Srlm;

/**
 * spark-submit / Databricks entry point for the head_to_head step ({@code srlm head-to-head}, its row in
 * {@code io.srlm.registry.StepRegistry}); takes the same options as the verb.
 */
public final class HeadToHeadJob {
  private HeadToHeadJob() {}

  public static void main(String[] args) {
    Srlm.stepJob(HeadToHeadJob.class, args);
  }
}

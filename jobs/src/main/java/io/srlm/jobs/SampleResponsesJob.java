package io.srlm.jobs;

import io.srlm.cli.Srlm;

/** spark-submit entry point for {@code srlm sample-responses}; takes the same options as the verb. */
public final class SampleResponsesJob {
  private SampleResponsesJob() {}

  public static void main(String[] args) {
    Srlm.job("sample-responses", args);
  }
}

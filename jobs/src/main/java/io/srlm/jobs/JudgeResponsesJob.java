package io.srlm.jobs;

import io.srlm.cli.Srlm;

/** spark-submit entry point for {@code srlm judge-responses}; takes the same options as the verb. */
public final class JudgeResponsesJob {
  private JudgeResponsesJob() {}

  public static void main(String[] args) {
    Srlm.job("judge-responses", args);
  }
}

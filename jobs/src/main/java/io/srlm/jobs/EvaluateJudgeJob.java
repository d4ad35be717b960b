package io.srlm.jobs;

import io.srlm.cli.Srlm;

/** spark-submit entry point for {@code srlm evaluate-judge}; takes the same options as the verb. */
public final class EvaluateJudgeJob {
  private EvaluateJudgeJob() {}

  public static void main(String[] args) {
    Srlm.job("evaluate-judge", args);
  }
}

package io.srlm.jobs;

import io.srlm.cli.Srlm;

/** spark-submit entry point for {@code srlm dpo}; takes the same options as the verb. */
public final class TrainDpoJob {
  private TrainDpoJob() {}

  public static void main(String[] args) {
    Srlm.job("dpo", args);
  }
}

package io.srlm.jobs;

import io.srlm.cli.Srlm;

/** spark-submit entry point for {@code srlm sft}; takes the same options as the verb. */
public final class TrainSftJob {
  private TrainSftJob() {}

  public static void main(String[] args) {
    Srlm.job("sft", args);
  }
}

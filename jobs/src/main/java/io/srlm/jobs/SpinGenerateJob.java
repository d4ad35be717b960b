package io.srlm.jobs;

import io.srlm.cli.Srlm;

/** spark-submit entry point for {@code srlm spin-generate}; takes the same options as the verb. */
public final class SpinGenerateJob {
  private SpinGenerateJob() {}

  public static void main(String[] args) {
    Srlm.job("spin-generate", args);
  }
}

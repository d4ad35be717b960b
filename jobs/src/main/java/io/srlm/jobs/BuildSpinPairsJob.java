package io.srlm.jobs;

import io.srlm.cli.Srlm;

/** spark-submit entry point for {@code srlm build-spin-pairs}; takes the same options as the verb. */
public final class BuildSpinPairsJob {
  private BuildSpinPairsJob() {}

  public static void main(String[] args) {
    Srlm.job("build-spin-pairs", args);
  }
}

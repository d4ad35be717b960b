package io.srlm.jobs;

import io.srlm.cli.Srlm;

/** spark-submit entry point for {@code srlm seed}; takes the same options as the verb. */
public final class LoadSeedJob {
  private LoadSeedJob() {}

  public static void main(String[] args) {
    Srlm.job("seed", args);
  }
}

package io.srlm.jobs;

import io.srlm.cli.Srlm;

/** spark-submit entry point for {@code srlm build-pairs}; takes the same options as the verb. */
public final class BuildPreferencePairsJob {
  private BuildPreferencePairsJob() {}

  public static void main(String[] args) {
    Srlm.job("build-pairs", args);
  }
}

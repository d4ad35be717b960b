package io.srlm.jobs;

import io.srlm.cli.Srlm;

/** spark-submit entry point for {@code srlm loop}; takes the same options as the verb. */
public final class RunLoopJob {
  private RunLoopJob() {}

  public static void main(String[] args) {
    Srlm.job("loop", args);
  }
}

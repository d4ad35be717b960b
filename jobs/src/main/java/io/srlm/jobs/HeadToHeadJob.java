package io.srlm.jobs;

import io.srlm.cli.Srlm;

/** spark-submit entry point for {@code srlm head-to-head}; takes the same options as the verb. */
public final class HeadToHeadJob {
  private HeadToHeadJob() {}

  public static void main(String[] args) {
    Srlm.job("head-to-head", args);
  }
}

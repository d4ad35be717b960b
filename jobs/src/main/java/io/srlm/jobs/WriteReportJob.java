package io.srlm.jobs;

import io.srlm.cli.Srlm;

/**
 * spark-submit / Databricks entry point for {@code srlm report}: writes the run's HTML report to
 * report.dir/RUN_ID/; takes the same options as the verb.
 */
public final class WriteReportJob {
  private WriteReportJob() {}

  public static void main(String[] args) {
    Srlm.job("report", args);
  }
}

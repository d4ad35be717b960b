package io.srlm.jobs;

import io.srlm.cli.Srlm;

/** spark-submit entry point for {@code srlm generate-prompts}; takes the same options as the verb. */
public final class GeneratePromptsJob {
  private GeneratePromptsJob() {}

  public static void main(String[] args) {
    Srlm.job("generate-prompts", args);
  }
}

package io.srlm.jobs;

import io.srlm.cli.Srlm;

/**
 * spark-submit / Databricks entry point for the generate_prompts step ({@code srlm generate-prompts}, its row in
 * {@code io.srlm.registry.StepRegistry}); takes the same options as the verb.
 */
public final class GeneratePromptsJob {
  private GeneratePromptsJob() {}

  public static void main(String[] args) {
    Srlm.stepJob(GeneratePromptsJob.class, args);
  }
}

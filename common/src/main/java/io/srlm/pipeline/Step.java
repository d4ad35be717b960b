package io.srlm.pipeline;

/** One unit of work of a stage (an Action in Iceberg's sense): run it, get an immutable result. */
public interface Step {
  /** The step's name, e.g. generate_prompts; with the stage it forms the step id. */
  String name();

  /**
   * Runs the step for a stage of the run; {@code s} holds the stage's settings and does the pinned reads and the
   * writes. Writes are idempotent: re-running replaces the step's rows.
   */
  StepResult run(StepContext s);
}

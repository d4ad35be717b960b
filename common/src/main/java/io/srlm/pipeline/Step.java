package io.srlm.pipeline;

import io.srlm.registry.StepDef;
import io.srlm.registry.StepRegistry;

/** One unit of work of a stage (an Action in Iceberg's sense): run it, get an immutable result. */
public interface Step {
  /**
   * The step's name, e.g. generate_prompts; with the stage it forms the step id. By default the id of the step's
   * row in {@link StepRegistry}.
   */
  default String name() {
    return StepRegistry.byClass(getClass().getName()).map(StepDef::id).orElseThrow(() -> new IllegalStateException(
        getClass().getName() + " has no row in io.srlm.registry.StepRegistry; add one or override name()"));
  }

  /**
   * Runs the step for a stage of the run; {@code s} holds the stage's settings and does the pinned reads and the
   * writes. Writes are idempotent: re-running replaces the step's rows.
   */
  StepResult run(StepContext s);
}

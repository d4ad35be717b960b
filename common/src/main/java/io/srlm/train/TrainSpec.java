package io.srlm.train;

import io.srlm.config.SrlmConfig;
import java.nio.file.Path;

/**
 * What a training run needs besides its data: the schedule and optimiser settings, the seed, where checkpoints
 * go, early stopping, and the test-only halt.
 *
 * @param stage label for logs and metrics (sft, dpo, ...)
 * @param checkpointDir local folder for step-N checkpoints (resume reads the newest complete one)
 * @param earlyStoppingPatience evaluations without improvement before stopping; 0 = off
 * @param earlyStoppingMetric a validation metric name (e.g. loss, reward_accuracy)
 * @param higherIsBetter whether larger values of that metric are better
 * @param haltAfterSteps test-only: throw {@link Halted} after this many steps (a simulated kill); 0 = off
 */
public record TrainSpec(String stage, SrlmConfig.Train conf, long seed, Path checkpointDir,
    int earlyStoppingPatience, String earlyStoppingMetric, boolean higherIsBetter, int haltAfterSteps) {

  /** Thrown by the test-only halt, as if the process had been killed after a checkpoint. */
  public static final class Halted extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public Halted(int step) {
      super("training halted after step " + step + " (debug.halt_after_steps)");
    }
  }
}

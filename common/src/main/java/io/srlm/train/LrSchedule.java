package io.srlm.train;

/** Linear warmup to the peak rate, then cosine or linear decay to peak * minRatio (or constant). */
public record LrSchedule(double peak, int warmupSteps, int totalSteps, String kind, double minRatio) {

  /** The learning rate for (0-based) optimizer step {@code step}. */
  public double at(int step) {
    if (warmupSteps > 0 && step < warmupSteps) {
      return peak * (step + 1) / warmupSteps;
    }
    if (kind.equals("constant") || totalSteps <= warmupSteps) {
      return peak;
    }
    double progress = Math.min(1.0, (double) (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps));
    double floor = peak * minRatio;
    double decay = kind.equals("cosine") ? 0.5 * (1 + Math.cos(Math.PI * progress)) : 1 - progress;
    return floor + (peak - floor) * decay;
  }
}

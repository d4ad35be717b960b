package io.srlm.eval;

/**
 * One metric value and the number of units it was computed over (pairs, groups or items, as each metric states).
 * When {@code n == 0} the metric is undefined and {@code value} is NaN.
 *
 * @param value the metric, NaN when undefined
 * @param n how many units contributed
 */
public record Metric(double value, long n) {
  public Metric {
    if (n < 0) {
      throw new IllegalArgumentException("n must be >= 0, got " + n);
    }
  }

  /** The undefined metric: NaN over 0 units. */
  public static Metric undefined() {
    return new Metric(Double.NaN, 0);
  }

  /** {@code sum / n}, or {@link #undefined()} when {@code n == 0}. */
  public static Metric mean(double sum, long n) {
    return n == 0 ? undefined() : new Metric(sum / n, n);
  }

  public boolean isDefined() {
    return n > 0 && !Double.isNaN(value);
  }
}

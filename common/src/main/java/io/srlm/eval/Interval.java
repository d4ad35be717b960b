package io.srlm.eval;

/**
 * A closed interval [low, high], e.g. a 95% confidence interval for a proportion.
 *
 * @param low lower bound
 * @param high upper bound, {@code >= low}
 */
public record Interval(double low, double high) {
  public Interval {
    if (!(low <= high)) {
      throw new IllegalArgumentException("interval needs low <= high, got [" + low + ", " + high + "]");
    }
  }

  /** {@code high - low}. */
  public double width() {
    return high - low;
  }

  /** Whether {@code low <= x <= high}. */
  public boolean contains(double x) {
    return low <= x && x <= high;
  }
}

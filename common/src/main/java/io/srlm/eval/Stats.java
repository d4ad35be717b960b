package io.srlm.eval;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;

/** Small statistics helpers: Wilson score intervals, mean, median, quantiles and histograms. */
public final class Stats {
  /** The two-sided 95% standard normal quantile, z = Phi^-1(0.975). */
  public static final double Z95 = 1.959963984540054;

  private Stats() {}

  /**
   * The Wilson score interval for a proportion with {@code successes} out of {@code n}:
   *
   * <pre>
   *   p = successes / n
   *   centre = (p + z^2 / (2n)) / (1 + z^2 / n)
   *   half   = z / (1 + z^2 / n) * sqrt(p (1 - p) / n + z^2 / (4 n^2))
   *   [centre - half, centre + half], clamped to [0, 1] (exactly 0 at p = 0 and 1 at p = 1)
   * </pre>
   *
   * {@code successes} may be fractional (a tie counted as half). With {@code n == 0} nothing is known and the
   * interval is [0, 1].
   */
  public static Interval wilson(double successes, long n, double z) {
    if (n < 0 || Double.isNaN(successes) || successes < 0 || successes > n) {
      throw new IllegalArgumentException("wilson needs 0 <= successes <= n, got " + successes + "/" + n);
    }
    if (!(z > 0) || Double.isInfinite(z)) {
      throw new IllegalArgumentException("wilson needs a finite z > 0, got " + z);
    }
    if (n == 0) {
      return new Interval(0.0, 1.0);
    }
    double p = successes / n;
    double z2 = z * z;
    double denom = 1 + z2 / n;
    double centre = (p + z2 / (2.0 * n)) / denom;
    double half = z / denom * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n));
    // At p = 0 and p = 1 the bounds are exactly 0 and 1; rounding would otherwise leave 1 - 1e-16.
    double low = successes == 0 ? 0.0 : Math.max(0.0, centre - half);
    double high = successes == n ? 1.0 : Math.min(1.0, centre + half);
    return new Interval(low, high);
  }

  /** {@link #wilson(double, long, double)} at 95% ({@link #Z95}). */
  public static Interval wilson95(double successes, long n) {
    return wilson(successes, n, Z95);
  }

  /** The arithmetic mean, NaN for no values. */
  public static double mean(Collection<? extends Number> values) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    double sum = 0;
    for (Number v : values) {
      sum += v.doubleValue();
    }
    return sum / values.size();
  }

  /** The median (mean of the two middle values for an even count), NaN for no values. */
  public static double median(Collection<? extends Number> values) {
    return quantile(values, 0.5);
  }

  /**
   * The {@code q}-quantile with linear interpolation between order statistics (type 7, numpy's default):
   * {@code h = (n - 1) q}, {@code x[floor h] + (h - floor h) (x[floor h + 1] - x[floor h])} on sorted values.
   * NaN for no values.
   */
  public static double quantile(Collection<? extends Number> values, double q) {
    if (!(q >= 0 && q <= 1)) {
      throw new IllegalArgumentException("quantile needs 0 <= q <= 1, got " + q);
    }
    if (values.isEmpty()) {
      return Double.NaN;
    }
    List<Double> sorted = new ArrayList<>(values.size());
    for (Number v : values) {
      sorted.add(v.doubleValue());
    }
    Collections.sort(sorted);
    double h = (sorted.size() - 1) * q;
    int lo = (int) Math.floor(h);
    int hi = Math.min(lo + 1, sorted.size() - 1);
    return sorted.get(lo) + (h - lo) * (sorted.get(hi) - sorted.get(lo));
  }

  /**
   * Bins {@code values} into {@code bins} equal-width bins over [min, max] (see {@link Histogram} for the edge
   * rules). NaN values are rejected.
   */
  public static Histogram histogram(Collection<? extends Number> values, double min, double max, int bins) {
    if (bins < 1) {
      throw new IllegalArgumentException("histogram needs bins >= 1, got " + bins);
    }
    if (!(min < max) || Double.isInfinite(min) || Double.isInfinite(max)) {
      throw new IllegalArgumentException("histogram needs finite min < max, got [" + min + ", " + max + "]");
    }
    long[] counts = new long[bins];
    long below = 0;
    long above = 0;
    double width = (max - min) / bins;
    for (Number n : values) {
      double v = n.doubleValue();
      if (Double.isNaN(v)) {
        throw new IllegalArgumentException("histogram values must not be NaN");
      }
      if (v < min) {
        below++;
      } else if (v > max) {
        above++;
      } else {
        int i = (int) Math.floor((v - min) / width);
        counts[Math.min(i, bins - 1)]++;
      }
    }
    List<Long> list = new ArrayList<>(bins);
    for (long c : counts) {
      list.add(c);
    }
    return new Histogram(min, max, list, below, above);
  }
}

package io.srlm.eval;

import java.util.List;

/**
 * Counts of values in {@code counts.size()} equal-width bins over [min, max]. Bin {@code i} covers
 * {@code [min + i * w, min + (i + 1) * w)} with {@code w = (max - min) / bins}; the last bin also includes
 * {@code max}. Values below {@code min} or above {@code max} are not binned but counted in {@code below} and
 * {@code above}, so {@code total()} always equals the number of values given.
 *
 * @param min lower edge of the first bin
 * @param max upper edge of the last bin
 * @param counts values per bin
 * @param below values {@code < min}
 * @param above values {@code > max}
 */
public record Histogram(double min, double max, List<Long> counts, long below, long above) {
  public Histogram {
    if (!(min < max) || Double.isInfinite(min) || Double.isInfinite(max)) {
      throw new IllegalArgumentException("histogram needs finite min < max, got [" + min + ", " + max + "]");
    }
    if (counts == null || counts.isEmpty()) {
      throw new IllegalArgumentException("histogram needs at least one bin");
    }
    counts = List.copyOf(counts);
  }

  public int bins() {
    return counts.size();
  }

  /** {@code (max - min) / bins}. */
  public double binWidth() {
    return (max - min) / counts.size();
  }

  /** Lower edge of bin {@code i}. */
  public double lowerEdge(int i) {
    return min + i * binWidth();
  }

  /** Upper edge of bin {@code i} (the last bin's is exactly {@code max}). */
  public double upperEdge(int i) {
    return i == counts.size() - 1 ? max : min + (i + 1) * binWidth();
  }

  /** All values counted, binned or not. */
  public long total() {
    long t = below + above;
    for (long c : counts) {
      t += c;
    }
    return t;
  }
}

package io.srlm.eval;

import java.util.Arrays;
import java.util.Comparator;

/**
 * Rank correlations that handle ties. Two values are tied when they differ by at most {@link #TIE_EPS} (judge
 * scores are means of a few integers, so equal means can differ in the last bit). Both functions return NaN when
 * the correlation is undefined: fewer than 2 values, or a variable that is constant.
 */
public final class Correlation {
  /** Values closer than this are treated as equal. */
  public static final double TIE_EPS = 1e-9;

  private Correlation() {}

  /** -1, 0 or 1: the sign of {@code a - b}, with |a - b| &lt;= {@link #TIE_EPS} as 0. */
  public static int compare(double a, double b) {
    double d = a - b;
    if (Math.abs(d) <= TIE_EPS) {
      return 0;
    }
    return d < 0 ? -1 : 1;
  }

  /**
   * Fractional (average) ranks, 1-based: tied values all get the mean of the positions they occupy, e.g.
   * {@code [10, 20, 20, 30] -> [1, 2.5, 2.5, 4]}.
   */
  public static double[] averageRanks(double[] v) {
    Integer[] order = new Integer[v.length];
    for (int i = 0; i < v.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparingDouble(i -> v[i]));
    double[] ranks = new double[v.length];
    int start = 0;
    while (start < v.length) {
      int end = start + 1;
      while (end < v.length && compare(v[order[end]], v[order[start]]) == 0) {
        end++;
      }
      double avg = (start + 1 + end) / 2.0; // mean of positions start+1 .. end
      for (int k = start; k < end; k++) {
        ranks[order[k]] = avg;
      }
      start = end;
    }
    return ranks;
  }

  /**
   * Spearman's rho with ties: the Pearson correlation of the average ranks,
   * {@code rho = sum (rx - mean)(ry - mean) / sqrt(sum (rx - mean)^2 * sum (ry - mean)^2)}.
   * Without ties this equals {@code 1 - 6 sum d^2 / (n (n^2 - 1))}.
   */
  public static double spearman(double[] x, double[] y) {
    checkSameLength(x, y);
    if (x.length < 2) {
      return Double.NaN;
    }
    return pearson(averageRanks(x), averageRanks(y));
  }

  /**
   * Kendall's tau-b, which corrects for ties: over all pairs (i, j), with {@code nc} concordant pairs, {@code nd}
   * discordant pairs, {@code tx} pairs tied in x only and {@code ty} pairs tied in y only (pairs tied in both
   * count nowhere), {@code tau_b = (nc - nd) / sqrt((nc + nd + tx) (nc + nd + ty))}.
   */
  public static double kendallTauB(double[] x, double[] y) {
    checkSameLength(x, y);
    long nc = 0;
    long nd = 0;
    long tx = 0;
    long ty = 0;
    for (int i = 0; i < x.length; i++) {
      for (int j = i + 1; j < x.length; j++) {
        int cx = compare(x[i], x[j]);
        int cy = compare(y[i], y[j]);
        if (cx == 0 && cy == 0) {
          continue;
        } else if (cx == 0) {
          tx++;
        } else if (cy == 0) {
          ty++;
        } else if (cx == cy) {
          nc++;
        } else {
          nd++;
        }
      }
    }
    double denom = Math.sqrt((double) (nc + nd + tx) * (nc + nd + ty));
    return denom == 0 ? Double.NaN : (nc - nd) / denom;
  }

  /** Whether all values are tied (within {@link #TIE_EPS} of the first). */
  public static boolean isConstant(double[] v) {
    for (double d : v) {
      if (compare(d, v[0]) != 0) {
        return false;
      }
    }
    return true;
  }

  private static double pearson(double[] x, double[] y) {
    double mx = 0;
    double my = 0;
    for (int i = 0; i < x.length; i++) {
      mx += x[i];
      my += y[i];
    }
    mx /= x.length;
    my /= y.length;
    double sxy = 0;
    double sxx = 0;
    double syy = 0;
    for (int i = 0; i < x.length; i++) {
      sxy += (x[i] - mx) * (y[i] - my);
      sxx += (x[i] - mx) * (x[i] - mx);
      syy += (y[i] - my) * (y[i] - my);
    }
    double denom = Math.sqrt(sxx * syy);
    return denom == 0 ? Double.NaN : sxy / denom;
  }

  private static void checkSameLength(double[] x, double[] y) {
    if (x.length != y.length) {
      throw new IllegalArgumentException("x and y differ in length: " + x.length + " vs " + y.length);
    }
  }
}

package io.srlm.eval;

/**
 * An accuracy result: {@code accuracy = correct / n} with a 95% Wilson score interval ({@link Stats#wilson}).
 * With {@code n == 0} the accuracy is NaN and the interval is the uninformative [0, 1].
 *
 * @param correct items answered correctly
 * @param n items evaluated
 * @param accuracy {@code correct / n}
 * @param ci 95% Wilson score interval for the accuracy
 */
public record Accuracy(long correct, long n, double accuracy, Interval ci) {
  public Accuracy {
    if (n < 0 || correct < 0 || correct > n) {
      throw new IllegalArgumentException("accuracy needs 0 <= correct <= n, got " + correct + "/" + n);
    }
    if (ci == null) {
      throw new IllegalArgumentException("ci must not be null");
    }
  }

  /** Accuracy of {@code correct} out of {@code n}, with its 95% Wilson interval. */
  public static Accuracy of(long correct, long n) {
    double acc = n == 0 ? Double.NaN : (double) correct / n;
    return new Accuracy(correct, n, acc, Stats.wilson95(correct, n));
  }
}

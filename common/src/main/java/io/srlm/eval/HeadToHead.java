package io.srlm.eval;

/**
 * A head-to-head summary of model A against model B over {@code n = wins + ties + losses} prompts.
 *
 * <p>{@code winRate = (wins + ties / 2) / n}: a tie counts as half a win, as in the paper's head-to-head
 * tables and AlpacaEval. The 95% interval is the Wilson score interval ({@link Stats#wilson}) of that rate with
 * {@code wins + ties / 2} successes out of {@code n}. A tie contributes exactly 0.5 with no variance, so the true
 * variance is below the binomial one and the interval is slightly conservative (wider) when there are ties.
 * With {@code n == 0} the rate is NaN and the interval is [0, 1].
 *
 * @param wins prompts where A was preferred
 * @param ties prompts judged equal
 * @param losses prompts where B was preferred
 * @param winRate {@code (wins + ties / 2) / n}
 * @param ci 95% Wilson interval of the win rate
 */
public record HeadToHead(long wins, long ties, long losses, double winRate, Interval ci) {
  public HeadToHead {
    if (wins < 0 || ties < 0 || losses < 0) {
      throw new IllegalArgumentException("counts must be >= 0, got " + wins + "/" + ties + "/" + losses);
    }
    if (ci == null) {
      throw new IllegalArgumentException("ci must not be null");
    }
  }

  /** The summary of the given counts. */
  public static HeadToHead of(long wins, long ties, long losses) {
    if (wins < 0 || ties < 0 || losses < 0) {
      throw new IllegalArgumentException("counts must be >= 0, got " + wins + "/" + ties + "/" + losses);
    }
    long n = wins + ties + losses;
    double successes = wins + ties / 2.0;
    double rate = n == 0 ? Double.NaN : successes / n;
    return new HeadToHead(wins, ties, losses, rate, Stats.wilson95(successes, n));
  }

  /** Counts the outcomes in {@code outcomes}: 1 = win, 0.5 = tie, 0 = loss (the eval_samples encoding). */
  public static HeadToHead ofOutcomes(Iterable<Double> outcomes) {
    long w = 0;
    long t = 0;
    long l = 0;
    for (Double o : outcomes) {
      if (o == null) {
        throw new IllegalArgumentException("head-to-head outcome must not be null");
      } else if (o == 1.0) {
        w++;
      } else if (o == 0.5) {
        t++;
      } else if (o == 0.0) {
        l++;
      } else {
        throw new IllegalArgumentException("head-to-head outcome must be 1, 0.5 or 0, got " + o);
      }
    }
    return of(w, t, l);
  }

  /** The share of ties, {@code ties / n} (NaN when n is 0). */
  public double tieRate() {
    long n = n();
    return n == 0 ? Double.NaN : (double) ties / n;
  }

  /** {@code wins + ties + losses}. */
  public long n() {
    return wins + ties + losses;
  }
}

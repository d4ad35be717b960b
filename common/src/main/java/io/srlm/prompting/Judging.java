package io.srlm.prompting;

import java.util.List;

/**
 * The judging rules, written once and pure (no Spark, no model): a pointwise judgement is the mean of the scores
 * of its k samples that parsed (samples that did not parse count for nothing, and with none parsed there is no
 * score), and a pairwise comparison is asked in both orders and has a winner only when both orders agree.
 */
public final class Judging {
  private Judging() {}

  /** The mean of the parsed samples' scores ({@code null} when none parsed) and how many parsed. */
  public record Mean(Double value, int parsed) {
    public boolean scored() {
      return value != null;
    }
  }

  /** "k samples, mean of the parsed ones". */
  public static Mean mean(List<ScoreParser.Parsed> samples) {
    double sum = 0;
    int n = 0;
    for (ScoreParser.Parsed p : samples) {
      if (p.ok()) {
        sum += p.score();
        n++;
      }
    }
    return new Mean(n > 0 ? sum / n : null, n);
  }

  /** The outcome of one comparison of a first and a second response. */
  public enum Verdict {
    /** Both orders prefer the first response. */
    FIRST,
    /** Both orders prefer the second response. */
    SECOND,
    /** Both orders parsed but disagree, or either says tie. */
    TIE,
    /** An order did not parse. */
    NO_VERDICT;

    /** As a win rate for the first response: 1, 0, 0.5 for a tie or no verdict. */
    public double firstScore() {
      return this == FIRST ? 1 : this == SECOND ? 0 : 0.5;
    }
  }

  /**
   * The both-orders verdict: {@code ab} is the parsed choice with the first response shown as A, {@code ba} with
   * it shown as B ({@code null}: that order did not parse).
   */
  public static Verdict bothOrders(ScoreParser.Choice ab, ScoreParser.Choice ba) {
    if (ab == null || ba == null) {
      return Verdict.NO_VERDICT;
    }
    if (ab == ScoreParser.Choice.A && ba == ScoreParser.Choice.B) {
      return Verdict.FIRST;
    }
    if (ab == ScoreParser.Choice.B && ba == ScoreParser.Choice.A) {
      return Verdict.SECOND;
    }
    return Verdict.TIE;
  }
}

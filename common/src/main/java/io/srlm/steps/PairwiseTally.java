package io.srlm.steps;

import io.srlm.prompting.Judging;
import io.srlm.prompting.ScoreParser;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Pairwise judging arithmetic (judge.mode = pairwise). A comparison of responses X and Y is judged in both orders:
 * "ab" shows X as A, "ba" shows Y as A. Its outcome:
 *
 * <ul>
 *   <li>win for X: A in "ab" and B in "ba" (X preferred in both positions); win for Y: the reverse;
 *   <li>tie: both orders parsed but disagree (position bias) or either says tie;
 *   <li>no_verdict: either order did not parse (not counted for either response).
 * </ul>
 *
 * A response's score is its number of consistent wins (a win count, no Bradley-Terry fit); it has no score when
 * none of its comparisons has a verdict. Best vs worst by wins then makes the pair, and equal counts are a tie
 * that {@link PairSelector} drops.
 */
final class PairwiseTally {
  enum Outcome { FIRST, SECOND, TIE, NO_VERDICT;

    String column() {
      return switch (this) {
        case FIRST, SECOND -> "win";
        case TIE -> "tie";
        case NO_VERDICT -> "no_verdict";
      };
    }
  }

  /** Per-response counts over its comparisons. */
  static final class Counts {
    int wins;
    int ties;
    int losses;
    int noVerdict;

    int verdicts() {
      return wins + ties + losses;
    }

    /** The score: consistent wins, or null when no comparison had a verdict. */
    Double score() {
      return verdicts() == 0 ? null : (double) wins;
    }

    String summary() {
      return String.format("pairwise: %d wins, %d ties, %d losses, %d without verdict (of %d comparisons)", wins,
          ties, losses, noVerdict, wins + ties + losses + noVerdict);
    }
  }

  private final Map<String, Counts> counts = new LinkedHashMap<>();

  /** The outcome of one comparison from its two parsed orders (null = not parsed). */
  static Outcome outcome(ScoreParser.Choice ab, ScoreParser.Choice ba) {
    return Outcome.valueOf(Judging.bothOrders(ab, ba).name());
  }

  /** Registers a response (so one without comparisons still appears, with no score). */
  Counts of(String responseId) {
    return counts.computeIfAbsent(responseId, k -> new Counts());
  }

  /** Adds one comparison's outcome for its first and second response. */
  void add(String first, String second, Outcome o) {
    Counts a = of(first);
    Counts b = of(second);
    switch (o) {
      case FIRST -> {
        a.wins++;
        b.losses++;
      }
      case SECOND -> {
        b.wins++;
        a.losses++;
      }
      case TIE -> {
        a.ties++;
        b.ties++;
      }
      case NO_VERDICT -> {
        a.noVerdict++;
        b.noVerdict++;
      }
    }
  }
}

package io.srlm.eval;

import java.util.ArrayList;
import java.util.List;

/**
 * The paper's five judge-quality metrics (Yuan et al., 2024, reward modelling ability) plus the parse-failure
 * rate, measured against human rankings. Input: groups (one question each) of items, each with a human rank
 * (0 = best, ties share a rank) and a model score (null when the judge output did not parse).
 *
 * <p>Common rules:
 *
 * <ul>
 *   <li>Items with a null score are excluded from every ranking metric and counted in the parse-failure rate.
 *       A group is then evaluated on its scored items only (its "human-best" is the best-ranked scored item).
 *   <li>A group with fewer than 2 scored items is skipped by the group metrics and counted in
 *       {@code groupsSkipped}.
 *   <li>Two scores are tied when they differ by at most {@link Correlation#TIE_EPS}.
 *   <li>Proportions are fractions in [0, 1], not percentages.
 * </ul>
 *
 * <p>Definitions ({@code n} of each {@link Metric} in brackets):
 *
 * <ul>
 *   <li><b>pairwise_accuracy</b> [pairs, pooled over all groups]: over every pair of scored items of a group with
 *       different human ranks, credit 1 when the model scores the human-preferred item strictly higher,
 *       {@link #tieCredit()} when the model scores them equally, 0 otherwise; the value is total credit / pairs.
 *       With the default 0.5, a judge that gives every response the same score gets 0.5, like a coin flip.
 *   <li><b>five_best</b> [evaluated groups]: fraction of groups where every human-best item (lowest human rank
 *       among the scored items; several when tied) gets a score &gt;= {@link #topScore()} (default 5, the
 *       additive template's maximum).
 *   <li><b>exact_match</b> [evaluated groups]: fraction of groups where the model's ordering of the scored items
 *       equals the human ordering exactly, ties included: for every pair, human tie &lt;=&gt; model tie, and
 *       otherwise the same item is preferred.
 *   <li><b>spearman</b> and <b>kendall_tau</b> [groups with a correlation]: computed <em>per group</em> between
 *       human goodness ({@code -humanRank}, so a perfect judge scores +1) and model score, then averaged over
 *       groups (macro average). Spearman is the Pearson correlation of average ranks, Kendall is tau-b; both
 *       handle ties ({@link Correlation}). Per group rather than pooled because human ranks only order responses
 *       to the same question: rank 0 of one question is not comparable with rank 1 of another, and pooling would
 *       mix group sizes into the ranks. A group whose items all share one human rank has nothing to correlate
 *       with and is skipped ({@code correlationGroupsSkipped}); a group where humans distinguish the items but
 *       the model gives them all the same score contributes 0 (no ordering information), so a judge cannot gain
 *       by giving constant scores.
 *   <li><b>parse_failure_rate</b> [items]: items with a null score / all items, over all groups (including
 *       skipped ones).
 * </ul>
 *
 * @param topScore the score a human-best item must reach for five_best (the scale's maximum)
 * @param tieCredit the credit a model tie earns in pairwise_accuracy, in [0, 1]
 */
public record JudgeMetrics(double topScore, double tieCredit) {
  /** The additive 5-point template's maximum score. */
  public static final double DEFAULT_TOP_SCORE = 5.0;
  /** A model tie is half right, as a coin flip would be. */
  public static final double DEFAULT_TIE_CREDIT = 0.5;

  public JudgeMetrics {
    if (Double.isNaN(topScore) || Double.isInfinite(topScore)) {
      throw new IllegalArgumentException("topScore must be finite, got " + topScore);
    }
    if (!(tieCredit >= 0 && tieCredit <= 1)) {
      throw new IllegalArgumentException("tieCredit must be in [0, 1], got " + tieCredit);
    }
  }

  /** Top score 5 (the additive 5-point template) and tie credit 0.5. */
  public static JudgeMetrics defaults() {
    return new JudgeMetrics(DEFAULT_TOP_SCORE, DEFAULT_TIE_CREDIT);
  }

  /** The default tie credit with the given scale maximum as the top score. */
  public static JudgeMetrics forScale(double maxScore) {
    return new JudgeMetrics(maxScore, DEFAULT_TIE_CREDIT);
  }

  /** Computes all metrics over {@code groups}. */
  public JudgeMetricsResult compute(List<JudgeGroup> groups) {
    long items = 0;
    long unscored = 0;
    List<List<JudgeItem>> evaluated = new ArrayList<>();
    for (JudgeGroup g : groups) {
      List<JudgeItem> scored = g.scoredItems();
      items += g.items().size();
      unscored += g.items().size() - scored.size();
      if (scored.size() >= 2) {
        evaluated.add(scored);
      }
    }
    Orderings o = orderings(evaluated);
    Correlations c = correlations(evaluated);
    long n = evaluated.size();
    return new JudgeMetricsResult(Metric.mean(o.credit(), o.pairs()), Metric.mean(o.fiveBest(), n),
        Metric.mean(o.exact(), n), Metric.mean(c.spearmanSum(), c.correlated()),
        Metric.mean(c.kendallSum(), c.correlated()), Metric.mean(unscored, items), groups.size(), groups.size() - n,
        items, unscored, o.pairs(), o.tiedPairs(), c.skipped());
  }

  /** Pairwise accuracy's pairs, ties and credit, and the groups ordered exactly / whose human-best reach the top. */
  private record Orderings(long pairs, long tiedPairs, double credit, long exact, long fiveBest) {}

  /** The per-group correlation sums, the groups they cover, and the groups with one human rank only. */
  private record Correlations(double spearmanSum, double kendallSum, long correlated, long skipped) {}

  /** Compares the model's ordering with the humans' in each evaluated group (its scored items, 2 or more). */
  private Orderings orderings(List<List<JudgeItem>> evaluated) {
    long pairs = 0;
    long tiedPairs = 0;
    double credit = 0;
    long exact = 0;
    for (List<JudgeItem> scored : evaluated) {
      boolean allMatch = true;
      for (int i = 0; i < scored.size(); i++) {
        for (int j = i + 1; j < scored.size(); j++) {
          JudgeItem a = scored.get(i);
          JudgeItem b = scored.get(j);
          // > 0 when the humans prefer a (lower rank), < 0 when they prefer b.
          int human = Integer.compare(b.humanRank(), a.humanRank());
          int model = Correlation.compare(a.score(), b.score());
          if (human != model) {
            allMatch = false;
          }
          if (human != 0) {
            pairs++;
            if (model == 0) {
              tiedPairs++;
              credit += tieCredit;
            } else if (model == human) {
              credit += 1;
            }
          }
        }
      }
      if (allMatch) {
        exact++;
      }
    }
    long fiveBest = evaluated.stream().filter(this::humanBestReachTop).count();
    return new Orderings(pairs, tiedPairs, credit, exact, fiveBest);
  }

  /** Spearman and Kendall between human goodness and model score, per evaluated group. */
  private static Correlations correlations(List<List<JudgeItem>> evaluated) {
    double spearmanSum = 0;
    double kendallSum = 0;
    long correlated = 0;
    for (List<JudgeItem> scored : evaluated) {
      double[] goodness = new double[scored.size()];
      double[] score = new double[scored.size()];
      for (int i = 0; i < scored.size(); i++) {
        goodness[i] = -scored.get(i).humanRank();
        score[i] = scored.get(i).score();
      }
      if (Correlation.isConstant(goodness)) {
        continue;
      }
      correlated++;
      if (!Correlation.isConstant(score)) {
        spearmanSum += Correlation.spearman(goodness, score);
        kendallSum += Correlation.kendallTauB(goodness, score);
      }
    }
    return new Correlations(spearmanSum, kendallSum, correlated, evaluated.size() - correlated);
  }

  private boolean humanBestReachTop(List<JudgeItem> scored) {
    int best = Integer.MAX_VALUE;
    for (JudgeItem it : scored) {
      best = Math.min(best, it.humanRank());
    }
    for (JudgeItem it : scored) {
      if (it.humanRank() == best && Correlation.compare(it.score(), topScore) < 0) {
        return false;
      }
    }
    return true;
  }
}

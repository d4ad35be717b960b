package io.srlm.eval;

import io.srlm.tables.EvaluationRow;
import java.util.ArrayList;
import java.util.List;

/**
 * The judge metrics of one model on one evaluation set; see {@link JudgeMetrics} for the definitions and what
 * each {@code n} counts.
 *
 * @param pairwiseAccuracy credit / pairs, over pairs with different human ranks
 * @param fiveBest fraction of evaluated groups whose human-best items reach the top score
 * @param exactMatch fraction of evaluated groups ordered exactly like the humans
 * @param spearman mean per-group Spearman rho, over groups with a correlation
 * @param kendallTau mean per-group Kendall tau-b, over groups with a correlation
 * @param parseFailureRate unscored items / items
 * @param groups all groups given
 * @param groupsSkipped groups with fewer than 2 scored items
 * @param items all items given
 * @param unscoredItems items with a null score
 * @param pairs item pairs with different human ranks (pairwise accuracy's denominator)
 * @param tiedPairs of those, pairs the model scored equally
 * @param correlationGroupsSkipped evaluated groups where all items share one human rank
 */
public record JudgeMetricsResult(Metric pairwiseAccuracy, Metric fiveBest, Metric exactMatch, Metric spearman,
    Metric kendallTau, Metric parseFailureRate, long groups, long groupsSkipped, long items, long unscoredItems,
    long pairs, long tiedPairs, long correlationGroupsSkipped) {

  /** The evaluations.evaluation value of these rows. */
  public static final String EVALUATION = "judge";
  public static final String PAIRWISE_ACCURACY = "pairwise_accuracy";
  public static final String FIVE_BEST = "five_best";
  public static final String EXACT_MATCH = "exact_match";
  public static final String SPEARMAN = "spearman";
  public static final String KENDALL_TAU = "kendall_tau";
  public static final String PARSE_FAILURE_RATE = "parse_failure_rate";

  /** The metric names in report order. */
  public static final List<String> METRICS = List.of(PAIRWISE_ACCURACY, SPEARMAN, KENDALL_TAU, FIVE_BEST,
      EXACT_MATCH, PARSE_FAILURE_RATE);

  /**
   * Written by the judge evaluation beside these metrics: the within-question AUC of the judge's scores of the right
   * answer over wrong answers of the same form (held-out built-in EFT groups; see
   * {@code BuiltinTasks.checkingKind}): what pairwise accuracy says about checking answers, without the pairs a
   * judge can rank by form alone (empty, chatter, repeated, unrelated).
   */
  public static final String CHECKING_AUC = "checking_auc";

  /**
   * Written by the judge evaluation of a self-reference template: the AUC of the response equal to the shown
   * reference over the one that differs, same question and reference, the reference being the right answer or a
   * same-form wrong one (see {@code io.srlm.steps.ReferenceAgreement}): 0.5 when the judge ignores its reference.
   */
  public static final String REFERENCE_AGREEMENT_AUC = "reference_agreement_auc";

  /**
   * One evaluations row per defined metric (undefined ones, with n = 0, are left out). The proportions
   * (pairwise accuracy, five-best, exact match, parse-failure rate) carry a 95% Wilson interval with
   * {@code value * n} successes; the correlations carry none.
   */
  public List<EvaluationRow> toRows(String runId, int iteration, String model) {
    List<EvaluationRow> rows = new ArrayList<>();
    add(rows, runId, iteration, model, PAIRWISE_ACCURACY, pairwiseAccuracy, true);
    add(rows, runId, iteration, model, SPEARMAN, spearman, false);
    add(rows, runId, iteration, model, KENDALL_TAU, kendallTau, false);
    add(rows, runId, iteration, model, FIVE_BEST, fiveBest, true);
    add(rows, runId, iteration, model, EXACT_MATCH, exactMatch, true);
    add(rows, runId, iteration, model, PARSE_FAILURE_RATE, parseFailureRate, true);
    return rows;
  }

  private static void add(List<EvaluationRow> rows, String runId, int iteration, String model, String name,
      Metric m, boolean proportion) {
    if (!m.isDefined()) {
      return;
    }
    Double lo = null;
    Double hi = null;
    if (proportion) {
      Interval ci = Stats.wilson95(Math.min(m.n(), m.value() * m.n()), m.n());
      lo = ci.low();
      hi = ci.high();
    }
    rows.add(new EvaluationRow(runId, iteration, model, EVALUATION, name, m.value(), m.n(), lo, hi));
  }
}

package io.srlm.report;

import io.srlm.eval.JudgeMetricsResult;
import io.srlm.tables.EvaluationRow;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Charts of the evaluations table: judge quality, head-to-head win rates, task accuracy. */
final class EvaluationCharts {
  static final String JUDGE = JudgeMetricsResult.EVALUATION;
  static final String HEAD_TO_HEAD = "head_to_head";
  static final String TASK_ACCURACY = "task_accuracy";
  static final List<String> TASK_METRICS = List.of("greedy_accuracy", "sampled_accuracy");
  static final List<String> HEAD_TO_HEAD_METRICS = List.of("win_rate", "tie_rate", "wins", "ties", "losses",
      "truth_win_rate", "truth_tie_rate");
  /** The counts stacked in the head-to-head chart's right half. */
  static final List<String> HEAD_TO_HEAD_COUNTS = List.of("wins", "ties", "losses");
  /**
   * Besides the human-ranking metrics: the judge's AUC of right over same-form wrong held-out answers, and its
   * within-prompt AUC on the model's own answers, and (self-reference templates only) whether it follows its reference.
   */
  static final List<String> AUCS = List.of(JudgeMetricsResult.CHECKING_AUC, "own_answer_auc",
      JudgeMetricsResult.REFERENCE_AGREEMENT_AUC);

  private EvaluationCharts() {}

  /** Rows of one evaluation kind. */
  static List<EvaluationRow> rows(ReportData data, String evaluation) {
    return data.evaluations().stream().filter(r -> evaluation.equals(r.evaluation())).toList();
  }

  /** The judge's metrics (pairwise accuracy, correlations, five-best, exact match, parse failures) per model. */
  static Optional<ChartImage> judgeMetrics(ReportData data) {
    List<EvaluationRow> rows = rows(data, JUDGE).stream()
        .filter(r -> JudgeMetricsResult.METRICS.contains(r.metric()) || AUCS.contains(r.metric())).toList();
    if (rows.isEmpty()) {
      return Optional.empty();
    }
    CategoryChart c = ChartStyle.category(ChartStyle.WIDTH, "Judge quality against human rankings",
        "model (iteration)", "value");
    List<String> order = new ArrayList<>(JudgeMetricsResult.METRICS);
    order.addAll(AUCS);
    addByMetric(c, rows, order, CategorySeries.CategorySeriesRenderStyle.Line);
    c.getStyler().setOverlapped(true);
    return Optional.of(new ChartImage("judge_metrics.png", "Judge metrics",
        "Each model judging held-out responses whose human ranking is known. Pairwise accuracy counts a judge tie "
            + "as half right; Spearman and Kendall tau-b are per question, averaged; five-best and exact match are "
            + "fractions of questions; parse-failure rate is the fraction of judgements with no score. Checking AUC: the "
            + "probability that the right answer outscores a wrong one of the same form (as many words, not empty, "
            + "unrelated or repeated) to the same held-out question, which only checking the answer can tell apart. "
            + "Own-answer AUC: "
            + "the model's own sampled answers to held-out checkable prompts, judged by it; the probability that a "
            + "right answer outscores a wrong one of the same prompt (0.5 = chance). Reference-agreement AUC (only with a "
            + "self-reference judge template): the probability that the response equal to the reference shown "
            + "outscores one that differs, the reference being the right answer or a same-form wrong one (0.5 = the "
            + "judge ignores its reference).",
        Png.render("judge_metrics", c)));
  }

  /** Win rate with its 95% interval (left) and the wins / ties / losses behind it (right). */
  static Optional<ChartImage> headToHead(ReportData data) {
    List<EvaluationRow> rows = rows(data, HEAD_TO_HEAD);
    List<EvaluationRow> rates = rows.stream().filter(r -> "win_rate".equals(r.metric())).toList();
    if (rates.isEmpty()) {
      return Optional.empty();
    }
    List<EvalKey> keys = EvalKey.keys(rates);
    List<String> cats = keys.stream().map(EvalKey::label).toList();
    Map<EvalKey, EvaluationRow> byKey = byKey(rates);
    List<Double> rate = new ArrayList<>();
    List<Double> lo = new ArrayList<>();
    List<Double> hi = new ArrayList<>();
    List<Double> half = new ArrayList<>();
    for (EvalKey k : keys) {
      EvaluationRow r = byKey.get(k);
      rate.add(r.value());
      lo.add(r.ciLow());
      hi.add(r.ciHigh());
      half.add(0.5);
    }
    CategoryChart left = ChartStyle.category(ChartStyle.HALF_WIDTH, "Head-to-head win rate (ties = 1/2)",
        "model (iteration)", "win rate");
    left.addSeries("win rate", cats, rate);
    if (lo.stream().anyMatch(v -> v != null)) {
      left.addSeries("95% CI low", cats, lo).setChartCategorySeriesRenderStyle(
          CategorySeries.CategorySeriesRenderStyle.Scatter).setMarker(SeriesMarkers.TRIANGLE_UP);
      left.addSeries("95% CI high", cats, hi).setChartCategorySeriesRenderStyle(
          CategorySeries.CategorySeriesRenderStyle.Scatter).setMarker(SeriesMarkers.TRIANGLE_DOWN);
    }
    left.addSeries("parity", cats, half).setChartCategorySeriesRenderStyle(
        CategorySeries.CategorySeriesRenderStyle.Line).setMarker(SeriesMarkers.NONE);
    left.getStyler().setOverlapped(true); // CI markers and parity line over the bar, not beside it
    left.getStyler().setYAxisMin(0.0);
    left.getStyler().setYAxisMax(1.0);
    List<CategoryChart> charts = new ArrayList<>(List.of(left));
    List<EvaluationRow> counts = headToHeadCounts(rows);
    if (!counts.isEmpty()) {
      CategoryChart right = ChartStyle.category(ChartStyle.HALF_WIDTH, "Wins, ties and losses",
          "model (iteration)", "prompts");
      right.getStyler().setStacked(true);
      addByMetric(right, counts, HEAD_TO_HEAD_COUNTS, CategorySeries.CategorySeriesRenderStyle.Bar);
      charts.add(right);
    }
    return Optional.of(new ChartImage("head_to_head.png", "Head-to-head win rates",
        "Win rate = (wins + ties/2) / n against the opponent named in the table, with a 95% Wilson interval "
            + "(triangles); the line marks parity. In the table, truth_win_rate and truth_tie_rate are the same "
            + "head-to-head decided by the built-in grader (more right answers wins), on the checkable prompts.",
        Png.renderRow("head_to_head", charts)));
  }

  /** The head-to-head rows stacked as wins, ties and losses (not the rates beside them). */
  static List<EvaluationRow> headToHeadCounts(List<EvaluationRow> rows) {
    return rows.stream().filter(r -> HEAD_TO_HEAD_COUNTS.contains(r.metric())).toList();
  }

  /** Greedy and sampled task accuracy per model. */
  static Optional<ChartImage> taskAccuracy(ReportData data) {
    List<EvaluationRow> rows = rows(data, TASK_ACCURACY).stream()
        .filter(r -> TASK_METRICS.contains(r.metric())).toList();
    if (rows.isEmpty()) {
      return Optional.empty();
    }
    CategoryChart c = ChartStyle.category(ChartStyle.WIDTH, "Task accuracy", "model (iteration)", "accuracy");
    addByMetric(c, rows, TASK_METRICS, CategorySeries.CategorySeriesRenderStyle.Bar);
    c.getStyler().setYAxisMin(0.0);
    c.getStyler().setYAxisMax(1.0);
    return Optional.of(new ChartImage("task_accuracy.png", "Task accuracy",
        "Accuracy on held-out tasks with checkable answers, greedy and sampled decoding; intervals are in the "
            + "table.",
        Png.render("task_accuracy", c)));
  }

  /** One series per metric present (in {@code order}), over the union of (iteration, model) categories. */
  private static void addByMetric(CategoryChart c, List<EvaluationRow> rows, List<String> order,
      CategorySeries.CategorySeriesRenderStyle style) {
    List<EvalKey> keys = EvalKey.keys(rows);
    List<String> cats = keys.stream().map(EvalKey::label).toList();
    for (String metric : order) {
      Map<EvalKey, EvaluationRow> byKey = byKey(rows.stream().filter(r -> metric.equals(r.metric())).toList());
      if (byKey.isEmpty()) {
        continue;
      }
      List<Double> values = new ArrayList<>();
      for (EvalKey k : keys) {
        EvaluationRow r = byKey.get(k);
        values.add(r == null || Double.isNaN(r.value()) ? null : r.value());
      }
      c.addSeries(metric, cats, values).setChartCategorySeriesRenderStyle(style);
    }
  }

  /** The last row per key (a rerun's rows replace the earlier ones in Delta, so there is normally one). */
  private static Map<EvalKey, EvaluationRow> byKey(List<EvaluationRow> rows) {
    Map<EvalKey, EvaluationRow> out = new HashMap<>();
    for (EvaluationRow r : rows) {
      out.put(EvalKey.of(r), r);
    }
    return out;
  }
}

package io.srlm.report;

import io.srlm.eval.Histogram;
import io.srlm.eval.Stats;
import io.srlm.tables.PairRow;
import io.srlm.tables.ResponseRow;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategorySeries;

/** Charts of per-iteration distributions: judge scores, pair margins, response lengths. */
final class DistributionCharts {
  /** Histogram bin width on the score scale. */
  static final double BIN_WIDTH = 0.5;

  private DistributionCharts() {}

  /**
   * Histogram of per-response mean judge scores, one series per iteration, as a percentage of that iteration's
   * scored responses (so iterations of different sizes compare). Bins of 0.5 over [0, max(5, max score)].
   */
  static Optional<ChartImage> scoreDistribution(ReportData data) {
    Map<Integer, List<Double>> byIt = new TreeMap<>();
    for (int it : data.loopIterations()) {
      List<Double> scores = IterationSummary.responseMeans(data.judgements(), it).values().stream()
          .filter(Objects::nonNull).toList();
      if (!scores.isEmpty()) {
        byIt.put(it, scores);
      }
    }
    if (byIt.isEmpty()) {
      return Optional.empty();
    }
    double max = upper(byIt.values(), 5);
    CategoryChart c = ChartStyle.category(ChartStyle.WIDTH, "Judge score distribution per iteration",
        "mean judge score of a response", "% of scored responses");
    addHistograms(c, byIt, 0, max, "iteration ");
    return Optional.of(new ChartImage("score_distribution.png", "Judge score distribution",
        "Per-response mean of the parsed judge scores (JudgementRow.meanScore), binned in steps of 0.5; each "
            + "iteration's bars sum to 100% of its scored responses. Responses with no parsed judgement are left "
            + "out (see the parse rate in the iteration table).",
        Png.render("score_distribution", c)));
  }

  /** Pairs per iteration (left) and the histogram of pair margins per iteration (right). */
  static Optional<ChartImage> pairsMargin(ReportData data) {
    Map<Integer, List<Double>> byIt = new TreeMap<>();
    for (PairRow p : data.pairs()) {
      byIt.computeIfAbsent(p.iteration(), k -> new ArrayList<>()).add(p.margin());
    }
    if (byIt.isEmpty()) {
      return Optional.empty();
    }
    CategoryChart counts = ChartStyle.category(ChartStyle.HALF_WIDTH, "Preference pairs per iteration",
        "iteration", "pairs");
    List<String> its = new ArrayList<>();
    List<Number> n = new ArrayList<>();
    byIt.forEach((it, m) -> {
      its.add(String.valueOf(it));
      n.add(m.size());
    });
    counts.addSeries("pairs", its, n);
    counts.getStyler().setLegendVisible(false);
    counts.getStyler().setLabelsVisible(true);
    counts.getStyler().setYAxisMin(0.0);
    double lo = Math.min(0, Math.floor(byIt.values().stream().flatMap(List::stream).mapToDouble(d -> d).min()
        .orElse(0)));
    double hi = upper(byIt.values(), 5);
    CategoryChart margins = ChartStyle.category(ChartStyle.HALF_WIDTH, "Pair margin (chosen - rejected score)",
        "margin", "% of pairs");
    addHistograms(margins, byIt, lo, hi, "iteration ");
    return Optional.of(new ChartImage("pairs_margin.png", "Preference pairs and margins",
        "Left: pairs built per iteration. Right: the margin between the chosen and rejected mean scores "
            + "(PairRow.margin), binned in steps of 0.5, as a percentage of the iteration's pairs.",
        Png.renderRow("pairs_margin", List.of(counts, margins))));
  }

  /**
   * Mean and median completion length (tokens) per iteration, one pair of lines per response source (self,
   * greedy...; human completions do not drift and are left out).
   */
  static Optional<ChartImage> lengthDrift(ReportData data) {
    Map<String, Map<Integer, List<Integer>>> bySource = lengths(data);
    if (bySource.isEmpty()) {
      return Optional.empty();
    }
    List<Integer> its = bySource.values().stream().flatMap(m -> m.keySet().stream()).distinct().sorted().toList();
    List<String> cats = its.stream().map(String::valueOf).toList();
    CategoryChart c = ChartStyle.category(ChartStyle.WIDTH, "Response length drift", "iteration",
        "completion tokens");
    bySource.forEach((source, m) -> {
      List<Double> mean = new ArrayList<>();
      List<Double> median = new ArrayList<>();
      for (int it : its) {
        List<Integer> v = m.get(it);
        mean.add(v == null ? null : Stats.mean(v));
        median.add(v == null ? null : Stats.median(v));
      }
      c.addSeries("mean (" + source + ")", cats, mean)
          .setChartCategorySeriesRenderStyle(CategorySeries.CategorySeriesRenderStyle.Line);
      c.addSeries("median (" + source + ")", cats, median)
          .setChartCategorySeriesRenderStyle(CategorySeries.CategorySeriesRenderStyle.Line);
    });
    c.getStyler().setYAxisMin(0.0);
    c.getStyler().setOverlapped(true);
    return Optional.of(new ChartImage("length_drift.png", "Response length drift",
        "Mean and median ResponseRow.completionTokens per iteration and response source. DPO on self-judged "
            + "pairs tends to lengthen answers; a steady climb here with flat win rates is a warning sign.",
        Png.render("length_drift", c)));
  }

  /** Completion lengths per source (not human) and iteration, both sorted. */
  static Map<String, Map<Integer, List<Integer>>> lengths(ReportData data) {
    Map<String, Map<Integer, List<Integer>>> out = new TreeMap<>();
    for (ResponseRow r : data.responses()) {
      if ("human".equals(r.source())) {
        continue;
      }
      out.computeIfAbsent(r.source(), k -> new TreeMap<>()).computeIfAbsent(r.iteration(), k -> new ArrayList<>())
          .add(r.completionTokens());
    }
    return out;
  }

  private static void addHistograms(CategoryChart c, Map<Integer, List<Double>> byIt, double lo, double hi,
      String prefix) {
    int bins = (int) Math.round((hi - lo) / BIN_WIDTH);
    List<String> labels = new ArrayList<>();
    for (int i = 0; i < bins; i++) {
      labels.add(fmt(lo + i * BIN_WIDTH) + "-" + fmt(lo + (i + 1) * BIN_WIDTH));
    }
    byIt.forEach((it, values) -> {
      Histogram h = Stats.histogram(values, lo, hi, bins);
      List<Double> pct = new ArrayList<>();
      for (long count : h.counts()) {
        pct.add(100.0 * count / values.size());
      }
      c.addSeries(prefix + it + " (n=" + values.size() + ")", labels, pct);
    });
    c.getStyler().setXAxisLabelRotation(45);
    c.getStyler().setYAxisMin(0.0);
  }

  /** max(floor, ceil(largest value)), so the histogram covers every value. */
  private static double upper(Iterable<List<Double>> groups, double floor) {
    double max = floor;
    for (List<Double> g : groups) {
      for (double v : g) {
        max = Math.max(max, Math.ceil(v));
      }
    }
    return max;
  }

  private static String fmt(double v) {
    return v == Math.rint(v) ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.1f", v);
  }
}

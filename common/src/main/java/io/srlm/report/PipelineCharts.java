package io.srlm.report;

import io.srlm.tables.JudgementRow;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import org.knowm.xchart.CategoryChart;

/** Charts of what each iteration produced: row counts and judge parse outcomes. */
final class PipelineCharts {
  private PipelineCharts() {}

  /** Prompts accepted and rejected, responses, judgements and pairs per iteration. */
  static Optional<ChartImage> counts(List<IterationSummary> summaries) {
    if (summaries.isEmpty()) {
      return Optional.empty();
    }
    List<String> cats = summaries.stream().map(s -> String.valueOf(s.iteration())).toList();
    CategoryChart c = ChartStyle.category(ChartStyle.WIDTH, "Rows per iteration", "iteration", "rows");
    c.addSeries("prompts accepted", cats, summaries.stream().map(s -> (Number) s.promptsAccepted()).toList());
    c.addSeries("prompts rejected", cats, summaries.stream().map(s -> (Number) s.promptsRejected()).toList());
    c.addSeries("responses", cats, summaries.stream().map(s -> (Number) s.responses()).toList());
    c.addSeries("judgements", cats, summaries.stream().map(s -> (Number) s.judgements()).toList());
    c.addSeries("pairs", cats, summaries.stream().map(s -> (Number) s.pairs()).toList());
    c.getStyler().setYAxisMin(0.0);
    return Optional.of(new ChartImage("counts.png", "Rows per iteration",
        "How many prompts, responses, judgements and preference pairs each iteration produced.",
        Png.render("counts", c)));
  }

  /** Judgements per parse status, as a stacked percentage of each iteration's judgements. */
  static Optional<ChartImage> parseStatus(ReportData data) {
    Map<Integer, Map<String, Long>> byIt = new TreeMap<>();
    TreeSet<String> statuses = new TreeSet<>();
    for (JudgementRow j : data.judgements()) {
      byIt.computeIfAbsent(j.iteration(), k -> new TreeMap<>()).merge(j.parseStatus(), 1L, Long::sum);
      statuses.add(j.parseStatus());
    }
    if (byIt.isEmpty()) {
      return Optional.empty();
    }
    List<String> cats = byIt.keySet().stream().map(String::valueOf).toList();
    CategoryChart c = ChartStyle.category(ChartStyle.WIDTH, "Judge output parse status", "iteration",
        "% of judgements");
    c.getStyler().setStacked(true);
    List<String> order = new ArrayList<>();
    if (statuses.remove("ok")) {
      order.add("ok");
    }
    order.addAll(statuses);
    for (String status : order) {
      List<Number> pct = new ArrayList<>();
      for (Map<String, Long> m : byIt.values()) {
        long total = m.values().stream().mapToLong(Long::longValue).sum();
        pct.add(100.0 * m.getOrDefault(status, 0L) / total);
      }
      c.addSeries(status, cats, pct);
    }
    c.getStyler().setYAxisMin(0.0);
    c.getStyler().setYAxisMax(100.0);
    return Optional.of(new ChartImage("judge_parse_status.png", "Judge parse status",
        "Share of judgements per parse_status; anything but ok has no score and is never coerced into one.",
        Png.render("judge_parse_status", c)));
  }
}

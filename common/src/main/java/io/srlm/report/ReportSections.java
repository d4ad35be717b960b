package io.srlm.report;

import io.srlm.eval.JudgeMetricsResult;
import io.srlm.eval.Stats;
import io.srlm.tables.EvaluationRow;
import io.srlm.tables.MetricRow;
import io.srlm.tables.ModelRow;
import io.srlm.tables.PairRow;
import io.srlm.tables.RunStep;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The report's sections. Each one renders its chart(s) and table(s), or says "No data yet." when its rows are
 * missing. All data text is escaped, by {@link HtmlTable} or {@link Html#escape}.
 */
final class ReportSections {
  /** Example pairs shown per iteration. */
  static final int EXAMPLES_PER_ITERATION = 3;
  /** Characters of a prompt or response shown in an example pair. */
  static final int EXAMPLE_CHARS = 2000;
  /** Evaluation metrics that are counts, shown without decimals. */
  static final Set<String> COUNT_METRICS = Set.of("wins", "ties", "losses", "correct", "n");

  private final ReportData data;
  private final Map<String, ChartImage> charts;
  private final List<IterationSummary> summaries;

  ReportSections(ReportData data, Map<String, ChartImage> charts, List<IterationSummary> summaries) {
    this.data = data;
    this.charts = charts;
    this.summaries = summaries;
  }

  List<ReportPage.Section> all() {
    List<ReportPage.Section> out = new ArrayList<>();
    out.add(new ReportPage.Section("iterations", "Iterations", iterations()));
    out.add(new ReportPage.Section("models", "Models", models()));
    out.add(new ReportPage.Section("head-to-head", "Head-to-head win rates",
        evaluation(EvaluationCharts.HEAD_TO_HEAD, "head_to_head.png", EvaluationCharts.HEAD_TO_HEAD_METRICS)));
    out.add(new ReportPage.Section("task-accuracy", "Task accuracy",
        evaluation(EvaluationCharts.TASK_ACCURACY, "task_accuracy.png", EvaluationCharts.TASK_METRICS)));
    out.add(new ReportPage.Section("length-drift", "Response length drift", lengths()));
    out.add(new ReportPage.Section("judge-metrics", "Judge quality", evaluation(EvaluationCharts.JUDGE,
        "judge_metrics.png", JudgeMetricsResult.METRICS)));
    out.add(new ReportPage.Section("score-distribution", "Judge scores", chartsOrEmpty("score_distribution.png",
        "judge_parse_status.png")));
    out.add(new ReportPage.Section("pairs", "Preference pairs", chartsOrEmpty("pairs_margin.png")));
    out.add(new ReportPage.Section("example-pairs", "Example pairs", examples()));
    out.add(new ReportPage.Section("training", "Training curves", training()));
    List<EvaluationRow> other = data.evaluations().stream().filter(r -> !Set.of(EvaluationCharts.JUDGE,
        EvaluationCharts.HEAD_TO_HEAD, EvaluationCharts.TASK_ACCURACY).contains(r.evaluation())).toList();
    if (!other.isEmpty()) {
      out.add(new ReportPage.Section("other-evaluations", "Other evaluations", evaluationTable(other)));
    }
    out.add(new ReportPage.Section("steps", "Steps", steps()));
    return out;
  }

  private String iterations() {
    if (summaries.isEmpty()) {
      return ReportPage.empty();
    }
    HtmlTable t = new HtmlTable("iteration", "prompts accepted", "prompts rejected", "rejected by reason",
        "responses", "truncated (length)", "judgements", "parsed", "parse rate", "responses scored",
        "mean score", "pairs", "mean margin");
    for (IterationSummary s : summaries) {
      String reasons = s.rejectedByReason().entrySet().stream().map(e -> e.getKey() + ": " + e.getValue())
          .collect(Collectors.joining(", "));
      t.row(s.iteration(), s.promptsAccepted(), s.promptsRejected(), reasons, s.responses(),
          s.responsesTruncated(), s.judgements(), s.judgementsParsed(), Html.pct(s.parseRate()),
          s.responsesScored() + " / " + s.responsesJudged(), Html.num(s.meanScore()), s.pairs(),
          Html.num(s.meanMargin()));
    }
    return chart("counts.png") + t.render();
  }

  private String models() {
    if (data.models().isEmpty()) {
      return ReportPage.empty();
    }
    HtmlTable t = new HtmlTable("name", "iteration", "stage", "path", "parent", "reference", "trained on",
        "summary");
    data.models().stream().sorted(Comparator.comparingInt(ModelRow::iteration).thenComparing(ModelRow::name))
        .forEach(m -> t.row(m.name(), m.iteration(), m.stage(), m.path(), m.parentModel(), m.referenceModel(),
            joinSorted(m.trainedOn(), "@v"), joinSorted(m.summary(), "=")));
    return t.render();
  }

  private String evaluation(String evaluation, String chartFile, List<String> order) {
    List<EvaluationRow> rows = EvaluationCharts.rows(data, evaluation);
    if (rows.isEmpty()) {
      return ReportPage.empty();
    }
    return chart(chartFile) + pivot(rows, order) + "<details><summary>All rows</summary>\n"
        + evaluationTable(rows) + "</details>\n";
  }

  /**
   * One row per (iteration, model), one column per metric ({@code order} first, then any others by name); a cell
   * reads "value [ci low, ci high] n=N".
   */
  private static String pivot(List<EvaluationRow> rows, List<String> order) {
    List<String> metrics = new ArrayList<>(order.stream().filter(m -> rows.stream()
        .anyMatch(r -> r.metric().equals(m))).toList());
    rows.stream().map(EvaluationRow::metric).filter(m -> !metrics.contains(m)).distinct().sorted()
        .forEach(metrics::add);
    List<String> header = new ArrayList<>(List.of("iteration", "model"));
    header.addAll(metrics);
    HtmlTable t = new HtmlTable(header.toArray(new String[0]));
    Map<EvalKey, Map<String, EvaluationRow>> cells = new TreeMap<>();
    rows.forEach(r -> cells.computeIfAbsent(EvalKey.of(r), k -> new TreeMap<>()).put(r.metric(), r));
    cells.forEach((k, byMetric) -> {
      List<Object> row = new ArrayList<>(List.of(k.iteration(), k.model()));
      for (String m : metrics) {
        EvaluationRow r = byMetric.get(m);
        row.add(r == null ? "" : value(r) + (r.ciLow() == null || r.ciHigh() == null ? ""
            : " [" + Html.num(r.ciLow()) + ", " + Html.num(r.ciHigh()) + "]") + " n=" + r.n());
      }
      t.row(row.toArray());
    });
    return t.render();
  }

  private static String evaluationTable(List<EvaluationRow> rows) {
    HtmlTable t = new HtmlTable("iteration", "model", "evaluation", "metric", "value", "n", "95% CI");
    rows.stream().sorted(Comparator.comparing(EvaluationRow::evaluation).thenComparingInt(EvaluationRow::iteration)
            .thenComparing(EvaluationRow::model).thenComparing(EvaluationRow::metric))
        .forEach(r -> t.row(r.iteration(), r.model(), r.evaluation(), r.metric(), value(r), r.n(),
            r.ciLow() == null || r.ciHigh() == null ? ""
                : "[" + Html.num(r.ciLow()) + ", " + Html.num(r.ciHigh()) + "]"));
    return t.render();
  }

  /** Counts (wins, ties, losses, ...) as integers, everything else with 3 decimals. */
  private static String value(EvaluationRow r) {
    if (COUNT_METRICS.contains(r.metric()) && r.value() == Math.rint(r.value())) {
      return String.valueOf((long) r.value());
    }
    return Html.num(r.value());
  }

  private String lengths() {
    Map<String, Map<Integer, List<Integer>>> bySource = DistributionCharts.lengths(data);
    if (bySource.isEmpty()) {
      return ReportPage.empty();
    }
    HtmlTable t = new HtmlTable("iteration", "source", "responses", "mean tokens", "median tokens",
        "p90 tokens");
    bySource.forEach((source, m) -> m.forEach((it, v) -> t.row(it, source, v.size(), Html.num(Stats.mean(v)),
        Html.num(Stats.median(v)), Html.num(Stats.quantile(v, 0.9)))));
    return chart("length_drift.png") + t.render();
  }

  private String examples() {
    if (data.pairs().isEmpty()) {
      return ReportPage.empty();
    }
    StringBuilder sb = new StringBuilder(ReportPage.note("Up to " + EXAMPLES_PER_ITERATION
        + " pairs per iteration with the largest margin; texts are cut after " + EXAMPLE_CHARS + " characters."));
    Map<Integer, List<PairRow>> byIt = new TreeMap<>(data.pairs().stream()
        .collect(Collectors.groupingBy(PairRow::iteration)));
    byIt.forEach((it, pairs) -> {
      sb.append("<h3>Iteration ").append(it).append("</h3>\n");
      pairs.stream().sorted(Comparator.comparingDouble(PairRow::margin).reversed()
              .thenComparing(PairRow::pairId)).limit(EXAMPLES_PER_ITERATION)
          .forEach(p -> sb.append(pair(p)));
    });
    return sb.toString();
  }

  private static String pair(PairRow p) {
    return "<div class=\"pair\">\n<p><b>Prompt</b> <small>(pair " + Html.escape(p.pairId()) + ", source "
        + Html.escape(p.source()) + ", margin " + Html.num(p.margin()) + ")</small></p>\n<pre>"
        + Html.escape(Html.truncate(p.prompt(), EXAMPLE_CHARS)) + "</pre>\n"
        + "<div class=\"chosen\"><p><b>Chosen</b> (score " + Html.num(p.chosenScore()) + ")</p><pre>"
        + Html.escape(Html.truncate(p.chosen(), EXAMPLE_CHARS)) + "</pre></div>\n"
        + "<div class=\"rejected\"><p><b>Rejected</b> (score " + Html.num(p.rejectedScore()) + ")</p><pre>"
        + Html.escape(Html.truncate(p.rejected(), EXAMPLE_CHARS)) + "</pre></div>\n</div>\n";
  }

  private String training() {
    if (data.trainingMetrics().isEmpty()) {
      return ReportPage.empty();
    }
    Map<String, List<MetricRow>> bySeries = new TreeMap<>();
    for (MetricRow r : data.trainingMetrics()) {
      bySeries.computeIfAbsent(r.stage() + "\u0000" + r.iteration() + "\u0000" + r.split() + "\u0000" + r.metric(),
          k -> new ArrayList<>()).add(r);
    }
    HtmlTable t = new HtmlTable("stage", "iteration", "split", "metric", "points", "first", "last", "min", "max");
    bySeries.values().forEach(rows -> {
      List<MetricRow> s = rows.stream().sorted(Comparator.comparingLong(MetricRow::step)).toList();
      MetricRow first = s.get(0);
      t.row(first.stage(), first.iteration(), first.split(), first.metric(), s.size(), Html.num(first.value()),
          Html.num(s.get(s.size() - 1).value()), Html.num(s.stream().mapToDouble(MetricRow::value).min()
              .orElse(Double.NaN)), Html.num(s.stream().mapToDouble(MetricRow::value).max().orElse(Double.NaN)));
    });
    return chart("dpo_curves.png") + t.render();
  }

  private String steps() {
    if (data.steps().isEmpty()) {
      return ReportPage.empty();
    }
    HtmlTable t = new HtmlTable("step", "iteration", "status", "duration (s)", "counts", "message");
    data.steps().stream().sorted(Comparator.comparingLong(RunStep::startedAtMs).thenComparing(RunStep::stepId))
        .forEach(s -> t.row(s.stepId(), s.iteration(), s.status(), s.endedAtMs() == null ? ""
            : Html.num((s.endedAtMs() - s.startedAtMs()) / 1000.0), joinSorted(s.counts(), "="), s.message()));
    return t.render();
  }

  private String chartsOrEmpty(String... files) {
    StringBuilder sb = new StringBuilder();
    for (String f : files) {
      sb.append(chart(f));
    }
    return sb.length() == 0 ? ReportPage.empty() : sb.toString();
  }

  private String chart(String file) {
    return Optional.ofNullable(charts.get(file)).map(ReportPage::figure).orElse("");
  }

  private static String joinSorted(Map<String, ?> map, String sep) {
    if (map == null) {
      return "";
    }
    return new TreeMap<>(map).entrySet().stream().map(e -> e.getKey() + sep + e.getValue())
        .collect(Collectors.joining(", "));
  }
}

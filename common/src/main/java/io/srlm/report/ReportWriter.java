package io.srlm.report;

import io.srlm.errors.Errors;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Writes the iteration report of one run: {@code report.html} (self-contained: CSS inline, charts embedded as
 * base64 PNG data URIs, no scripts, no external resources) and each chart as a PNG file beside it. Charts are
 * drawn with XChart, headless. A chart with no data is not written (and a stale file of that name from an
 * earlier report is removed); its section says "No data yet." instead.
 *
 * <p>Charts: {@code counts.png}, {@code score_distribution.png}, {@code judge_parse_status.png},
 * {@code pairs_margin.png}, {@code judge_metrics.png}, {@code head_to_head.png}, {@code task_accuracy.png},
 * {@code length_drift.png}, {@code dpo_curves.png}.
 */
public final class ReportWriter {
  public static final String HTML_FILE = "report.html";
  /** Every chart file the report can contain, in report order. */
  public static final List<String> CHART_FILES = List.of("counts.png", "head_to_head.png", "task_accuracy.png",
      "length_drift.png", "judge_metrics.png", "score_distribution.png", "judge_parse_status.png",
      "pairs_margin.png", "dpo_curves.png");

  private ReportWriter() {}

  /** Renders the report of {@code data} into {@code outDir} (created if missing). */
  public static WrittenReport write(ReportData data, Path outDir) {
    Png.ensureHeadless();
    List<IterationSummary> summaries = IterationSummary.of(data);
    List<Supplier<Optional<ChartImage>>> builders = List.of(
        () -> PipelineCharts.counts(summaries),
        () -> EvaluationCharts.headToHead(data),
        () -> EvaluationCharts.taskAccuracy(data),
        () -> DistributionCharts.lengthDrift(data),
        () -> EvaluationCharts.judgeMetrics(data),
        () -> DistributionCharts.scoreDistribution(data),
        () -> PipelineCharts.parseStatus(data),
        () -> DistributionCharts.pairsMargin(data),
        () -> TrainingCharts.trainingCurves(data));
    Map<String, ChartImage> charts = new LinkedHashMap<>();
    for (Supplier<Optional<ChartImage>> b : builders) {
      b.get().ifPresent(c -> charts.put(c.fileName(), c));
    }
    String subtitle = data.iterations().isEmpty() ? "No iterations yet."
        : "Iterations " + data.iterations().first() + " to " + data.iterations().last() + "; " + data.models().size()
            + " model(s); " + charts.size() + " chart(s).";
    String html = ReportPage.document(data.runId(), subtitle, new ReportSections(data, charts, summaries).all());

    try {
      Files.createDirectories(outDir);
    } catch (IOException e) {
      throw Errors.reportWrite(outDir, e);
    }
    List<Path> written = new ArrayList<>();
    for (String name : CHART_FILES) {
      Path p = outDir.resolve(name);
      ChartImage c = charts.get(name);
      if (c == null) {
        delete(p);
      } else {
        writeAtomically(p, c.png());
        written.add(p);
      }
    }
    Path htmlPath = outDir.resolve(HTML_FILE);
    writeAtomically(htmlPath, html.getBytes(StandardCharsets.UTF_8));
    return new WrittenReport(htmlPath, written);
  }

  private static void writeAtomically(Path target, byte[] bytes) {
    Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
    try {
      Files.write(tmp, bytes);
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw Errors.reportWrite(target, e);
    }
  }

  private static void delete(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      throw Errors.reportWrite(p, e);
    }
  }
}

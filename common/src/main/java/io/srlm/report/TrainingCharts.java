package io.srlm.report;

import io.srlm.tables.MetricRow;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Training curves from the training_metrics table. */
final class TrainingCharts {
  static final String LOSS = "loss";
  static final String REWARD_ACCURACY = "reward_accuracy";

  private TrainingCharts() {}

  /**
   * Loss (top) and DPO reward accuracy (bottom) against the step, one line per (stage, iteration, split); train
   * lines are plain, validation lines have markers.
   */
  static Optional<ChartImage> trainingCurves(ReportData data) {
    List<XYChart> charts = new ArrayList<>();
    curves(data, LOSS, "Training loss", "loss").ifPresent(charts::add);
    curves(data, REWARD_ACCURACY, "DPO reward accuracy", "reward accuracy").ifPresent(charts::add);
    if (charts.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new ChartImage("dpo_curves.png", "SFT and DPO training curves",
        "training_metrics rows: loss for every stage, and for DPO the reward accuracy (the fraction of pairs "
            + "whose implicit reward ranks chosen above rejected), on the train and validation splits.",
        Png.renderColumn("dpo_curves", charts)));
  }

  private static Optional<XYChart> curves(ReportData data, String metric, String title, String yTitle) {
    Map<String, List<MetricRow>> bySeries = new TreeMap<>();
    for (MetricRow r : data.trainingMetrics()) {
      if (metric.equals(r.metric()) && Double.isFinite(r.value())) {
        bySeries.computeIfAbsent(r.stage() + " it" + r.iteration() + " " + r.split(), k -> new ArrayList<>())
            .add(r);
      }
    }
    if (bySeries.isEmpty()) {
      return Optional.empty();
    }
    XYChart c = ChartStyle.xy(ChartStyle.WIDTH, title, "step", yTitle);
    c.getStyler().setXAxisDecimalPattern("#");
    c.getStyler().setXAxisTickMarkSpacingHint(60);
    bySeries.forEach((name, rows) -> {
      List<MetricRow> sorted = rows.stream().sorted(Comparator.comparingLong(MetricRow::step)).toList();
      double[] x = new double[sorted.size()];
      double[] y = new double[sorted.size()];
      for (int i = 0; i < x.length; i++) {
        x[i] = sorted.get(i).step();
        y[i] = sorted.get(i).value();
      }
      XYSeries s = c.addSeries(name, x, y);
      boolean train = "train".equals(sorted.get(0).split());
      s.setMarker(train && x.length > 1 ? SeriesMarkers.NONE : SeriesMarkers.CIRCLE);
    });
    return Optional.of(c);
  }
}

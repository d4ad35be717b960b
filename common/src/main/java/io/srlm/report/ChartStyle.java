package io.srlm.report;

import java.awt.Color;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.AxesChartStyler;
import org.knowm.xchart.style.Styler;

/** One look for every report chart: white background, a colour-blind-safe palette, legend outside the plot. */
final class ChartStyle {
  /** Width and height of a single chart; a pair side by side is twice as wide. */
  static final int WIDTH = 900;
  static final int HEIGHT = 500;
  static final int HALF_WIDTH = 640;

  /** A legend with more entries than this goes to the right of the plot, one entry per line. */
  static final int MAX_LEGEND_BELOW = 5;

  /** Okabe-Ito colours (yellow last: it is faint on white), then grey. */
  private static final Color[] PALETTE = {new Color(0, 114, 178), new Color(230, 159, 0), new Color(0, 158, 115),
      new Color(204, 121, 167), new Color(86, 180, 233), new Color(213, 94, 0), new Color(0, 0, 0),
      new Color(120, 120, 120), new Color(200, 180, 30)};

  private ChartStyle() {}

  static CategoryChart category(int width, String title, String xTitle, String yTitle) {
    CategoryChart c = new CategoryChartBuilder().width(width).height(HEIGHT).title(title).xAxisTitle(xTitle)
        .yAxisTitle(yTitle).build();
    apply(c.getStyler());
    c.getStyler().setAvailableSpaceFill(0.8);
    return c;
  }

  static XYChart xy(int width, String title, String xTitle, String yTitle) {
    XYChart c = new XYChartBuilder().width(width).height(HEIGHT).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle)
        .build();
    apply(c.getStyler());
    return c;
  }

  /**
   * Moves a long legend (more than {@link #MAX_LEGEND_BELOW} entries) to the right of the plot, one entry per
   * line, so it is never cut off at the image edge.
   */
  static void fitLegend(Chart<?, ?> chart) {
    if (chart.getSeriesMap().size() > MAX_LEGEND_BELOW) {
      chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
      chart.getStyler().setLegendLayout(Styler.LegendLayout.Vertical);
    }
  }

  private static void apply(AxesChartStyler s) {
    s.setChartBackgroundColor(Color.WHITE);
    s.setPlotBackgroundColor(Color.WHITE);
    s.setPlotBorderVisible(true);
    s.setPlotBorderColor(new Color(200, 200, 200));
    s.setPlotGridLinesColor(new Color(230, 230, 230));
    s.setLegendPosition(Styler.LegendPosition.OutsideS);
    s.setLegendLayout(Styler.LegendLayout.Horizontal);
    s.setLegendBorderColor(Color.WHITE);
    s.setSeriesColors(PALETTE);
    s.setAntiAlias(true);
    s.setToolTipsEnabled(false);
    s.setChartTitlePadding(8);
    s.setMarkerSize(7);
  }
}

package io.srlm.report;

import io.srlm.errors.Errors;
import java.awt.AWTError;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.internal.chartpart.Chart;

/**
 * Renders XChart charts to PNG bytes, headless. Rendering failures (no fonts, no fontconfig) become a report
 * error that says what to install.
 */
final class Png {
  private Png() {}

  /**
   * Sets {@code java.awt.headless=true} unless the JVM was started with an explicit value. Must run before the
   * first AWT class loads, so the report works on servers and executors with no display.
   */
  static void ensureHeadless() {
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true");
    }
  }

  static byte[] render(String name, Chart<?, ?> chart) {
    ChartStyle.fitLegend(chart);
    try {
      return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
    } catch (IOException | RuntimeException | LinkageError | AWTError | InternalError e) {
      throw Errors.reportChart(name, e);
    }
  }

  /** Charts of one type side by side (one row); each should have the same size. */
  static <T extends Chart<?, ?>> byte[] renderRow(String name, List<T> charts) {
    return renderGrid(name, charts, 1, charts.size());
  }

  /** Charts of one type stacked (one column); each should have the same size. */
  static <T extends Chart<?, ?>> byte[] renderColumn(String name, List<T> charts) {
    return renderGrid(name, charts, charts.size(), 1);
  }

  private static <T extends Chart<?, ?>> byte[] renderGrid(String name, List<T> charts, int rows, int cols) {
    if (charts.size() == 1) {
      return render(name, charts.get(0));
    }
    charts.forEach(ChartStyle::fitLegend);
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      BitmapEncoder.saveBitmap(charts, rows, cols, out, BitmapEncoder.BitmapFormat.PNG);
      return out.toByteArray();
    } catch (IOException | RuntimeException | LinkageError | AWTError | InternalError e) {
      throw Errors.reportChart(name, e);
    }
  }
}

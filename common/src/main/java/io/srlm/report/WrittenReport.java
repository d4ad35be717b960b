package io.srlm.report;

import java.nio.file.Path;
import java.util.List;

/**
 * What {@link ReportWriter#write} wrote.
 *
 * @param html the self-contained report.html
 * @param charts the PNG files, in report order (charts without data are not written)
 */
public record WrittenReport(Path html, List<Path> charts) {
  public WrittenReport {
    charts = List.copyOf(charts);
  }
}

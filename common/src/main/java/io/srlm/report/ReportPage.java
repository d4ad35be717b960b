package io.srlm.report;

import java.util.List;

/**
 * The page skeleton: a self-contained HTML document with inline CSS, embedded images and no scripts or external
 * resources. A Content-Security-Policy forbids everything but inline styles and data: images, so even text that
 * escaped escaping could not run or fetch anything.
 */
final class ReportPage {
  static final String NO_DATA = "No data yet.";

  private static final String CSS = """
      body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; margin: 0 auto;
             max-width: 1320px; padding: 0 24px 48px; color: #1d1d1f; line-height: 1.45; }
      h1 { margin: 24px 0 4px; } h2 { margin-top: 40px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
      nav { margin: 12px 0 8px; font-size: 14px; } nav a { margin-right: 12px; }
      table { border-collapse: collapse; margin: 12px 0; font-size: 13px; }
      th, td { border: 1px solid #ddd; padding: 4px 8px; vertical-align: top; text-align: left; }
      th { background: #f3f4f6; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
      figure { margin: 12px 0; } figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
      figcaption, .note { color: #555; font-size: 13px; max-width: 1000px; }
      .empty { color: #888; font-style: italic; }
      .pair { border: 1px solid #ddd; border-radius: 6px; padding: 8px 12px; margin: 12px 0; }
      .pair pre { white-space: pre-wrap; word-break: break-word; background: #f8f8f8; padding: 8px; margin: 4px 0;
                  font-size: 12px; max-height: 320px; overflow: auto; }
      .chosen { border-left: 4px solid #009e73; } .rejected { border-left: 4px solid #d55e00; }
      """;

  private ReportPage() {}

  /** One section of the page. */
  record Section(String id, String title, String body) {}

  static String document(String runId, String subtitle, List<Section> sections) {
    StringBuilder sb = new StringBuilder(64 * 1024);
    sb.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; ")
        .append("style-src 'unsafe-inline'\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .append("<title>srlm report: ").append(Html.escape(runId)).append("</title>\n")
        .append("<style>\n").append(CSS).append("</style>\n</head>\n<body>\n")
        .append("<h1>Self-rewarding run <code>").append(Html.escape(runId)).append("</code></h1>\n")
        .append("<p class=\"note\">").append(Html.escape(subtitle)).append("</p>\n<nav>");
    for (Section s : sections) {
      sb.append("<a href=\"#").append(s.id()).append("\">").append(Html.escape(s.title())).append("</a>");
    }
    sb.append("</nav>\n");
    for (Section s : sections) {
      sb.append("<section id=\"").append(s.id()).append("\">\n<h2>").append(Html.escape(s.title()))
          .append("</h2>\n").append(s.body()).append("</section>\n");
    }
    return sb.append("</body>\n</html>\n").toString();
  }

  /** An embedded chart with its caption. */
  static String figure(ChartImage chart) {
    return "<figure><img src=\"" + chart.dataUri() + "\" alt=\"" + Html.escape(chart.title()) + "\" data-file=\""
        + Html.escape(chart.fileName()) + "\"><figcaption>" + Html.escape(chart.caption())
        + "</figcaption></figure>\n";
  }

  static String empty() {
    return "<p class=\"empty\">" + NO_DATA + "</p>\n";
  }

  static String note(String text) {
    return "<p class=\"note\">" + Html.escape(text) + "</p>\n";
  }
}

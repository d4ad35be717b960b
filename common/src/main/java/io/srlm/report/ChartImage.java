package io.srlm.report;

import java.util.Base64;

/**
 * A rendered chart: the PNG bytes, the file it is written to and the text shown with it.
 *
 * @param fileName e.g. {@code score_distribution.png}
 * @param title alt text and heading
 * @param caption what the chart shows and how it was computed
 * @param png the encoded image (not copied; treat as read-only)
 */
public record ChartImage(String fileName, String title, String caption, byte[] png) {
  /** The image as a {@code data:image/png;base64,...} URI for embedding. */
  public String dataUri() {
    return "data:image/png;base64," + Base64.getEncoder().encodeToString(png);
  }
}

package io.srlm.report;

import java.util.Locale;

/**
 * HTML escaping and number formatting for the report. Every piece of text that comes from data (prompts, model
 * outputs, ids, paths, metric names) goes through {@link #escape} before it reaches the page.
 */
public final class Html {
  private Html() {}

  /**
   * Escapes text for use in element content and in double- or single-quoted attribute values:
   * {@code & < > " '} become {@code &amp; &lt; &gt; &quot; &#39;}; NUL and other C0 control characters except
   * tab, newline and carriage return (not allowed in HTML) become U+FFFD. Null becomes the empty string.
   */
  public static String escape(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder sb = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&' -> sb.append("&amp;");
        case '<' -> sb.append("&lt;");
        case '>' -> sb.append("&gt;");
        case '"' -> sb.append("&quot;");
        case '\'' -> sb.append("&#39;");
        default -> {
          if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
            sb.append('\uFFFD');
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.toString();
  }

  /**
   * The first {@code maxChars} characters of {@code text} (not splitting a surrogate pair), with a note of how
   * much was cut. The result is plain text: escape it before use.
   */
  public static String truncate(String text, int maxChars) {
    if (text == null) {
      return "";
    }
    if (text.length() <= maxChars) {
      return text;
    }
    int end = maxChars;
    if (end > 0 && Character.isHighSurrogate(text.charAt(end - 1))) {
      end--;
    }
    return text.substring(0, end) + " \u2026 [" + (text.length() - end) + " more characters]";
  }

  /** A number with 3 decimals, or "n/a" for NaN / null. */
  public static String num(Double v) {
    if (v == null || v.isNaN()) {
      return "n/a";
    }
    return String.format(Locale.ROOT, "%.3f", v);
  }

  /** A fraction as a percentage with one decimal ({@code 0.1234 -> "12.3%"}), or "n/a". */
  public static String pct(Double v) {
    if (v == null || v.isNaN()) {
      return "n/a";
    }
    return String.format(Locale.ROOT, "%.1f%%", 100 * v);
  }
}

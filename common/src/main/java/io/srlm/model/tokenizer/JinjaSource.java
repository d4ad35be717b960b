package io.srlm.model.tokenizer;

/**
 * Rewrites an HF chat template (Python Jinja2 source) so that jinjava reads it the way Jinja2 does. Three differences
 * are handled here, at the source level:
 *
 * <ul>
 *   <li>Unicode escapes in string literals: Jinja2 decodes <code>\xNN</code>, <code>\</code><code>uNNNN</code> and
 *       <code>\UNNNNNNNN</code> inside quoted literals; jinjava rejects them ("invalid escape sequence"). Inside
 *       expression and statement tags they are replaced by the characters themselves (a quote or backslash is
 *       written as jinjava's <code>\'</code>, <code>\"</code> or <code>\\</code>). jinjava handles <code>\n</code>,
 *       <code>\t</code>, <code>\r</code>, <code>\\</code>, <code>\'</code> and <code>\"</code> itself, so those
 *       are left alone.
 *   <li>Whitespace control on expressions and comments: jinjava honours the dash in <code>{%-</code> and
 *       <code>-%}</code> but ignores it in <code>{{-</code>, <code>-}}</code>, <code>{#-</code> and <code>-#}</code>.
 *       Here the whitespace (newlines included) before <code>{{-</code> / <code>{#-</code> and after
 *       <code>-}}</code> / <code>-#}</code> is removed from the template text, and the dash with it.
 *   <li>Trailing newline: Jinja2 (HF renders with keep_trailing_newline=False) drops one newline at the end of the
 *       template; jinjava keeps it. It is dropped here.
 * </ul>
 *
 * <p>Raw blocks (<code>{% raw %}</code>) are not special-cased.
 */
final class JinjaSource {
  private JinjaSource() {}

  static String prepare(String template) {
    String source = template;
    if (source.endsWith("\r\n")) {
      source = source.substring(0, source.length() - 2);
    } else if (source.endsWith("\n")) {
      source = source.substring(0, source.length() - 1);
    }
    return rewrite(source);
  }

  private static String rewrite(String s) {
    StringBuilder out = new StringBuilder(s.length());
    int i = 0;
    while (i < s.length()) {
      if (s.startsWith("{#", i)) {
        i = copyComment(s, i, out);
      } else if (s.startsWith("{{", i)) {
        boolean trimBefore = s.startsWith("-", i + 2);
        if (trimBefore) {
          trimTrailingWhitespace(out);
        }
        out.append("{{");
        i = copyTag(s, i + (trimBefore ? 3 : 2), "}}", true, out);
      } else if (s.startsWith("{%", i)) {
        out.append("{%");
        i = copyTag(s, i + 2, "%}", false, out);
      } else {
        out.append(s.charAt(i++));
      }
    }
    return out.toString();
  }

  private static int copyComment(String s, int start, StringBuilder out) {
    int from = start + 2;
    if (s.startsWith("-", from)) {
      trimTrailingWhitespace(out);
      from++;
    }
    int end = s.indexOf("#}", from);
    if (end < 0) {
      out.append("{#").append(s, from, s.length());
      return s.length();
    }
    boolean trimAfter = end > from && s.charAt(end - 1) == '-';
    out.append("{#").append(s, from, trimAfter ? end - 1 : end).append("#}");
    return trimAfter ? skipWhitespace(s, end + 2) : end + 2;
  }

  /**
   * Copies the rest of a tag from {@code from} (just after its opening), decoding Unicode escapes inside its string
   * literals; returns the index after the tag. With {@code dashTrims}, a {@code -} before the closing marker is
   * removed together with the whitespace after the tag.
   */
  private static int copyTag(String s, int from, String close, boolean dashTrims, StringBuilder out) {
    int i = from;
    char quote = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (quote == 0) {
        if (s.startsWith(close, i)) {
          boolean trimAfter = dashTrims && out.length() > 0 && out.charAt(out.length() - 1) == '-';
          if (trimAfter) {
            out.setLength(out.length() - 1);
          }
          out.append(close);
          return trimAfter ? skipWhitespace(s, i + 2) : i + 2;
        }
        if (c == '\'' || c == '"') {
          quote = c;
        }
        out.append(c);
        i++;
      } else if (c == '\\' && i + 1 < s.length()) {
        int digits = switch (s.charAt(i + 1)) {
          case 'x' -> 2;
          case 'u' -> 4;
          case 'U' -> 8;
          default -> 0;
        };
        int codePoint = digits == 0 ? -1 : hex(s, i + 2, digits);
        if (codePoint < 0) {
          out.append(c).append(s.charAt(i + 1));
          i += 2;
        } else {
          if (codePoint == quote || codePoint == '\\') {
            out.append('\\');
          }
          out.appendCodePoint(codePoint);
          i += 2 + digits;
        }
      } else {
        if (c == quote) {
          quote = 0;
        }
        out.append(c);
        i++;
      }
    }
    return i;
  }

  /** The code point written with {@code digits} hex digits at {@code from}, or -1 when they are not all hex. */
  private static int hex(String s, int from, int digits) {
    if (from + digits > s.length()) {
      return -1;
    }
    int value = 0;
    for (int k = 0; k < digits; k++) {
      int d = Character.digit(s.charAt(from + k), 16);
      if (d < 0) {
        return -1;
      }
      value = value * 16 + d;
    }
    return Character.isValidCodePoint(value) ? value : -1;
  }

  private static void trimTrailingWhitespace(StringBuilder out) {
    int n = out.length();
    while (n > 0 && Character.isWhitespace(out.charAt(n - 1))) {
      n--;
    }
    out.setLength(n);
  }

  private static int skipWhitespace(String s, int from) {
    int i = from;
    while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
      i++;
    }
    return i;
  }
}

package io.srlm.report;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HtmlTest {
  @Test
  void escapesMarkupQuotesAndAmpersands() {
    assertThat(Html.escape("<script>alert(1)</script>")).isEqualTo("&lt;script&gt;alert(1)&lt;/script&gt;");
    assertThat(Html.escape("\"'&")).isEqualTo("&quot;&#39;&amp;");
    assertThat(Html.escape("&amp;")).isEqualTo("&amp;amp;");
    assertThat(Html.escape(null)).isEmpty();
    assertThat(Html.escape("a\u0000b\tc\nd")).isEqualTo("a\uFFFDb\tc\nd");
    assertThat(Html.escape("caf\u00e9 \uD83D\uDE00")).isEqualTo("caf\u00e9 \uD83D\uDE00");
  }

  @Test
  void tableCellsAreEscaped() {
    String t = new HtmlTable("<h>", "n").row("<b>x</b>", 12).render();
    assertThat(t).contains("<th>&lt;h&gt;</th>", "<td>&lt;b&gt;x&lt;/b&gt;</td>", "<td class=\"num\">12</td>");
    assertThat(t).doesNotContain("<b>");
  }

  @Test
  void truncateKeepsSurrogatePairsWhole() {
    assertThat(Html.truncate("abcdef", 10)).isEqualTo("abcdef");
    assertThat(Html.truncate("abcdef", 3)).isEqualTo("abc \u2026 [3 more characters]");
    assertThat(Html.truncate("ab\uD83D\uDE00cd", 3)).isEqualTo("ab \u2026 [4 more characters]");
  }

  @Test
  void formatsNumbers() {
    assertThat(Html.num(0.12345)).isEqualTo("0.123");
    assertThat(Html.num(Double.NaN)).isEqualTo("n/a");
    assertThat(Html.num(null)).isEqualTo("n/a");
    assertThat(Html.pct(0.1234)).isEqualTo("12.3%");
  }
}

package io.srlm.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.srlm.errors.SrlmException;
import io.srlm.tables.JudgementRow;
import io.srlm.tables.PairRow;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportWriterTest {
  private static final List<String> SECTIONS = List.of("iterations", "models", "head-to-head", "task-accuracy",
      "length-drift", "judge-metrics", "score-distribution", "pairs", "example-pairs", "training", "steps");

  @Test
  void writesEveryChartAndSection(@TempDir Path dir) throws Exception {
    WrittenReport r = ReportWriter.write(ReportFixtures.run(), dir);
    assertThat(r.html()).isEqualTo(dir.resolve("report.html"));
    assertThat(r.charts()).extracting(p -> p.getFileName().toString())
        .containsExactlyElementsOf(ReportWriter.CHART_FILES)
        .contains("score_distribution.png", "pairs_margin.png", "judge_metrics.png", "head_to_head.png",
            "task_accuracy.png", "length_drift.png", "dpo_curves.png");
    String html = Files.readString(r.html(), StandardCharsets.UTF_8);
    for (Path png : r.charts()) {
      BufferedImage img = ImageIO.read(png.toFile());
      assertThat(img).as(png.toString()).isNotNull();
      assertThat(img.getWidth()).as(png.toString()).isGreaterThanOrEqualTo(400);
      assertThat(img.getHeight()).as(png.toString()).isGreaterThanOrEqualTo(300);
      assertThat(inkFraction(img)).as(png + " has content").isGreaterThan(0.01);
      // the page embeds exactly these bytes
      String uri = "data:image/png;base64," + Base64.getEncoder().encodeToString(Files.readAllBytes(png));
      assertThat(html).as(png.toString()).contains(uri);
    }
    assertThat(count(html, "<img src=\"data:image/png;base64,")).isEqualTo(r.charts().size());
    for (String s : SECTIONS) {
      assertThat(html).contains("<section id=\"" + s + "\">");
    }
    assertThat(html).doesNotContain(ReportPage.NO_DATA);
    // self-contained: no external resources, no scripts
    String lower = html.toLowerCase(Locale.ROOT);
    assertThat(lower).doesNotContain("http://", "https://", "<script", "<link", "@import", "url(");
    // tables carry the data
    assertThat(html).contains("near_duplicate_seed", "/models/M2", "preference_pairs@v2", "M3 vs M0",
        "pairwise_accuracy", "reward_accuracy", "s01.judge");
  }

  @Test
  void modelTextIsEscaped(@TempDir Path dir) throws Exception {
    String html = Files.readString(ReportWriter.write(ReportFixtures.run(), dir).html());
    assertThat(html).contains("Answer &lt;script&gt;alert(1)&lt;/script&gt; and &quot;&#39;&amp;");
    assertThat(html).contains("Explain &lt;img src=x onerror=alert(2)&gt; please");
    assertThat(html.toLowerCase(Locale.ROOT)).doesNotContain("<script", "<img src=x");
    assertThat(html).doesNotContain(ReportFixtures.SCRIPT, ReportFixtures.IMG, "and \"'&");
  }

  @Test
  void hostileIdsAndNamesAreEscapedToo(@TempDir Path dir) throws Exception {
    String evil = "<script>x</script>\"'&";
    ReportData d = new ReportData(evil, null, null, null, List.of(judgement(evil, 1, "r1", 4.0)),
        List.of(new PairRow(evil, 1, evil, evil, evil, evil, evil, evil, evil, 5, 1, 4, evil, evil)), null, null,
        null);
    String html = Files.readString(ReportWriter.write(d, dir).html());
    assertThat(html.toLowerCase(Locale.ROOT)).doesNotContain("<script");
    assertThat(html).contains("&lt;script&gt;x&lt;/script&gt;&quot;&#39;&amp;");
  }

  @Test
  void emptyRunSaysNoDataAndWritesNoCharts(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("dpo_curves.png"), "stale chart from an earlier report");
    WrittenReport r = ReportWriter.write(ReportData.empty("run-0"), dir);
    assertThat(r.charts()).isEmpty();
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("report.html");
    }
    String html = Files.readString(r.html());
    for (String s : SECTIONS) {
      assertThat(html).contains("<section id=\"" + s + "\">");
    }
    assertThat(count(html, ReportPage.NO_DATA)).isEqualTo(SECTIONS.size());
    assertThat(html).doesNotContain("data:image/png");
  }

  @Test
  void partialDataWritesOnlyItsCharts(@TempDir Path dir) throws Exception {
    ReportData d = new ReportData("run-2", null, null, null,
        List.of(judgement("run-2", 1, "a", 4.0), judgement("run-2", 1, "b", null),
            judgement("run-2", 2, "c", 5.0)), null, null, null, null);
    WrittenReport r = ReportWriter.write(d, dir);
    assertThat(r.charts()).extracting(p -> p.getFileName().toString())
        .containsExactly("counts.png", "score_distribution.png", "judge_parse_status.png");
    String html = Files.readString(r.html());
    Matcher m = Pattern.compile("<section id=\"pairs\">.*?</section>", Pattern.DOTALL).matcher(html);
    assertThat(m.find()).isTrue();
    assertThat(m.group()).contains(ReportPage.NO_DATA);
  }

  @Test
  void rejectsRowsOfAnotherRun() {
    assertThatThrownBy(() -> new ReportData("run-a", null, null, null, List.of(judgement("run-b", 1, "r", 3.0)),
        null, null, null, null)).isInstanceOf(SrlmException.class)
        .hasMessageContaining("judgements").hasMessageContaining("run-b");
  }

  private static JudgementRow judgement(String run, int it, String responseId, Double score) {
    return new JudgementRow(run, it, responseId + "-j", responseId, "p", 0, 0, "Score: x", score,
        score == null ? "no_score" : "ok", score, score == null ? 0 : 1, "M0", "additive-5pt", 10, "eos");
  }

  /** Fraction of pixels that differ from the top-left (background) pixel. */
  private static double inkFraction(BufferedImage img) {
    int bg = img.getRGB(0, 0);
    long ink = 0;
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        if (img.getRGB(x, y) != bg) {
          ink++;
        }
      }
    }
    return (double) ink / ((long) img.getWidth() * img.getHeight());
  }

  private static int count(String s, String needle) {
    int n = 0;
    for (int i = s.indexOf(needle); i >= 0; i = s.indexOf(needle, i + needle.length())) {
      n++;
    }
    return n;
  }
}

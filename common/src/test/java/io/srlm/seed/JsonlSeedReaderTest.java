package io.srlm.seed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.srlm.errors.ErrorCode;
import io.srlm.errors.SrlmException;
import io.srlm.prompting.JudgeTemplate;
import io.srlm.tables.RejectedRow;
import io.srlm.tables.SeedEft;
import io.srlm.tables.SeedIft;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JsonlSeedReaderTest {
  private static final JudgeTemplate COMPACT = SeedTestSupport.judge("additive-5pt-compact");
  private static final String GOOD1 = "{\"prompt\": \"What is a fox?\", \"completion\": \"A small wild dog.\"}";
  private static final String GOOD3 = "{\"prompt\": \"Name a colour.\", \"completion\": \"Red.\", \"extra\": 1}";

  @TempDir
  Path dir;

  @Test
  void readsAGoodIftFile() throws IOException {
    Path f = write("ift.jsonl", "\uFEFF" + GOOD1 + "\r\n\n   \n" + GOOD3 + "\n"
        + "{\"prompt\": \"Say \\\"hi\\\" in French.\", \"completion\": \"Salut ! Ça va ?\"}");
    SeedData d = JsonlSeedReader.read(f, JsonlSeedReader.Kind.IFT, COMPACT, OnBadRow.FAIL, 0.0, "r1");
    assertThat(d.ift()).extracting(SeedIft::prompt)
        .containsExactly("What is a fox?", "Name a colour.", "Say \"hi\" in French.");
    assertThat(d.ift()).extracting(SeedIft::completion).containsExactly("A small wild dog.", "Red.",
        "Salut ! Ça va ?");
    SeedIft r = d.ift().get(0);
    assertThat(r.source()).isEqualTo("jsonl:" + f);
    assertThat(r.taskType()).isEqualTo("general");
    assertThat(r.split()).isEqualTo("train");
    assertThat(r.runId()).isEqualTo("r1");
    assertThat(d.ift().stream().map(SeedIft::seedId).distinct()).hasSize(3);
    assertThat(d.eft()).isEmpty();
    assertThat(d.rejected()).isEmpty();
    assertThat(d.counts()).containsEntry("lines", 5L).containsEntry("blank_lines", 2L)
        .containsEntry("ift_rows", 3L).containsEntry("rejected_rows", 0L);
  }

  @Test
  void splitsByAHashOfThePrompt() throws IOException {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 400; i++) {
      sb.append("{\"prompt\": \"question ").append(i).append("\", \"completion\": \"answer\"}\n");
    }
    SeedData d = JsonlSeedReader.read(write("many.jsonl", sb.toString()), JsonlSeedReader.Kind.IFT, COMPACT,
        OnBadRow.FAIL, 0.25, "r1");
    for (SeedIft r : d.ift()) {
      assertThat(r.split()).isEqualTo(SeedSplit.of(r.prompt(), 0.25));
    }
    assertThat(d.count("heldout_ift")).isBetween(60L, 140L);
  }

  @Test
  void readsAGoodEftFile() throws IOException {
    String rendered = COMPACT.renderPointwise("What is 2 plus 2?", "4");
    String lines = String.join("\n",
        eft("judge q1 a", "Exact.\nScore: 5", ",\"group_id\": \"q1\", \"question\": \"Q1\", \"response\": \"a\""),
        eft("judge q1 b", "Partly right.\nScore: 2", ",\"group_id\": \"q1\", \"question\": \"Q1\", \"response\": \"b\""),
        eft("judge q1 c", "Also exact.\nScore: 5", ",\"group_id\": \"q1\""),
        eft("judge q2 a", "Score: 1", ",\"group_id\": 7, \"rank\": 1"),
        eft("judge q2 b", "Score: 0", ",\"group_id\": 7, \"rank\": 0"),
        eft(rendered, "Right and concise.\nScore: 5", ""));
    SeedData d = JsonlSeedReader.read(write("eft.jsonl", lines), JsonlSeedReader.Kind.EFT, COMPACT,
        OnBadRow.FAIL, 0.0, "r1");
    assertThat(d.ift()).isEmpty();
    assertThat(d.eft()).hasSize(6);
    assertThat(d.eft()).extracting(SeedEft::humanScore).containsExactly(5.0, 2.0, 5.0, 1.0, 0.0, 5.0);
    assertThat(d.eft()).extracting(SeedEft::humanRank).as("scores rank q1; given ranks are kept for q2")
        .containsExactly(0, 2, 0, 1, 0, 0);
    Map<String, List<SeedEft>> groups = d.eft().stream().collect(Collectors.groupingBy(SeedEft::groupId));
    assertThat(groups).hasSize(3);
    assertThat(d.count("eft_groups")).isEqualTo(3);
    assertThat(d.eft().get(0).question()).isEqualTo("Q1");
    assertThat(d.eft().get(0).response()).isEqualTo("a");
    assertThat(d.eft().get(3).question()).isEmpty();
    SeedEft last = d.eft().get(5);
    assertThat(last.question()).as("read back from the rendered prompt").isEqualTo("What is 2 plus 2?");
    assertThat(last.response()).isEqualTo("4");
    assertThat(last.prompt()).isEqualTo(rendered);
    assertThat(d.eft().stream().map(SeedEft::eftId).distinct()).hasSize(6);
  }

  @Test
  void eftScoresAreReadWithTheTemplatesOwnParser() throws IOException {
    JudgeTemplate rating = SeedTestSupport.judge("rating-0-10");
    Path f = write("rating.jsonl", eft("judge it", "Fine.\nRating: 8", ""));
    assertThat(JsonlSeedReader.read(f, JsonlSeedReader.Kind.EFT, rating, OnBadRow.FAIL, 0, "r").eft().get(0)
        .humanScore()).isEqualTo(8.0);
    assertThatThrownBy(() -> JsonlSeedReader.read(f, JsonlSeedReader.Kind.EFT, COMPACT, OnBadRow.FAIL, 0, "r"))
        .hasMessageContaining("no_score").hasMessageContaining("Score: 5");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
      "malformed_json|IFT|{\"prompt\": \"a\", \"completion\": }|malformed JSON at column",
      "malformed_json|IFT|{\"prompt\": \"a\", \"completion\": \"b\"} trailing|malformed JSON",
      "not_an_object|IFT|[\"a\", \"b\"]|not an object (it is array)",
      "missing_field|IFT|{\"prompt\": \"a\"}|missing field \"completion\"",
      "missing_field|EFT|{\"completion\": \"Score: 3\"}|missing field \"prompt\"",
      "wrong_type|IFT|{\"prompt\": 3, \"completion\": \"b\"}|field \"prompt\" must be a string, not number (3)",
      "wrong_type|IFT|{\"prompt\": \"a\", \"completion\": [\"b\"]}|field \"completion\" must be a string, not array",
      "wrong_type|IFT|{\"prompt\": \"a\", \"completion\": null}|field \"completion\" must be a string, not null",
      "empty_field|IFT|{\"prompt\": \"  \", \"completion\": \"b\"}|field \"prompt\" is empty",
      "empty_field|EFT|{\"prompt\": \"a\", \"completion\": \"\"}|field \"completion\" is empty",
      "no_score|EFT|{\"prompt\": \"a\", \"completion\": \"Looks good.\"}|(no_score)",
      "no_score|EFT|{\"prompt\": \"a\", \"completion\": \"Score: 9\"}|(out_of_range)",
      "no_score|EFT|{\"prompt\": \"a\", \"completion\": \"Score: 2 Score: 3\"}|(multiple_scores)",
      "wrong_type|EFT|{\"prompt\": \"a\", \"completion\": \"Score: 3\", \"rank\": \"1\"}|field \"rank\" must be a whole number",
      "wrong_type|EFT|{\"prompt\": \"a\", \"completion\": \"Score: 3\", \"rank\": -1}|field \"rank\" must be a whole number",
      "wrong_type|EFT|{\"prompt\": \"a\", \"completion\": \"Score: 3\", \"group_id\": [1]}|field \"group_id\" must be",
      "wrong_type|EFT|{\"prompt\": \"a\", \"completion\": \"Score: 3\", \"question\": 5}|field \"question\" must be",
  })
  void eachBadRowKindFailsNamingFileAndLineOrIsSkippedAndRecorded(String reason, String kind, String line,
      String problem) throws IOException {
    JsonlSeedReader.Kind k = JsonlSeedReader.Kind.valueOf(kind);
    String good = k == JsonlSeedReader.Kind.IFT ? GOOD1 : eft("judge x", "Score: 4", "");
    Path f = write("bad.jsonl", good + "\n" + line + "\n" + good.replace("x", "y") + "\n");

    assertThatThrownBy(() -> JsonlSeedReader.read(f, k, COMPACT, OnBadRow.FAIL, 0, "r1"))
        .isInstanceOfSatisfying(SrlmException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.SEED_DATA);
          assertThat(e.context()).containsEntry("file", f.toString()).containsEntry("line", "2");
          assertThat(e.getMessage()).contains(problem).contains("file=" + f).contains("line=2")
              .contains("To fix:").contains("seed.on_bad_row=skip");
        });

    SeedData d = JsonlSeedReader.read(f, k, COMPACT, OnBadRow.SKIP, 0, "r1");
    assertThat(d.ift().size() + d.eft().size()).isEqualTo(2);
    assertThat(d.rejected()).hasSize(1);
    RejectedRow rej = d.rejected().get(0);
    assertThat(rej.step()).isEqualTo("seed");
    assertThat(rej.source()).isEqualTo(f.toString());
    assertThat(rej.rowRef()).isEqualTo(f + ":2");
    assertThat(rej.reason()).isEqualTo(reason);
    assertThat(rej.detail()).contains(problem);
    assertThat(rej.runId()).isEqualTo("r1");
    assertThat(d.counts()).containsEntry("rejected_rows", 1L).containsEntry("rejected." + reason, 1L);
  }

  @Test
  void nonUtf8BytesAreABadRowNotReplacementCharacters() throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.write((GOOD1 + "\n").getBytes(StandardCharsets.UTF_8));
    b.write("{\"prompt\": \"caf".getBytes(StandardCharsets.UTF_8));
    b.write(new byte[] {(byte) 0xE9}); // Latin-1 'é'
    b.write("\", \"completion\": \"b\"}\n".getBytes(StandardCharsets.UTF_8));
    b.write((GOOD3 + "\n").getBytes(StandardCharsets.UTF_8));
    Path f = dir.resolve("latin1.jsonl");
    Files.write(f, b.toByteArray());

    assertThatThrownBy(() -> JsonlSeedReader.read(f, JsonlSeedReader.Kind.IFT, COMPACT, OnBadRow.FAIL, 0, "r"))
        .hasMessageContaining("not UTF-8").hasMessageContaining("byte 16").hasMessageContaining("line=2")
        .hasMessageContaining("save the file as UTF-8");
    SeedData d = JsonlSeedReader.read(f, JsonlSeedReader.Kind.IFT, COMPACT, OnBadRow.SKIP, 0, "r");
    assertThat(d.ift()).hasSize(2);
    assertThat(d.rejected()).extracting(RejectedRow::reason).containsExactly("not_utf8");
    assertThat(d.count("rejected.not_utf8")).isEqualTo(1);
  }

  @Test
  void emptyFilesAreAnError() throws IOException {
    for (String text : List.of("", "\n\n  \n")) {
      Path f = write("empty.jsonl", text);
      for (OnBadRow mode : OnBadRow.values()) {
        assertThatThrownBy(() -> JsonlSeedReader.read(f, JsonlSeedReader.Kind.IFT, COMPACT, mode, 0, "r"))
            .isInstanceOf(SrlmException.class).hasMessageContaining("Seed file has no rows")
            .hasMessageContaining(f.toString());
      }
    }
  }

  @Test
  void aFileOfOnlyBadRowsIsAnErrorEvenWhenSkipping() throws IOException {
    Path f = write("allbad.jsonl", "nope\n{\"prompt\": 1}\n");
    assertThatThrownBy(() -> JsonlSeedReader.read(f, JsonlSeedReader.Kind.IFT, COMPACT, OnBadRow.SKIP, 0, "r"))
        .hasMessageContaining("no usable rows").hasMessageContaining("all 2 rows are bad");
  }

  @Test
  void aMissingFileNamesTheConfigKey() {
    Path f = dir.resolve("nope.jsonl");
    assertThatThrownBy(() -> JsonlSeedReader.read(f, JsonlSeedReader.Kind.EFT, COMPACT, OnBadRow.FAIL, 0, "r"))
        .isInstanceOfSatisfying(SrlmException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.SEED_DATA))
        .hasMessageContaining("Seed file not found").hasMessageContaining("seed.eft_path")
        .hasMessageContaining(f.toString());
  }

  @Test
  void readsGzipCompressedFiles() throws IOException {
    Path f = dir.resolve("ift.jsonl.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(f))) {
      out.write((GOOD1 + "\n" + GOOD3 + "\n").getBytes(StandardCharsets.UTF_8));
    }
    assertThat(JsonlSeedReader.read(f, JsonlSeedReader.Kind.IFT, COMPACT, OnBadRow.FAIL, 0, "r").ift()).hasSize(2);
  }

  private static String eft(String prompt, String completion, String extra) {
    return "{\"prompt\": " + io.srlm.util.Json.write(prompt) + ", \"completion\": "
        + io.srlm.util.Json.write(completion) + extra + "}";
  }

  private Path write(String name, String text) throws IOException {
    Path f = dir.resolve(name);
    Files.writeString(f, text, StandardCharsets.UTF_8);
    return f;
  }
}

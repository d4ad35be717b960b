package io.srlm.seed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.srlm.errors.SrlmException;
import io.srlm.prompting.JudgeTemplate;
import io.srlm.prompting.ScoreParser;
import io.srlm.tables.RejectedRow;
import io.srlm.tables.SeedEft;
import io.srlm.tables.SeedIft;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OasstImporterTest {
  private static final JudgeTemplate COMPACT = SeedTestSupport.judge("additive-5pt-compact");
  private static final String EGG = "How do I boil an egg?";
  private static final String BEST = "Put it in boiling water for about eight minutes, then cool it.";

  /** Seven trees in the export's shape, written for this test. */
  private static final List<String> TREES = List.of(
      // 1: English, three usable ranked replies, one deleted, one unranked; a nested second turn is ignored.
      tree("t1", msg("m1", "prompter", "en", EGG, null, "",
          msg("m2", "assistant", "en", BEST, 0, "",
              msg("m2a", "prompter", "en", "And a soft one?", null, "",
                  msg("m2b", "assistant", "en", "Six minutes.", 0, ""))),
          msg("m3", "assistant", "en", "Use a pan with water.", 1, ""),
          msg("m4", "assistant", "en", "Eggs are food.", 2, ""),
          msg("m5", "assistant", "en", "deleted reply", 3, ",\"deleted\": true"),
          msg("m6", "assistant", "en", "An unranked reply.", null, ""))),
      // 2: another language
      tree("t2", msg("g1", "prompter", "de", "Wie koche ich ein Ei?", null, "",
          msg("g2", "assistant", "de", "Zehn Minuten kochen.", 0, ""),
          msg("g3", "assistant", "de", "Mit Wasser.", 1, ""))),
      // 3: one ranked reply: IFT only
      tree("t3", msg("s1", "prompter", "en", "Name a blue fruit.", null, "",
          msg("s2", "assistant", "en", "A blueberry.", 0, ""))),
      // 4: root failed review
      tree("t4", msg("r1", "prompter", "en", "Spam spam spam.", null, ",\"review_result\": false",
          msg("r2", "assistant", "en", "Hello.", 0, ""))),
      // 5: the rank-0 reply failed review; ranks 1 and 2 remain
      tree("t5", msg("p1", "prompter", "en", "Why is the sky blue?", null, "",
          msg("p2", "assistant", "en", "bad reply", 0, ",\"review_result\": false"),
          msg("p3", "assistant", "en", "Air scatters blue light more than red light.", 1, ",\"review_result\": true"),
          msg("p4", "assistant", "en", "Because of the sea.", 2, ",\"review_result\": null"))),
      // 6: root deleted
      tree("t6", msg("d1", "prompter", "en", "Deleted question", null, ",\"deleted\": true",
          msg("d2", "assistant", "en", "Answer.", 0, ""))),
      // 7: no ranked replies
      tree("t7", msg("u1", "prompter", "en", "Is this ranked?", null, "",
          msg("u2", "assistant", "en", "No.", null, ""))));

  @TempDir
  Path dir;

  @Test
  void importsFirstTurnIftAndRankedEftGroups() throws IOException {
    Path f = write("trees.jsonl", String.join("\n", TREES) + "\n");
    SeedData d = OasstImporter.read(f, "en", COMPACT, OnBadRow.FAIL, 0.0, "r1");

    assertThat(d.ift()).extracting(SeedIft::prompt).containsExactly(EGG, "Name a blue fruit.", "Why is the sky blue?");
    assertThat(d.ift()).extracting(SeedIft::completion)
        .containsExactly(BEST, "A blueberry.", "Air scatters blue light more than red light.");
    assertThat(d.ift()).allSatisfy(r -> {
      assertThat(r.source()).isEqualTo("oasst:" + f);
      assertThat(r.taskType()).isEqualTo("general");
    });

    assertThat(d.eft()).hasSize(5);
    List<SeedEft> egg = d.eft().stream().filter(r -> r.question().equals(EGG)).toList();
    assertThat(egg).extracting(SeedEft::response).containsExactly(BEST, "Use a pan with water.", "Eggs are food.");
    assertThat(egg).extracting(SeedEft::humanRank).containsExactly(0, 1, 2);
    assertThat(egg).extracting(SeedEft::humanScore).containsExactly(5.0, 4.0, 3.0);
    assertThat(egg.stream().map(SeedEft::groupId).distinct()).hasSize(1);
    assertThat(egg.get(1).completion()).isEqualTo("Human raters ranked this reply 2nd of 4.\nScore: 4");
    assertThat(egg.get(0).prompt()).isEqualTo(COMPACT.renderPointwise(EGG, BEST));
    for (SeedEft r : d.eft()) {
      assertThat(COMPACT.parser().parse(r.completion()).score()).isEqualTo(r.humanScore());
    }
    List<SeedEft> sky = d.eft().stream().filter(r -> r.question().equals("Why is the sky blue?")).toList();
    assertThat(sky).extracting(SeedEft::humanRank).containsExactly(1, 2);
    assertThat(sky).extracting(SeedEft::humanScore).containsExactly(4.0, 3.0);

    assertThat(d.counts()).containsEntry("trees", 7L).containsEntry("trees_not_ready", 0L)
        .containsEntry("trees_other_lang", 1L)
        .containsEntry("trees_failed_review", 1L).containsEntry("trees_deleted", 1L)
        .containsEntry("trees_without_ranked_reply", 1L).containsEntry("replies_deleted", 1L)
        .containsEntry("replies_failed_review", 1L).containsEntry("ift_rows", 3L).containsEntry("eft_groups", 2L)
        .containsEntry("eft_rows", 5L).containsEntry("rejected_rows", 0L);
    assertThat(d.rejected()).isEmpty();
  }

  /** With a self-reference template, OASST groups (no known answer) show the humans' best-ranked reply. */
  @Test
  void selfReferenceRowsShowTheBestRankedReply() throws IOException {
    JudgeTemplate self = SeedTestSupport.judge("additive-5pt-self-reference");
    SeedData d = OasstImporter.read(write("trees.jsonl", String.join("\n", TREES)), "en", self, OnBadRow.FAIL, 0.0,
        "r1");
    List<SeedEft> egg = d.eft().stream().filter(r -> r.question().equals(EGG)).toList();
    assertThat(egg).hasSize(3).allSatisfy(r -> assertThat(r.prompt())
        .isEqualTo(self.renderPointwise(EGG, r.response(), BEST)));
    List<SeedEft> sky = d.eft().stream().filter(r -> r.question().equals("Why is the sky blue?")).toList();
    assertThat(sky).allSatisfy(r -> assertThat(r.prompt()).contains(
        "<reference>Air scatters blue light more than red light.</reference>"));
  }

  @Test
  void onlyReadyForExportTreesAreImportedAndTheOthersCountedByState() throws IOException {
    // Four usable-looking English trees that are not final: OA's training loader skips them all.
    String growing = treeIn("n1", "growing", msg("g1", "prompter", "en", "Still growing?", null, "",
        msg("g2", "assistant", "en", "Unranked yet.", 0, ""), msg("g3", "assistant", "en", "Me too.", 1, "")));
    String halted = treeIn("n2", "halted_by_moderator", msg("h1", "prompter", "en", "Halted?", null, "",
        msg("h2", "assistant", "en", "Halted reply.", 0, "")));
    String aborted = treeIn("n3", "aborted_low_grade", msg("a1", "prompter", "en", "Low grade?", null, "",
        msg("a2", "assistant", "en", "Aborted reply.", 0, "")));
    String noState = treeIn("n4", null, msg("x1", "prompter", "en", "No state?", null, "",
        msg("x2", "assistant", "en", "No state reply.", 0, "")));
    String halted2 = treeIn("n5", "halted_by_moderator", msg("k1", "prompter", "de", "Angehalten?", null, "",
        msg("k2", "assistant", "de", "Ja.", 0, "")));
    Path f = write("mixed.jsonl", String.join("\n", growing, TREES.get(0), halted, aborted, noState, TREES.get(2),
        halted2));
    SeedData d = OasstImporter.read(f, "en", COMPACT, OnBadRow.FAIL, 0.0, "r1");
    assertThat(d.ift()).extracting(SeedIft::prompt).containsExactly(EGG, "Name a blue fruit.");
    assertThat(d.eft()).extracting(SeedEft::question).containsOnly(EGG);
    assertThat(d.counts()).containsEntry("trees", 7L).containsEntry("trees_not_ready", 5L)
        .containsEntry("trees_state.growing", 1L).containsEntry("trees_state.halted_by_moderator", 2L)
        .containsEntry("trees_state.aborted_low_grade", 1L).containsEntry("trees_state.missing", 1L)
        .containsEntry("trees_other_lang", 0L).containsEntry("ift_rows", 2L).containsEntry("rejected_rows", 0L);
    assertThat(d.rejected()).isEmpty();
    Path none = write("none-ready.jsonl", String.join("\n", growing, halted));
    assertThatThrownBy(() -> OasstImporter.read(none, "en", COMPACT, OnBadRow.FAIL, 0.0, "r1"))
        .hasMessageContaining("no usable rows").hasMessageContaining("trees_not_ready=2")
        .hasMessageContaining("ready_for_export");
    assertThat(OasstImporter.stateKey("odd state/x")).isEqualTo("odd_state_x");
  }

  @Test
  void languageFilterIsConfigurable() throws IOException {
    Path f = write("trees.jsonl", String.join("\n", TREES));
    SeedData de = OasstImporter.read(f, "de", COMPACT, OnBadRow.FAIL, 0.0, "r1");
    assertThat(de.ift()).extracting(SeedIft::completion).containsExactly("Zehn Minuten kochen.");
    assertThat(de.count("trees_other_lang")).isEqualTo(6);
    SeedData all = OasstImporter.read(f, "", COMPACT, OnBadRow.FAIL, 0.0, "r1");
    assertThat(all.ift()).hasSize(4);
    assertThatThrownBy(() -> OasstImporter.read(f, "fr", COMPACT, OnBadRow.FAIL, 0.0, "r1"))
        .isInstanceOf(SrlmException.class).hasMessageContaining("no usable rows")
        .hasMessageContaining("seed.oasst_lang");
  }

  @Test
  void readsTheGzipExportTheSameWay() throws IOException {
    Path plain = write("trees.jsonl", String.join("\n", TREES));
    Path gz = dir.resolve("2023-04-12_oasst_ready.trees.jsonl.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
      out.write(String.join("\n", TREES).getBytes(StandardCharsets.UTF_8));
    }
    SeedData a = OasstImporter.read(plain, "en", COMPACT, OnBadRow.FAIL, 0.0, "r1");
    SeedData b = OasstImporter.read(gz, "en", COMPACT, OnBadRow.FAIL, 0.0, "r1");
    assertThat(b.ift()).extracting(SeedIft::prompt).isEqualTo(a.ift().stream().map(SeedIft::prompt).toList());
    assertThat(b.eft()).extracting(SeedEft::completion)
        .isEqualTo(a.eft().stream().map(SeedEft::completion).toList());
    assertThat(b.counts()).isEqualTo(a.counts());
  }

  @Test
  void splitsWholeTreesByTreeId() throws IOException {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 200; i++) {
      sb.append(tree("tree-" + i, msg("q" + i, "prompter", "en", "Question number " + i, null, "",
          msg("a" + i, "assistant", "en", "First answer", 0, ""),
          msg("b" + i, "assistant", "en", "Second answer", 1, "")))).append('\n');
    }
    SeedData d = OasstImporter.read(write("many.jsonl", sb.toString()), "en", COMPACT, OnBadRow.FAIL, 0.3, "r");
    for (int i = 0; i < 200; i++) {
      String q = "Question number " + i;
      String split = SeedSplit.of("tree-" + i, 0.3);
      assertThat(d.ift().stream().filter(r -> r.prompt().equals(q))).extracting(SeedIft::split).containsOnly(split);
      assertThat(d.eft().stream().filter(r -> r.question().equals(q))).hasSize(2).extracting(SeedEft::split)
          .containsOnly(split);
    }
    assertThat(d.count("heldout_ift")).isBetween(35L, 85L);
  }

  @Test
  void pairwiseTemplatesGetBothOrders() throws IOException {
    JudgeTemplate pairwise = SeedTestSupport.judge("pairwise-ab");
    SeedData d = OasstImporter.read(write("trees.jsonl", TREES.get(0)), "en", pairwise, OnBadRow.FAIL, 0, "r");
    assertThat(d.eft()).hasSize(6);
    for (SeedEft r : d.eft()) {
      ScoreParser.Parsed p = pairwise.parser().parse(r.completion());
      assertThat(p.score()).isEqualTo(r.humanScore());
      assertThat(r.completion()).startsWith("Response A was ranked ");
    }
    assertThat(d.eft()).extracting(SeedEft::humanScore).containsOnly(0.0, 1.0).contains(0.0, 1.0);
  }

  @Test
  void rankHeuristicIsBestFiveDecreasingToAFloorOfOne() {
    assertThat(List.of(0, 1, 2, 3, 4, 5, 9).stream().map(OasstImporter::scoreForRank))
        .containsExactly(5, 4, 3, 2, 1, 1, 1);
    assertThat(OasstImporter.ordinal(1)).isEqualTo("1st");
    assertThat(OasstImporter.ordinal(12)).isEqualTo("12th");
    assertThat(OasstImporter.ordinal(23)).isEqualTo("23rd");
  }

  @Test
  void badLinesFailWithFileAndLineOrAreSkipped() throws IOException {
    String messagesExport = "{\"message_id\": \"x\", \"parent_id\": null, \"text\": \"hi\", \"role\": \"prompter\"}";
    String badRank = tree("t9", msg("z1", "prompter", "en", "Q?", null, "",
        "{\"text\": \"A\", \"role\": \"assistant\", \"rank\": \"first\"}"));
    Path f = write("bad.jsonl", String.join("\n", TREES.get(0), "{oops", messagesExport, badRank, "[1]",
        TREES.get(2)));
    assertThatThrownBy(() -> OasstImporter.read(f, "en", COMPACT, OnBadRow.FAIL, 0, "r"))
        .isInstanceOf(SrlmException.class).hasMessageContaining("malformed JSON").hasMessageContaining("line=2")
        .hasMessageContaining("file=" + f);
    SeedData d = OasstImporter.read(f, "en", COMPACT, OnBadRow.SKIP, 0, "r");
    assertThat(d.ift()).hasSize(2);
    assertThat(d.rejected()).extracting(RejectedRow::rowRef).containsExactly(f + ":2", f + ":3", f + ":4", f + ":5");
    assertThat(d.rejected()).extracting(RejectedRow::reason)
        .containsExactly("malformed_json", "missing_field", "wrong_type", "not_an_object");
    assertThat(d.rejected().get(1).detail()).contains("missing field \"prompt\"");
    assertThat(d.rejected().get(2).detail()).contains("in prompt.replies[0]: field \"rank\" must be a whole number");
    assertThat(d.count("rejected_rows")).isEqualTo(4);

    Path g = write("messages.jsonl", messagesExport);
    assertThatThrownBy(() -> OasstImporter.read(g, "en", COMPACT, OnBadRow.FAIL, 0, "r"))
        .hasMessageContaining("flat messages export").hasMessageContaining("line=1");
  }

  @Test
  void emptyAndMissingFilesAreErrors() throws IOException {
    Path empty = write("empty.jsonl", "\n");
    assertThatThrownBy(() -> OasstImporter.read(empty, "en", COMPACT, OnBadRow.SKIP, 0, "r"))
        .hasMessageContaining("Seed file has no rows");
    assertThatThrownBy(() -> OasstImporter.read(dir.resolve("none.jsonl.gz"), "en", COMPACT, OnBadRow.SKIP, 0, "r"))
        .hasMessageContaining("Seed file not found").hasMessageContaining("seed.oasst_path");
    Path truncated = dir.resolve("cut.jsonl.gz");
    Files.write(truncated, new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0});
    assertThatThrownBy(() -> OasstImporter.read(truncated, "en", COMPACT, OnBadRow.SKIP, 0, "r"))
        .hasMessageContaining("Cannot read seed file");
  }

  private static String tree(String id, String root) {
    return treeIn(id, "ready_for_export", root);
  }

  /** A tree in {@code state}; null leaves the tree_state field out. */
  private static String treeIn(String id, String state, String root) {
    return "{\"message_tree_id\": \"" + id + "\", "
        + (state == null ? "" : "\"tree_state\": \"" + state + "\", ") + "\"prompt\": " + root + "}";
  }

  private static String msg(String id, String role, String lang, String text, Integer rank, String extra,
      String... replies) {
    return "{\"message_id\": \"" + id + "\", \"text\": \"" + text + "\", \"role\": \"" + role + "\", \"lang\": \""
        + lang + "\", \"rank\": " + rank + extra + ", \"replies\": [" + String.join(", ", replies) + "]}";
  }

  private Path write(String name, String text) throws IOException {
    Path f = dir.resolve(name);
    Files.writeString(f, text, StandardCharsets.UTF_8);
    return f;
  }
}

package io.srlm.seed;

import com.fasterxml.jackson.databind.JsonNode;
import io.srlm.errors.Errors;
import io.srlm.prompting.JudgeTemplate;
import io.srlm.tables.SeedEft;
import io.srlm.tables.SeedIft;
import io.srlm.util.StableIds;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Imports the official Open Assistant (oasst1 / oasst2) message-tree export, {@code *.trees.jsonl} or
 * {@code *.trees.jsonl.gz}: one tree per line, {@code {"message_tree_id": ..., "prompt": {message}}}, where a message
 * has message_id, text, role ("prompter" or "assistant"), lang, deleted, review_result, rank and replies.
 *
 * <p>The paper's recipe, first turn only, in the configured language:
 * <ul>
 *   <li>IFT: the root prompt and its best-ranked assistant reply (rank 0; the lowest rank left when rank 0 was
 *   deleted or failed review).</li>
 *   <li>EFT: the root's assistant replies with a rank, when there are at least two, form one group with
 *   humanRank = the human rank. The judging target needs a score, and the export has only ranks, so a heuristic
 *   maps rank r to the 0-5 score max(1, 5 - r) (best 5, then 4, 3, 2, and 1 for the rest), rescaled to the judge
 *   template's range; the justification names the human ranking ("Human raters ranked this reply 2nd of 4.").</li>
 * </ul>
 * Only trees whose {@code tree_state} is {@code ready_for_export} are imported, as in Open Assistant's own training
 * loader: a tree still growing or being ranked has no final ranks, and one halted by a moderator or aborted for low
 * grades is not for training. The others are skipped and counted by state ({@code trees_not_ready} and
 * {@code trees_state.STATE}, STATE {@code missing} when the field is absent). Trees in other languages, and deleted
 * or failed-review messages (review_result false), are skipped and counted too.
 * Splits are by a hash of message_tree_id. Bad lines follow seed.on_bad_row like {@link JsonlSeedReader}.
 */
public final class OasstImporter {
  /** The one tree_state whose trees are final and meant for training. */
  static final String READY = "ready_for_export";
  private static final String EXAMPLE = "{\"message_tree_id\": \"...\", \"prompt\": {\"text\": \"...\", "
      + "\"role\": \"prompter\", \"lang\": \"en\", \"replies\": [...]}}";

  /** The fields of one message that the import uses. */
  private record Message(String id, String text, String role, String lang, boolean deleted, Boolean review,
      Integer rank, JsonNode replies) {}

  private OasstImporter() {}

  /**
   * @param lang the language code to keep (config seed.oasst_lang, e.g. "en"); blank keeps every language
   */
  public static SeedData read(Path file, String lang, JudgeTemplate judge, OnBadRow mode, double heldoutFraction,
      String runId) {
    String name = file.toString();
    String source = "oasst:" + name;
    Map<String, Long> counts = new LinkedHashMap<>();
    for (String k : List.of("lines", "blank_lines", "trees", "trees_not_ready", "trees_other_lang", "trees_deleted",
        "trees_failed_review", "trees_without_ranked_reply", "replies_deleted", "replies_failed_review",
        "replies_other_lang")) {
      counts.put(k, 0L);
    }
    List<SeedIft> ift = new ArrayList<>();
    List<SeedEft> eft = new ArrayList<>();
    long[] groups = {0};
    JsonlPass.Result pass = JsonlPass.read(file, "seed.oasst_path", mode, runId, EXAMPLE,
        "re-download the export; it should be UTF-8", (o, line) -> groups[0] += tree(o, line, lang, judge,
            heldoutFraction, runId, source, counts, ift, eft));
    BadRows bad = pass.bad();
    counts.put("lines", pass.lines());
    counts.put("blank_lines", pass.blank());
    if (ift.isEmpty() && eft.isEmpty()) {
      throw Errors.seedNoUsableRows(name, "no tree gave a row (" + counts + ", rejected rows: " + bad.size() + ")",
          "check seed.oasst_lang (\"" + lang + "\") and that the file is a *.trees.jsonl export with ranked replies "
              + "and trees in tree_state " + READY);
    }
    counts.put("ift_rows", (long) ift.size());
    counts.put("eft_groups", groups[0]);
    counts.put("eft_rows", (long) eft.size());
    counts.put("heldout_ift", ift.stream().filter(r -> r.split().equals(SeedSplit.HELDOUT)).count());
    counts.put("heldout_eft", eft.stream().filter(r -> r.split().equals(SeedSplit.HELDOUT)).count());
    bad.addCounts(counts);
    return new SeedData(ift, eft, bad.rows(), counts);
  }

  /** Adds the rows of one tree; returns the number of EFT groups it made (0 or 1). */
  private static int tree(JsonNode o, long line, String lang, JudgeTemplate judge, double heldoutFraction,
      String runId, String source, Map<String, Long> counts, List<SeedIft> ift, List<SeedEft> eft) throws BadRow {
    JsonNode promptNode = o.get("prompt");
    if (promptNode == null || promptNode.isNull()) {
      String fix = o.has("message_id") && o.has("parent_id")
          ? "this looks like the flat messages export; use the *.trees.jsonl(.gz) file of the same release"
          : "give each line a \"prompt\" object with the root message, as in the *.trees.jsonl export";
      throw new BadRow("missing_field", "missing field \"prompt\" (the root message of the tree)", fix);
    }
    if (!promptNode.isObject()) {
      throw JsonRows.wrongType("prompt", promptNode, "an object (the root message)", "\"prompt\": {\"text\": ...}");
    }
    Message root = message(promptNode, "prompt");
    String treeId = JsonRows.optionalText(o, "message_tree_id");
    if (treeId == null) {
      treeId = root.id();
    }
    if (treeId == null || treeId.isBlank()) {
      throw new BadRow("missing_field", "missing field \"message_tree_id\" (and the root has no message_id)",
          "add \"message_tree_id\": \"...\"");
    }
    if (!"prompter".equals(root.role())) {
      throw new BadRow("wrong_value", "the root message has role \"" + root.role() + "\", not \"prompter\"",
          "the root of a tree must be the user's prompt");
    }
    counts.merge("trees", 1L, Long::sum);
    String state = JsonRows.optionalText(o, "tree_state");
    if (!READY.equals(state)) {
      counts.merge("trees_not_ready", 1L, Long::sum);
      counts.merge("trees_state." + stateKey(state), 1L, Long::sum);
      return 0;
    }
    if (!sameLang(lang, root.lang())) {
      counts.merge("trees_other_lang", 1L, Long::sum);
      return 0;
    }
    if (root.deleted()) {
      counts.merge("trees_deleted", 1L, Long::sum);
      return 0;
    }
    if (Boolean.FALSE.equals(root.review())) {
      counts.merge("trees_failed_review", 1L, Long::sum);
      return 0;
    }
    List<Message> ranked = new ArrayList<>();
    int rankedTotal = 0;
    if (root.replies() != null) {
      for (int i = 0; i < root.replies().size(); i++) {
        JsonNode r = root.replies().get(i);
        String where = "prompt.replies[" + i + "]";
        if (!r.isObject()) {
          throw JsonRows.wrongType(where, r, "an object (a message)", "{\"text\": ..., \"role\": \"assistant\"}");
        }
        Message m = message(r, where);
        if (!"assistant".equals(m.role())) {
          continue;
        }
        rankedTotal += m.rank() == null ? 0 : 1;
        if (m.deleted()) {
          counts.merge("replies_deleted", 1L, Long::sum);
        } else if (Boolean.FALSE.equals(m.review())) {
          counts.merge("replies_failed_review", 1L, Long::sum);
        } else if (!sameLang(lang, m.lang())) {
          counts.merge("replies_other_lang", 1L, Long::sum);
        } else if (m.rank() != null) {
          ranked.add(m);
        }
      }
    }
    if (ranked.isEmpty()) {
      counts.merge("trees_without_ranked_reply", 1L, Long::sum);
      return 0;
    }
    ranked.sort(Comparator.comparingInt(Message::rank));
    String split = SeedSplit.of(treeId, heldoutFraction);
    ift.add(new SeedIft(runId, 0, StableIds.id("ift", source, line), source, split, "general", root.text(),
        ranked.get(0).text()));
    if (ranked.size() < 2) {
      return 0;
    }
    List<EftRows.Candidate> cands = new ArrayList<>();
    for (Message m : ranked) {
      String place = ordinal(m.rank() + 1) + " of " + rankedTotal;
      cands.add(new EftRows.Candidate(m.text(), scoreForRank(m.rank()), m.rank(),
          "Human raters ranked this reply " + place + ".", "was ranked " + place + " by human raters"));
    }
    eft.addAll(EftRows.build(judge, new EftRows.Group(runId, source, split, "general", line, root.text(), ""),
        cands));
    return 1;
  }

  /** The heuristic 0-5 score for a human rank (0 = best): 5, 4, 3, 2, then 1. */
  static int scoreForRank(int rank) {
    return Math.max(1, 5 - rank);
  }

  /** The message's fields; a bad field's problem names where it is, e.g. "in prompt.replies[1]: ...". */
  private static Message message(JsonNode m, String where) throws BadRow {
    try {
      String text = JsonRows.requiredText(m, "text", "the message text");
      JsonNode replies = m.get("replies");
      if (replies != null && !replies.isNull() && !replies.isArray()) {
        throw JsonRows.wrongType("replies", replies, "a list of messages", "\"replies\": []");
      }
      return new Message(JsonRows.optionalText(m, "message_id"), text, JsonRows.optionalText(m, "role"),
          JsonRows.optionalText(m, "lang"), Boolean.TRUE.equals(JsonRows.optionalBoolean(m, "deleted")),
          JsonRows.optionalBoolean(m, "review_result"), JsonRows.optionalRank(m, "rank"),
          replies == null || replies.isNull() ? null : replies);
    } catch (BadRow e) {
      throw new BadRow(e.reason, "in " + where + ": " + e.problem, e.fix);
    }
  }

  /** A tree_state as a count key: "missing" when absent, else its letters, digits and underscores (at most 40). */
  static String stateKey(String state) {
    if (state == null || state.isBlank()) {
      return "missing";
    }
    String k = state.trim().replaceAll("[^A-Za-z0-9_]", "_");
    return k.length() > 40 ? k.substring(0, 40) : k;
  }

  private static boolean sameLang(String wanted, String actual) {
    return wanted == null || wanted.isBlank() || wanted.equalsIgnoreCase(actual);
  }

  static String ordinal(int n) {
    int mod100 = n % 100;
    String suffix = mod100 >= 11 && mod100 <= 13 ? "th"
        : switch (n % 10) {
          case 1 -> "st";
          case 2 -> "nd";
          case 3 -> "rd";
          default -> "th";
        };
    return n + suffix;
  }
}

package io.srlm.seed;

import com.fasterxml.jackson.databind.JsonNode;
import io.srlm.errors.Errors;
import io.srlm.prompting.JudgeTemplate;
import io.srlm.prompting.ScoreParser;
import io.srlm.tables.SeedEft;
import io.srlm.tables.SeedIft;
import io.srlm.util.StableIds;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads user seed data: one JSON object per line, {@code {"prompt": "...", "completion": "..."}}, as in the Oxen
 * reproduction's ift.jsonl and ift+eft.jsonl. Blank lines are ignored; the file may be gzip-compressed.
 *
 * <p>IFT rows need only prompt and completion (task type "general"). EFT rows are judge prompts whose completion
 * ends in a score the judge template's parser reads (that is the human score); they may also give
 * {@code question} and {@code response} (else they are read back out of the prompt when it was rendered with the
 * template, else left empty), {@code group_id} (rows judging answers to the same question; without it each row is
 * its own group) and {@code rank} (0 = best within the group; used only when every row of the group has one, else
 * ranks come from the scores, ties sharing a rank).
 *
 * <p>Splits are by a hash of the question: an IFT row's prompt; an EFT group's question, else its group_id, else
 * the row's prompt. Every bad line is either an error naming the file and line (FAIL) or a rejected row (SKIP).
 */
public final class JsonlSeedReader {
  /** Which table the file fills. */
  public enum Kind { IFT, EFT }

  private static final String EXAMPLE = "{\"prompt\": \"...\", \"completion\": \"...\"}";

  /** One good EFT line, before groups and ranks are known. */
  private record EftLine(long line, String prompt, String completion, String question, String response,
      String groupKey, Integer rank, double score) {}

  private JsonlSeedReader() {}

  public static SeedData read(Path file, Kind kind, JudgeTemplate judge, OnBadRow mode, double heldoutFraction,
      String runId) {
    String name = file.toString();
    String source = "jsonl:" + name;
    List<SeedIft> ift = new ArrayList<>();
    List<EftLine> eftLines = new ArrayList<>();
    JsonlPass.Result pass = JsonlPass.read(file, kind == Kind.IFT ? "seed.ift_path" : "seed.eft_path", mode, runId,
        EXAMPLE, "save the file as UTF-8", (o, line) -> {
          String prompt = JsonRows.requiredText(o, "prompt", "the user turn");
          String completion = JsonRows.requiredText(o, "completion", "the assistant turn");
          if (kind == Kind.IFT) {
            ift.add(new SeedIft(runId, 0, StableIds.id("ift", source, line), source,
                SeedSplit.of(prompt, heldoutFraction), "general", prompt, completion));
          } else {
            eftLines.add(eftLine(o, line, prompt, completion, judge));
          }
        });
    BadRows bad = pass.bad();
    Map<String, Long> counts = new LinkedHashMap<>();
    List<SeedEft> eft = kind == Kind.EFT ? eftRows(eftLines, source, judge, heldoutFraction, runId, counts)
        : List.of();
    if (ift.isEmpty() && eft.isEmpty()) {
      throw Errors.seedNoUsableRows(name, "all " + bad.size() + " rows are bad and were skipped",
          "fix the rows listed in rejected_rows (or run with seed.on_bad_row=fail to see the first one)");
    }
    counts.put("lines", pass.lines());
    counts.put("blank_lines", pass.blank());
    if (kind == Kind.IFT) {
      counts.put("ift_rows", (long) ift.size());
      counts.put("heldout_ift", ift.stream().filter(r -> r.split().equals(SeedSplit.HELDOUT)).count());
    } else {
      counts.put("eft_rows", (long) eft.size());
      counts.put("heldout_eft", eft.stream().filter(r -> r.split().equals(SeedSplit.HELDOUT)).count());
    }
    bad.addCounts(counts);
    return new SeedData(ift, eft, bad.rows(), counts);
  }

  private static EftLine eftLine(JsonNode o, long line, String prompt, String completion, JudgeTemplate judge)
      throws BadRow {
    ScoreParser.Parsed p = judge.parser().parse(completion);
    if (!p.ok()) {
      String example = judge.kind() == JudgeTemplate.Kind.POINTWISE ? judge.formatScore(judge.scoreMax())
          : judge.formatWinner(ScoreParser.Choice.A);
      throw new BadRow("no_score", "the completion has no score that judge template '" + judge.name()
          + "' can read (" + p.status().column() + ")",
          "end the completion with exactly one line like \"" + example + "\" (score_regex " + judge.scoreRegex()
              + ", range " + judge.scoreMin() + " to " + judge.scoreMax() + ")");
    }
    String question = JsonRows.optionalText(o, "question");
    String response = JsonRows.optionalText(o, "response");
    if (question == null || response == null) {
      Map<String, String> fields = JudgePromptFields.extract(judge, prompt);
      question = question != null ? question : fields.getOrDefault("prompt", "");
      response = response != null ? response
          : fields.getOrDefault("response", fields.getOrDefault("response_a", ""));
    }
    JsonNode g = o.get("group_id");
    String groupKey;
    if (g == null || g.isNull()) {
      groupKey = null;
    } else if (g.isTextual() || g.isIntegralNumber()) {
      groupKey = g.asText();
    } else {
      throw JsonRows.wrongType("group_id", g, "a string or a whole number", "\"group_id\": \"q17\"");
    }
    return new EftLine(line, prompt, completion, question, response, groupKey,
        JsonRows.optionalRank(o, "rank"), p.score());
  }

  private static List<SeedEft> eftRows(List<EftLine> lines, String source, JudgeTemplate judge,
      double heldoutFraction, String runId, Map<String, Long> counts) {
    Map<String, List<EftLine>> groups = new LinkedHashMap<>();
    for (EftLine l : lines) {
      String key = l.groupKey() != null ? "group:" + l.groupKey() : "line:" + l.line();
      groups.computeIfAbsent(key, k -> new ArrayList<>()).add(l);
    }
    List<SeedEft> out = new ArrayList<>();
    for (Map.Entry<String, List<EftLine>> e : groups.entrySet()) {
      List<EftLine> g = e.getValue();
      EftLine first = g.get(0);
      String splitKey = !first.question().isBlank() ? first.question()
          : first.groupKey() != null ? first.groupKey() : first.prompt();
      String split = SeedSplit.of(splitKey, heldoutFraction);
      String groupId = StableIds.id("grp", source, e.getKey());
      List<Double> scores = g.stream().map(EftLine::score).toList();
      int[] byScore = EftRows.ranksByScore(scores);
      boolean ranked = g.stream().allMatch(l -> l.rank() != null);
      for (int i = 0; i < g.size(); i++) {
        EftLine l = g.get(i);
        out.add(new SeedEft(runId, 0, StableIds.id("eft", source, e.getKey(), l.line()), source, split, "general",
            groupId, l.question(), l.response(), l.score(), ranked ? l.rank() : byScore[i], l.prompt(),
            l.completion()));
      }
    }
    counts.put("eft_groups", (long) groups.size());
    return out;
  }
}

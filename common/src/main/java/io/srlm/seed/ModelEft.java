package io.srlm.seed;

import io.srlm.prompting.JudgeTemplate;
import io.srlm.prompting.ScoreParser;
import io.srlm.tables.SeedEft;
import io.srlm.util.StableIds;
import java.util.ArrayList;
import java.util.List;

/**
 * EFT rows as the paper builds them (Yuan et al. 2024, section 2.2): for a question with answers of known ranking,
 * the model writes judgements with the judge template, and only judgements whose scores agree with the known
 * ranking become training rows; the rows teach the model its own judgements, not a scripted text.
 *
 * <p>Agreement, for one group: for each answer, of the model's judgement samples the one whose parsed score is
 * closest to the answer's known score is chosen (the first on a tie); the group agrees when every answer has a parsed
 * judgement and, for every two answers of different known rank, the better one's chosen score is strictly higher.
 * A group whose answers all share one rank carries no ranking and is dropped. A group that does not agree is
 * dropped, or, with {@code fallback}, becomes rows of the rank-to-score mapping ({@link EftRows}: the grader's
 * justification and the known score; source {@link #SOURCE_FALLBACK}), named as such in the table.
 * Pointwise templates only.
 */
public final class ModelEft {
  /** seed_eft.source of rows whose completion is the model's own agreeing judgement. */
  public static final String SOURCE_AGREED = "model_eft";
  /** seed_eft.source of rows written by the rank-to-score mapping for groups the model did not judge right. */
  public static final String SOURCE_FALLBACK = "fallback_eft";

  /**
   * An answer of known quality.
   *
   * @param known its known score on the template's scale (the grader's, or the human score of a seed row)
   * @param rank 0 = best in the group; equal quality shares a rank
   * @param justification the fallback target's justification sentence (empty: no fallback row for it)
   */
  public record Answer(String response, double known, int rank, String justification) {}

  /**
   * A question with ranked answers.
   *
   * @param origin where the ranking comes from ("grader" for graded model answers, else the seed source)
   * @param key identifies the group within its origin (stable ids derive from it)
   */
  public record Group(String runId, String origin, Object key, String split, String taskType, String question,
      List<Answer> answers) {}

  public enum Outcome { AGREED, FALLBACK, DROPPED_NO_RANKING, DROPPED_DISAGREED }

  public record Result(Outcome outcome, List<SeedEft> rows) {}

  private ModelEft() {}

  /**
   * @param judgements per answer (same order as the group's), the model's judgement texts (any number of samples)
   */
  public static Result build(JudgeTemplate judge, Group g, List<List<String>> judgements, boolean fallback) {
    if (judge.kind() != JudgeTemplate.Kind.POINTWISE) {
      throw new IllegalArgumentException("model-written EFT needs a pointwise judge template, got " + judge.name());
    }
    if (judgements.size() != g.answers().size()) {
      throw new IllegalArgumentException("group " + g.key() + ": " + judgements.size() + " judgement lists for "
          + g.answers().size() + " answers");
    }
    if (g.answers().stream().mapToInt(Answer::rank).distinct().count() < 2) {
      return new Result(Outcome.DROPPED_NO_RANKING, List.of());
    }
    ScoreParser parser = judge.parser();
    List<String> chosen = new ArrayList<>();
    List<Double> scores = new ArrayList<>();
    for (int i = 0; i < g.answers().size(); i++) {
      String best = null;
      double bestScore = Double.NaN;
      for (String text : judgements.get(i)) {
        ScoreParser.Parsed p = parser.parse(text);
        if (p.ok() && (best == null || Math.abs(p.score() - g.answers().get(i).known())
            < Math.abs(bestScore - g.answers().get(i).known()))) {
          best = text;
          bestScore = p.score();
        }
      }
      chosen.add(best);
      scores.add(bestScore);
    }
    if (agrees(g.answers(), chosen, scores)) {
      List<SeedEft> rows = new ArrayList<>();
      String groupId = StableIds.id("grp", SOURCE_AGREED, g.origin(), g.key());
      for (int i = 0; i < g.answers().size(); i++) {
        Answer a = g.answers().get(i);
        rows.add(new SeedEft(g.runId(), 0, StableIds.id("eft", SOURCE_AGREED, g.origin(), g.key(), i),
            SOURCE_AGREED, g.split(), g.taskType(), groupId, g.question(), a.response(), a.known(), a.rank(),
            judge.renderPointwise(g.question(), a.response()), chosen.get(i).strip()));
      }
      return new Result(Outcome.AGREED, rows);
    }
    if (!fallback || g.answers().stream().anyMatch(a -> a.justification().isEmpty())) {
      return new Result(Outcome.DROPPED_DISAGREED, List.of());
    }
    List<EftRows.Candidate> cands = new ArrayList<>();
    for (Answer a : g.answers()) {
      double score5 = (a.known() - judge.scoreMin()) / (judge.scoreMax() - judge.scoreMin()) * 5.0;
      cands.add(new EftRows.Candidate(a.response(), score5, a.rank(), a.justification(), ""));
    }
    EftRows.Group eg = new EftRows.Group(g.runId(), SOURCE_FALLBACK, g.split(), g.taskType(),
        g.origin() + ":" + g.key(), g.question(),
        BuiltinTasks.parse(g.question()).map(Task::expected).orElse(""));
    return new Result(Outcome.FALLBACK, EftRows.build(judge, eg, cands));
  }

  private static boolean agrees(List<Answer> answers, List<String> chosen, List<Double> scores) {
    for (int i = 0; i < answers.size(); i++) {
      if (chosen.get(i) == null) {
        return false;
      }
      for (int j = 0; j < answers.size(); j++) {
        if (answers.get(i).rank() < answers.get(j).rank() && !(scores.get(i) > scores.get(j))) {
          return false;
        }
      }
    }
    return true;
  }
}

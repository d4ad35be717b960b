package io.srlm.seed;

import io.srlm.prompting.JudgeTemplate;
import io.srlm.prompting.ScoreParser;
import io.srlm.tables.SeedEft;
import io.srlm.util.StableIds;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Turns one judged group (a question and answers with 0-5 scores) into seed_eft rows for a judge template.
 *
 * <p>Pointwise templates: one row per answer; the target is the justification and the score line, with the 0-5
 * score mapped linearly onto the template's range (rounded on integer scales). With a reference-guided template
 * ({@link JudgeTemplate#usesReference}) and a group whose expected answer is known, the target starts with the
 * template's expected-answer line ("Expected: cat fox red."). Pairwise templates: up to as many
 * pairs as there are answers, drawn (with a seed derived from the group id) from the pairs with different scores,
 * each in both orders; the target names each answer's quality and the winner. A pairwise row's {@code response} is
 * answer A, its {@code humanScore} the parser's value of the verdict (1 = A, 0 = B), its {@code humanRank} A's rank.
 */
final class EftRows {
  /**
   * One judged answer.
   *
   * @param score5 the score on the 0-5 additive scale
   * @param rank 0 = best in the group; ties share a rank
   * @param justification the pointwise justification sentence
   * @param pairPhrase a verb phrase for pairwise targets ("Response A " + phrase + ".")
   */
  record Candidate(String response, double score5, int rank, String justification, String pairPhrase) {}

  /**
   * Where the rows come from and which split they are in.
   *
   * @param reference the question's expected answer when a grader knows it, else empty (no expected-answer line)
   */
  record Group(String runId, String source, String split, String taskType, Object groupKey, String question,
      String reference) {
    String groupId() {
      return StableIds.id("grp", source, groupKey);
    }
  }

  private EftRows() {}

  static List<SeedEft> build(JudgeTemplate judge, Group g, List<Candidate> cands) {
    List<SeedEft> out = new ArrayList<>();
    String groupId = g.groupId();
    if (judge.kind() == JudgeTemplate.Kind.POINTWISE) {
      String lead = judge.formatReference(g.reference()).map(line -> line + "\n").orElse("");
      String shown = shownReference(g, cands);
      for (int i = 0; i < cands.size(); i++) {
        Candidate c = cands.get(i);
        double score = rescale(c.score5(), judge);
        out.add(new SeedEft(g.runId(), 0, StableIds.id("eft", g.source(), g.groupKey(), i), g.source(), g.split(),
            g.taskType(), groupId, g.question(), c.response(), score, c.rank(),
            judge.renderPointwise(g.question(), c.response(), shown),
            lead + c.justification() + "\n" + judge.formatScore(score)));
      }
      return out;
    }
    for (int[] p : pairs(cands, groupId)) {
      for (int[] ab : new int[][] {{p[0], p[1]}, {p[1], p[0]}}) {
        Candidate a = cands.get(ab[0]);
        Candidate b = cands.get(ab[1]);
        boolean aWins = a.score5() > b.score5();
        String target = "Response A " + a.pairPhrase() + ". Response B " + b.pairPhrase() + ".\n"
            + judge.formatWinner(aWins ? ScoreParser.Choice.A : ScoreParser.Choice.B);
        out.add(new SeedEft(g.runId(), 0, StableIds.id("eft", g.source(), g.groupKey(), ab[0], ab[1]), g.source(),
            g.split(), g.taskType(), groupId, g.question(), a.response(), aWins ? 1.0 : 0.0, a.rank(),
            judge.renderPairwise(g.question(), a.response(), b.response()), target));
      }
    }
    return out;
  }

  /**
   * The reference answer a self-reference template shows in the prompt: the question's known answer, else the
   * group's best-ranked answer (the humans' choice).
   */
  static String shownReference(Group g, List<Candidate> cands) {
    if (g.reference() != null && !g.reference().isBlank()) {
      return g.reference();
    }
    return cands.stream().min(java.util.Comparator.comparingInt(Candidate::rank)).map(Candidate::response)
        .orElse("");
  }

  /** A 0-5 score on the template's scale: linear, rounded to a whole number on integer scales. */
  static double rescale(double score5, JudgeTemplate judge) {
    double v = judge.scoreMin() + score5 / 5.0 * (judge.scoreMax() - judge.scoreMin());
    return judge.scoreType() == JudgeTemplate.ScoreType.INTEGER ? Math.round(v) : v;
  }

  /** Ranks by descending score: the number of answers with a strictly higher score (0 = best, ties share). */
  static int[] ranksByScore(List<Double> scores) {
    int[] ranks = new int[scores.size()];
    for (int i = 0; i < ranks.length; i++) {
      for (double other : scores) {
        if (other > scores.get(i)) {
          ranks[i]++;
        }
      }
    }
    return ranks;
  }

  private static List<int[]> pairs(List<Candidate> cands, String groupId) {
    List<int[]> all = new ArrayList<>();
    for (int i = 0; i < cands.size(); i++) {
      for (int j = i + 1; j < cands.size(); j++) {
        if (cands.get(i).score5() != cands.get(j).score5()) {
          all.add(new int[] {i, j});
        }
      }
    }
    Collections.shuffle(all, new Random(StableIds.seed("pairs", groupId)));
    return all.subList(0, Math.min(all.size(), cands.size()));
  }
}

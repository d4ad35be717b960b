package io.srlm.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Within-prompt AUC of a judge against ground truth: over every (right answer, wrong answer) pair of the same
 * prompt, the probability that the judge scored the right one higher (a tie counts 1/2). 1 = the judge always ranks
 * a right answer above a wrong one of the same prompt, 0.5 = chance. Answers are compared within a prompt only (as
 * pair building does): across prompts, task difficulty and answer style would confound the comparison. Answers
 * without a score (unparsed judgements) are left out. With no prompt holding both a right and a wrong scored
 * answer the AUC is NaN and {@code pairs} is 0.
 *
 * @param auc the within-prompt AUC
 * @param pairs the number of (right, wrong) pairs compared
 * @param prompts the number of prompts with at least one such pair
 */
public record TruthAuc(double auc, long pairs, long prompts) {
  /** One judged answer: its prompt, whether it is right, and the judge's (mean) score, or null if unparsed. */
  public record Scored(String promptId, boolean correct, Double score) {}

  /**
   * A 95% percentile-bootstrap interval of the AUC, resampling prompts (with replacement, {@code reps} times, from
   * a generator seeded with {@code seed}; resamples without a pair are skipped). Null with no pair at all.
   */
  public static Interval bootstrap95(List<Scored> answers, int reps, long seed) {
    Map<String, List<Scored>> byPrompt = new TreeMap<>();
    for (Scored s : answers) {
      byPrompt.computeIfAbsent(s.promptId(), k -> new ArrayList<>()).add(s);
    }
    List<List<Scored>> prompts = new ArrayList<>(byPrompt.values());
    if (Double.isNaN(of(answers).auc())) {
      return null;
    }
    java.util.Random rnd = new java.util.Random(seed);
    List<Double> aucs = new ArrayList<>();
    for (int i = 0; i < reps; i++) {
      List<Scored> sample = new ArrayList<>();
      for (int j = 0; j < prompts.size(); j++) {
        int pick = rnd.nextInt(prompts.size());
        for (Scored s : prompts.get(pick)) {
          sample.add(new Scored(s.promptId() + "#" + j, s.correct(), s.score()));
        }
      }
      double a = of(sample).auc();
      if (!Double.isNaN(a)) {
        aucs.add(a);
      }
    }
    return new Interval(Stats.quantile(aucs, 0.025), Stats.quantile(aucs, 0.975));
  }

  public static TruthAuc of(List<Scored> answers) {
    Map<String, List<Double>> right = new TreeMap<>();
    Map<String, List<Double>> wrong = new TreeMap<>();
    for (Scored s : answers) {
      if (s.score() != null) {
        (s.correct() ? right : wrong).computeIfAbsent(s.promptId(), k -> new ArrayList<>()).add(s.score());
      }
    }
    double wins = 0;
    long pairs = 0;
    long prompts = 0;
    for (Map.Entry<String, List<Double>> e : right.entrySet()) {
      List<Double> bad = wrong.getOrDefault(e.getKey(), List.of());
      prompts += bad.isEmpty() ? 0 : 1;
      for (double a : e.getValue()) {
        for (double b : bad) {
          wins += a > b ? 1 : a == b ? 0.5 : 0;
          pairs++;
        }
      }
    }
    return new TruthAuc(pairs == 0 ? Double.NaN : wins / pairs, pairs, prompts);
  }
}

package io.srlm.steps;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Per prompt (a Spark group): the highest-scored response is chosen and the lowest rejected. A prompt is dropped
 * (and counted) when fewer than two responses have a valid mean score, when best and worst tie ({@code tie}), or
 * when the margin is not above pairs.min_margin ({@code below_margin}).
 *
 * <p>Responses with the same text are one candidate: its score is the mean of their mean scores (the judge's view
 * of that text; in sample-index order), its id and index those of its lowest sample index. A small model often
 * samples the same answer several times and the judge's noise scores the copies apart; without the merge the best
 * and the worst could be the same text, a pair DPO learns nothing from (its chosen and rejected log-ratios cancel).
 * A prompt whose valid responses are all the same text is dropped ({@code one_distinct_text}).
 *
 * <p>Length control (epsilon >= 0, the Meta-Rewarding length control): the chosen response is the shortest (fewest
 * completion tokens) of those scoring at least {@code top - epsilon}, where {@code top} is the best score of the
 * prompt: a fixed threshold, so a chain of ever shorter, ever lower responses cannot walk below it. A response
 * is eligible only if it would still make a pair (its margin over the rejected one is above pairs.min_margin), so
 * length control never turns a pair into a drop. Equally short eligible responses: the higher score, then the
 * lower sample index.
 *
 * <p>The result does not depend on the order of the group's rows: ties on score break on the lower sample index,
 * then the response id.
 *
 * <p>Input: the prompt's {@link PairCandidate}s; output: one {@link PairChoice}.
 */
final class PairSelector implements PairOutputs.Rule<PairCandidate> {
  private static final long serialVersionUID = 1L;

  private final double minMargin;
  private final double lengthEpsilon;

  PairSelector(double minMargin, double lengthEpsilon) {
    this.minMargin = minMargin;
    this.lengthEpsilon = lengthEpsilon;
  }

  /** By sample index, then response id: the tie-break that makes selection independent of row order. */
  private static final Comparator<PairCandidate> BY_INDEX = Comparator.comparingInt(PairCandidate::sampleIndex)
      .thenComparing(PairCandidate::responseId);

  /** The pair (or the drop) for one prompt's responses, in any order. */
  @Override
  public PairChoice select(String promptId, List<PairCandidate> all) {
    List<PairCandidate> valid = new ArrayList<>();
    for (PairCandidate c : all) {
      if (c.scored()) {
        valid.add(c);
      }
    }
    valid.sort(BY_INDEX);
    String prompt = all.isEmpty() ? null : all.stream().min(BY_INDEX).orElseThrow().prompt();
    if (valid.size() < 2) {
      return PairChoice.drop(promptId, prompt, "fewer_than_2_valid", valid.size() + " of " + all.size()
          + " responses have a valid score");
    }
    int scored = valid.size();
    valid = mergeSameText(valid);
    if (valid.size() < 2) {
      return PairChoice.drop(promptId, prompt, "one_distinct_text", "the " + scored
          + " responses with a valid score all have the same text");
    }
    PairCandidate best = valid.get(0);
    PairCandidate worst = valid.get(0);
    for (PairCandidate c : valid) { // strict comparisons: among equal scores the lowest sample index wins
      if (c.meanScore() > best.meanScore()) {
        best = c;
      }
      if (c.meanScore() < worst.meanScore()) {
        worst = c;
      }
    }
    double margin = best.meanScore() - worst.meanScore();
    if (margin == 0) {
      return PairChoice.drop(promptId, prompt, "tie", "all valid scores equal " + best.meanScore());
    }
    if (margin <= minMargin) {
      return PairChoice.drop(promptId, prompt, "below_margin", "margin " + margin + " <= " + minMargin);
    }
    PairCandidate chosen = lengthEpsilon < 0 ? best : shortestNearTop(valid, best.meanScore() - lengthEpsilon,
        worst.meanScore() + minMargin);
    return PairChoice.pair(promptId, prompt, chosen.responseId(), worst.responseId(), chosen.response(),
        worst.response(), chosen.meanScore(), worst.meanScore());
  }

  /** One candidate per distinct text, in {@code sorted}'s (index) order, scored by the mean of its copies' means. */
  private static List<PairCandidate> mergeSameText(List<PairCandidate> sorted) {
    Map<String, List<PairCandidate>> byText = new LinkedHashMap<>();
    for (PairCandidate c : sorted) {
      byText.computeIfAbsent(c.response(), k -> new ArrayList<>()).add(c);
    }
    if (byText.size() == sorted.size()) {
      return sorted;
    }
    List<PairCandidate> out = new ArrayList<>(byText.size());
    for (List<PairCandidate> copies : byText.values()) {
      PairCandidate first = copies.get(0);
      double sum = 0;
      for (PairCandidate c : copies) {
        sum += c.meanScore();
      }
      out.add(new PairCandidate(first.promptId(), first.responseId(), first.sampleIndex(), first.prompt(),
          first.response(), first.completionTokens(), sum / copies.size()));
    }
    return out;
  }

  /**
   * The shortest response with score >= {@code floor} (fixed: the best score minus epsilon) and score > {@code
   * above} (so it still makes a pair); equally short: the higher score, then the lower index. {@code valid} is
   * sorted by index and holds the best response, which always qualifies.
   */
  private static PairCandidate shortestNearTop(List<PairCandidate> valid, double floor, double above) {
    PairCandidate chosen = null;
    for (PairCandidate c : valid) {
      if (c.meanScore() < floor || c.meanScore() <= above) {
        continue;
      }
      if (chosen == null || c.completionTokens() < chosen.completionTokens()
          || (c.completionTokens() == chosen.completionTokens() && c.meanScore() > chosen.meanScore())) {
        chosen = c;
      }
    }
    return chosen;
  }
}

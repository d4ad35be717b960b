package io.srlm.eval;

/**
 * One judged response of a {@link JudgeGroup}.
 *
 * @param humanRank the human ranking within the group: 0 = best, larger = worse, tied responses share a rank
 * @param score the model's score (e.g. the mean of its parsed judgements), or null when no judgement parsed
 */
public record JudgeItem(int humanRank, Double score) {
  public JudgeItem {
    if (humanRank < 0) {
      throw new IllegalArgumentException("human rank must be >= 0 (0 = best), got " + humanRank);
    }
    if (score != null && (score.isNaN() || score.isInfinite())) {
      throw new IllegalArgumentException("score must be finite or null (unparsed), got " + score);
    }
  }

  public boolean scored() {
    return score != null;
  }
}

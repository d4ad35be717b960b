package io.srlm.model;

import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/** Batched log-probability scoring of completions given prompts (no gradients), in length-sorted batches. */
public final class Scorer {
  /** Sum and mean of the completion's token log-probs. */
  public record Score(double logprobSum, double logprobMean, int numTokens) {}

  private final LlamaModel model;
  private final int padId;
  private final int batchSize;

  public Scorer(LlamaModel model, int padId, int batchSize) {
    this.model = model;
    this.padId = padId;
    this.batchSize = Math.max(1, batchSize);
  }

  /** Scores each (prompts[i], completions[i]); results in input order. */
  public List<Score> score(List<int[]> prompts, List<int[]> completions) {
    int n = prompts.size();
    Score[] out = new Score[n];
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparingInt(i -> prompts.get(i).length + completions.get(i).length));
    for (int s = 0; s < n; s += batchSize) {
      int e = Math.min(n, s + batchSize);
      int[][] p = new int[e - s][];
      int[][] c = new int[e - s][];
      for (int j = s; j < e; j++) {
        p[j - s] = prompts.get(order[j]);
        c[j - s] = completions.get(order[j]);
      }
      SequenceBatch batch = new SequenceBatch(p, c, padId);
      float[] sums;
      try (NDManager m = model.manager().newSubManager()) {
        sums = batch.completionLogprobs(model, m, false).toFloatArray();
      }
      for (int j = s; j < e; j++) {
        int len = c[j - s].length;
        out[order[j]] = new Score(sums[j - s], sums[j - s] / len, len);
      }
    }
    return new ArrayList<>(Arrays.asList(out));
  }
}

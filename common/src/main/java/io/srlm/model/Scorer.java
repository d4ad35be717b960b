package io.srlm.model;

import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;

/** Batched log-probability scoring of completions given prompts (no gradients), in length-sorted batches. */
public record Scorer(LlamaModel model, int padId, int batchSize) {
  /** Sum and mean of the completion's token log-probs. */
  public record Score(double logprobSum, double logprobMean, int numTokens) {}

  /** Scores each (prompts[i], completions[i]); results in input order. */
  public List<Score> score(List<int[]> prompts, List<int[]> completions) {
    List<Integer> rows = new ArrayList<>();
    for (int i = 0; i < prompts.size(); i++) {
      rows.add(i);
    }
    return LengthBatches.map(rows, i -> prompts.get(i).length + completions.get(i).length, batchSize, batch -> {
      int[][] p = new int[batch.size()][];
      int[][] c = new int[batch.size()][];
      for (int j = 0; j < batch.size(); j++) {
        p[j] = prompts.get(batch.get(j));
        c[j] = completions.get(batch.get(j));
      }
      float[] sums;
      try (NDManager m = model.manager().newSubManager()) {
        sums = new SequenceBatch(p, c, padId).completionLogprobs(model, m, false).toFloatArray();
      }
      List<Score> out = new ArrayList<>(batch.size());
      for (int j = 0; j < batch.size(); j++) {
        out.add(new Score(sums[j], sums[j] / c[j].length, c[j].length));
      }
      return out;
    });
  }
}

package io.srlm.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.srlm.model.LlamaModel;
import io.srlm.model.SequenceBatch;
import java.util.List;
import java.util.Map;

/** Next-token cross-entropy on completion tokens only (prompt and padding masked), averaged per token. */
public final class SftObjective implements Objective<SftExample> {
  private final LlamaModel model;
  private final int padId;

  public SftObjective(LlamaModel model, int padId) {
    TrainingPrecision.requireF32(model);
    this.model = model;
    this.padId = padId;
  }

  @Override
  public Output forward(List<SftExample> batch, NDManager m, boolean training) {
    int[][] p = new int[batch.size()][];
    int[][] c = new int[batch.size()][];
    long tokens = 0;
    for (int i = 0; i < batch.size(); i++) {
      p[i] = batch.get(i).prompt();
      c[i] = batch.get(i).completion();
      tokens += c[i].length;
    }
    NDArray sums = new SequenceBatch(p, c, padId).completionLogprobs(model, m, training);
    NDArray loss = sums.sum().neg().div(tokens);
    return new Output(loss, Map.of(), tokens);
  }

  @Override
  public int length(SftExample e) {
    return e.prompt().length + e.completion().length;
  }

  @Override
  public long tokens(SftExample e) {
    return e.prompt().length + e.completion().length;
  }
}

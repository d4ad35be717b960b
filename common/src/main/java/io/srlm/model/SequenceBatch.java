package io.srlm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * A left-padded batch of (prompt, completion) sequences for teacher-forced scoring and training. Target t is the
 * token at t+1; its weight is 1 when that token belongs to the completion, else 0 (prompt and padding masked).
 */
public final class SequenceBatch {
  private final int[][] prompts;
  private final int[][] completions;
  private final int width;
  private final int[] pads;
  private final long[] ids;

  public SequenceBatch(int[][] prompts, int[][] completions, int padId) {
    if (prompts.length != completions.length || prompts.length == 0) {
      throw new IllegalArgumentException("need the same, non-zero number of prompts and completions");
    }
    this.prompts = prompts;
    this.completions = completions;
    int[][] full = new int[prompts.length][];
    int w = 0;
    for (int i = 0; i < prompts.length; i++) {
      if (prompts[i].length == 0 || completions[i].length == 0) {
        throw new IllegalArgumentException("row " + i + " has an empty prompt or completion");
      }
      full[i] = new int[prompts[i].length + completions[i].length];
      System.arraycopy(prompts[i], 0, full[i], 0, prompts[i].length);
      System.arraycopy(completions[i], 0, full[i], prompts[i].length, completions[i].length);
      w = Math.max(w, full[i].length);
    }
    this.width = w;
    this.pads = new int[prompts.length];
    this.ids = Batches.leftPad(full, w, padId, pads);
  }

  public int size() {
    return prompts.length;
  }

  public int width() {
    return width;
  }

  /** Total tokens (prompt + completion, padding excluded). */
  public long tokens() {
    long n = 0;
    for (int i = 0; i < prompts.length; i++) {
      n += prompts[i].length + completions[i].length;
    }
    return n;
  }

  public int completionLength(int row) {
    return completions[row].length;
  }

  /**
   * Sum of completion-token log-probabilities per row, differentiable when the model's weights or adapters
   * require gradients. Returns (B,) f32.
   */
  public NDArray completionLogprobs(LlamaModel model, NDManager m, boolean training) {
    NDArray idArr = m.create(ids, new Shape(prompts.length, width));
    NDArray hidden = model.forward(idArr, Batches.positions(m, pads, 0, width),
        Batches.mask(m, pads, 0, width, model.arch().slidingWindow()), null, training);
    NDArray logits = model.logits(hidden.get(":, :-1, :")).toType(DataType.FLOAT32, false); // (B, T-1, V)
    NDArray logp = logits.logSoftmax(-1);
    NDArray targets = idArr.get(":, 1:").expandDims(-1); // (B, T-1, 1)
    NDArray tok = logp.gather(targets, -1).squeeze(-1); // (B, T-1)
    return tok.mul(weights(m)).sum(new int[] {1});
  }

  /** (B, T-1) f32: 1 where target t is a completion token. */
  NDArray weights(NDManager m) {
    float[] w = new float[prompts.length * (width - 1)];
    for (int b = 0; b < prompts.length; b++) {
      int firstCompletion = pads[b] + prompts[b].length; // absolute index of the first completion token
      for (int t = 0; t < width - 1; t++) {
        w[b * (width - 1) + t] = (t + 1) >= firstCompletion ? 1f : 0f;
      }
    }
    return m.create(w, new Shape(prompts.length, width - 1));
  }
}

package io.srlm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/** Left padding, position ids and additive attention masks, built with arange comparisons (DJL has no tril). */
final class Batches {
  static final float MASKED = -1e9f;

  private Batches() {}

  /** (B, T) ids left-padded with {@code pad}; returns the flat ids and fills {@code pads} (pad count per row). */
  static long[] leftPad(int[][] rows, int width, int pad, int[] pads) {
    long[] out = new long[rows.length * width];
    for (int b = 0; b < rows.length; b++) {
      int p = width - rows[b].length;
      pads[b] = p;
      for (int i = 0; i < width; i++) {
        out[b * width + i] = i < p ? pad : rows[b][i - p];
      }
    }
    return out;
  }

  /** Position ids (B, T) for query indices cached..cached+T-1, counted from each row's first real token. */
  static NDArray positions(NDManager m, int[] pads, long cached, int t) {
    long[] pos = new long[pads.length * t];
    for (int b = 0; b < pads.length; b++) {
      for (int i = 0; i < t; i++) {
        pos[b * t + i] = Math.max(0, cached + i - pads[b]);
      }
    }
    return m.create(pos, new Shape(pads.length, t));
  }

  /**
   * Additive mask (B, 1, 1, T, S) for T queries at absolute indices cached..cached+T-1 over S = cached + T keys:
   * causal, no padding keys, and within the sliding window when there is one.
   */
  static NDArray mask(NDManager m, int[] pads, long cached, int t, Integer window) {
    long s = cached + t;
    int b = pads.length;
    NDArray q = m.arange(cached, cached + t, 1, DataType.INT64).reshape(1, t, 1);
    NDArray k = m.arange(0, s, 1, DataType.INT64).reshape(1, 1, s);
    long[] padArr = new long[b];
    for (int i = 0; i < b; i++) {
      padArr[i] = pads[i];
    }
    NDArray pad = m.create(padArr, new Shape(b, 1, 1));
    NDArray allowed = k.lte(q).logicalAnd(k.gte(pad));
    if (window != null && window > 0 && s > window) {
      allowed = allowed.logicalAnd(q.sub(k).lt(window));
    }
    return allowed.toType(DataType.FLOAT32, false).sub(1f).mul(-MASKED).reshape(b, 1, 1, t, s);
  }
}

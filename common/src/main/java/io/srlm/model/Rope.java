package io.srlm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Rotary position embedding tables in HF's rotate_half layout: for position p and dim i < d/2,
 * angle = p * inv_freq[i], and cos/sin rows are [cos(angles), cos(angles)] (the two halves repeat). Frequencies
 * are computed on the host in double precision, including Llama 3's "llama3" and the "linear" scaling.
 */
final class Rope {
  private Rope() {}

  static double[] inverseFrequencies(ModelArch a) {
    int half = a.headDim() / 2;
    double[] inv = new double[half];
    for (int i = 0; i < half; i++) {
      inv[i] = 1.0 / Math.pow(a.ropeTheta(), (2.0 * i) / a.headDim());
    }
    ModelArch.RopeScaling s = a.ropeScaling();
    if (s == null) {
      return inv;
    }
    if (s.type().equals("linear")) {
      for (int i = 0; i < half; i++) {
        inv[i] /= s.factor();
      }
      return inv;
    }
    // llama3: low frequencies are divided by the factor, high ones kept, the band between interpolated.
    double lowWavelen = s.originalMaxPosition() / s.lowFreqFactor();
    double highWavelen = s.originalMaxPosition() / s.highFreqFactor();
    for (int i = 0; i < half; i++) {
      double wavelen = 2 * Math.PI / inv[i];
      if (wavelen > lowWavelen) {
        inv[i] = inv[i] / s.factor();
      } else if (wavelen >= highWavelen) {
        double smooth = (s.originalMaxPosition() / wavelen - s.lowFreqFactor())
            / (s.highFreqFactor() - s.lowFreqFactor());
        inv[i] = (1 - smooth) * inv[i] / s.factor() + smooth * inv[i];
      }
    }
    return inv;
  }

  /** Returns {cos, sin}, each (maxPosition, headDim) f32, attached to {@code manager}. */
  static NDArray[] tables(ModelArch a, int maxPosition, NDManager manager) {
    double[] inv = inverseFrequencies(a);
    int d = a.headDim();
    int half = d / 2;
    float[] cos = new float[maxPosition * d];
    float[] sin = new float[maxPosition * d];
    for (int p = 0; p < maxPosition; p++) {
      for (int i = 0; i < half; i++) {
        double ang = p * inv[i];
        float c = (float) Math.cos(ang);
        float s = (float) Math.sin(ang);
        cos[p * d + i] = c;
        cos[p * d + i + half] = c;
        sin[p * d + i] = s;
        sin[p * d + i + half] = s;
      }
    }
    Shape shape = new Shape(maxPosition, d);
    return new NDArray[] {manager.create(cos, shape), manager.create(sin, shape)};
  }

  /**
   * The (d, d) matrix R with x @ R = rotate_half(x) = concat(-x[d/2:], x[:d/2]): one matmul instead of slicing.
   * Its entries are 0 and ±1, so the product is exact.
   */
  static NDArray rotateHalfMatrix(int d, NDManager manager, DataType type) {
    float[] r = new float[d * d];
    int half = d / 2;
    for (int j = 0; j < half; j++) {
      r[(j + half) * d + j] = -1f; // out[j] = -x[j + half]
      r[j * d + (j + half)] = 1f; // out[j + half] = x[j]
    }
    return manager.create(r, new Shape(d, d)).toType(type, false);
  }
}

package io.srlm.model;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Picks the next token on the host from one row's logits: temperature, top-k, top-p (nucleus), then inverse-CDF
 * sampling with the row's own random stream. Each row owns its stream (seeded from its request), so the same
 * prompt and seed give the same tokens whatever else is in the batch. (DJL's PyTorch engine has no multinomial
 * sampler.) Greedy (temperature 0) takes the lowest index among the maxima.
 */
final class Sampler {
  private Sampler() {}

  static int pick(float[] logits, int offset, int vocab, SamplingParams p, SplittableRandom rng) {
    if (p.greedy()) {
      int best = 0;
      float bv = logits[offset];
      for (int i = 1; i < vocab; i++) {
        if (logits[offset + i] > bv) {
          bv = logits[offset + i];
          best = i;
        }
      }
      return best;
    }
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < vocab; i++) {
      max = Math.max(max, logits[offset + i]);
    }
    double[] prob = new double[vocab];
    double total = 0;
    for (int i = 0; i < vocab; i++) {
      double e = Math.exp((logits[offset + i] - max) / p.temperature());
      prob[i] = e;
      total += e;
    }
    for (int i = 0; i < vocab; i++) {
      prob[i] /= total;
    }
    double threshold = 0;
    if (p.topK() > 0 && p.topK() < vocab) {
      double[] sorted = prob.clone();
      Arrays.sort(sorted);
      threshold = sorted[vocab - p.topK()];
    }
    if (p.topP() < 1) {
      double[] sorted = prob.clone();
      Arrays.sort(sorted);
      double cum = 0;
      for (int i = vocab - 1; i >= 0; i--) {
        if (sorted[i] < threshold) {
          break;
        }
        cum += sorted[i];
        if (cum >= p.topP()) {
          threshold = Math.max(threshold, sorted[i]);
          break;
        }
      }
    }
    double kept = 0;
    for (int i = 0; i < vocab; i++) {
      if (prob[i] >= threshold) {
        kept += prob[i];
      }
    }
    double u = rng.nextDouble() * kept;
    double cum = 0;
    int last = -1;
    for (int i = 0; i < vocab; i++) {
      if (prob[i] >= threshold) {
        cum += prob[i];
        last = i;
        if (u < cum) {
          return i;
        }
      }
    }
    return last;
  }
}

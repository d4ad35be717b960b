package io.srlm.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Mistral's sliding-window attention against the independent plain-Java {@link ReferenceLlama}, with a window (4)
 * much shorter than the sequences (12-24 tokens) and two layers, so that every path that builds a mask is
 * exercised: a full forward, left-padded batches, KV-cached decoding and scoring.
 */
class SlidingWindowTest {
  private static final int WINDOW = 4;
  private static final int[] IDS = {3, 17, 42, 5, 60, 0, 33, 21, 9, 14, 50, 2, 7, 44, 19, 28};

  static ModelArch mistral(Integer window) {
    return new ModelArch("mistral", 61, 32, 48, 2, 4, 2, 8, 1e-5, 10000.0, null, 64, false, false, false, false,
        window);
  }

  @Test
  void logitsMatchTheWindowedReference() {
    ModelArch arch = mistral(WINDOW);
    Map<String, float[]> w = RandomWeights.weights(arch, 31);
    double[][] ref = new ReferenceLlama(arch, w).logits(IDS);
    double[][] full = new ReferenceLlama(mistral(null), w).logits(IDS);
    // The window matters: identical to full attention while the sequence fits in it, far off after.
    assertThat(maxDiff(ref[WINDOW - 1], full[WINDOW - 1])).isLessThan(1e-9);
    assertThat(maxDiff(ref[IDS.length - 1], full[IDS.length - 1])).isGreaterThan(0.05);
    try (NDManager m = NDManager.newBaseManager(); LlamaModel model = RandomWeights.model(arch, w, m.newSubManager())) {
      float[] got = logits(model, m, new int[][] {IDS});
      int v = arch.vocabSize();
      for (int t = 0; t < IDS.length; t++) {
        for (int j = 0; j < v; j++) {
          assertThat((double) got[t * v + j]).as("pos %d vocab %d", t, j).isCloseTo(ref[t][j], within(1e-4));
        }
      }
    }
  }

  @Test
  void leftPaddedRowsMatchTheReferenceAlone() {
    ModelArch arch = mistral(WINDOW);
    Map<String, float[]> w = RandomWeights.weights(arch, 37);
    int[][] rows = {IDS, {7, 1, 9}, {30, 31, 32, 33, 34, 35, 36, 37, 38}};
    try (NDManager m = NDManager.newBaseManager(); LlamaModel model = RandomWeights.model(arch, w, m.newSubManager())) {
      float[] batch = logits(model, m, rows);
      int width = IDS.length;
      int v = arch.vocabSize();
      for (int b = 0; b < rows.length; b++) {
        double[][] ref = new ReferenceLlama(arch, w).logits(rows[b]);
        int pad = width - rows[b].length;
        for (int t = 0; t < rows[b].length; t++) {
          for (int j = 0; j < v; j++) {
            assertThat((double) batch[(b * width + pad + t) * v + j]).as("row %d pos %d", b, t)
                .isCloseTo(ref[t][j], within(1e-4));
          }
        }
      }
    }
  }

  @Test
  void cachedGreedyDecodingFollowsTheWindowedReference() {
    ModelArch arch = mistral(WINDOW);
    Map<String, float[]> w = RandomWeights.weights(arch, 41);
    int[] prompt = {5, 9, 13, 2, 40, 11};
    int steps = 18;
    List<Integer> seq = new ArrayList<>();
    for (int x : prompt) {
      seq.add(x);
    }
    int[] expected = new int[steps];
    for (int s = 0; s < steps; s++) {
      double[][] ref = new ReferenceLlama(arch, w).logits(seq.stream().mapToInt(Integer::intValue).toArray());
      expected[s] = argmax(ref[ref.length - 1]);
      seq.add(expected[s]);
    }
    try (NDManager m = NDManager.newBaseManager(); LlamaModel model = RandomWeights.model(arch, w, m.newSubManager())) {
      // Batched with a shorter prompt, so the decode steps also see left padding.
      Generator g = new Generator(model, new FakeCodec(), 4);
      List<Generation> out = g.generate(List.of(new GenerationRequest(new int[] {8, 3}, 1, SamplingParams.greedy(5)),
          new GenerationRequest(prompt, 1, SamplingParams.greedy(steps))));
      assertThat(out.get(1).tokenIds()).containsExactly(expected);
    }
  }

  @Test
  void scoringUsesTheWindow() {
    ModelArch arch = mistral(WINDOW);
    Map<String, float[]> w = RandomWeights.weights(arch, 43);
    int[] prompt = {3, 4, 5, 6, 7};
    int[] completion = {8, 9, 10, 11, 12, 13, 14, 15};
    int[] full = new int[prompt.length + completion.length];
    System.arraycopy(prompt, 0, full, 0, prompt.length);
    System.arraycopy(completion, 0, full, prompt.length, completion.length);
    double[][] ref = new ReferenceLlama(arch, w).logits(full);
    double expected = 0;
    for (int t = prompt.length - 1; t < full.length - 1; t++) {
      expected += logSoftmax(ref[t], full[t + 1]);
    }
    try (NDManager m = NDManager.newBaseManager(); LlamaModel model = RandomWeights.model(arch, w, m.newSubManager())) {
      List<Scorer.Score> res = new Scorer(model, 0, 4).score(List.of(new int[] {1, 2}, prompt),
          List.of(new int[] {3}, completion));
      assertThat(res.get(1).logprobSum()).isCloseTo(expected, within(1e-4));
    }
  }

  /** Logits (B * T * V) of one forward over left-padded rows with the model's own window in the mask. */
  private static float[] logits(LlamaModel model, NDManager m, int[][] rows) {
    try (NDManager s = m.newSubManager()) {
      int width = 0;
      for (int[] r : rows) {
        width = Math.max(width, r.length);
      }
      int[] pads = new int[rows.length];
      long[] flat = Batches.leftPad(rows, width, 0, pads);
      NDArray ids = s.create(flat, new Shape(rows.length, width));
      NDArray h = model.forward(ids, Batches.positions(s, pads, 0, width),
          Batches.mask(s, pads, 0, width, model.arch().slidingWindow()), null, false);
      return model.logits(h).toType(DataType.FLOAT32, false).toFloatArray();
    }
  }

  private static double logSoftmax(double[] row, int target) {
    double max = Double.NEGATIVE_INFINITY;
    for (double v : row) {
      max = Math.max(max, v);
    }
    double z = 0;
    for (double v : row) {
      z += Math.exp(v - max);
    }
    return row[target] - max - Math.log(z);
  }

  private static int argmax(double[] row) {
    int best = 0;
    for (int j = 1; j < row.length; j++) {
      if (row[j] > row[best]) {
        best = j;
      }
    }
    return best;
  }

  private static double maxDiff(double[] a, double[] b) {
    double d = 0;
    for (int i = 0; i < a.length; i++) {
      d = Math.max(d, Math.abs(a[i] - b[i]));
    }
    return d;
  }
}

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
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class LlamaModelTest {
  static Stream<Arguments> archs() {
    return Stream.of(
        Arguments.of("mha-untied", RandomWeights.arch(false, false, false, null)),
        Arguments.of("gqa-tied", RandomWeights.arch(true, false, true, null)),
        Arguments.of("gqa-qkv-bias (qwen2)", RandomWeights.arch(true, true, true, null)),
        Arguments.of("llama3-rope", RandomWeights.arch(true, false, false,
            new ModelArch.RopeScaling("llama3", 8.0, 1.0, 4.0, 16))),
        Arguments.of("linear-rope", RandomWeights.arch(true, false, false,
            new ModelArch.RopeScaling("linear", 2.0, 0, 0, 0))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("archs")
  void logitsMatchTheReferenceImplementation(String name, ModelArch arch) {
    Map<String, float[]> w = RandomWeights.weights(arch, 11);
    int[] ids = {3, 17, 42, 5, 60, 0, 33, 21, 9, 14, 50, 2};
    double[][] ref = new ReferenceLlama(arch, w).logits(ids);
    try (NDManager m = NDManager.newBaseManager(); LlamaModel model = RandomWeights.model(arch, w, m.newSubManager())) {
      float[] got = logits(model, m, new int[][] {ids});
      assertClose(got, 0, ref, 1e-4);
    }
  }

  /**
   * A GQA checkpoint (rope_theta 50000, rms_norm_eps 3e-5) stored as bf16 in several shards with an index, loaded
   * through our safetensors reader (bf16 widened to f32): logits equal the reference run on the stored values.
   */
  @Test
  void bf16ShardedCheckpointMatchesTheReference(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
    ModelArch arch = RandomWeights.arch(true, false, false, null);
    Map<String, float[]> w = RandomWeights.weights(arch, 23);
    io.srlm.model.io.ShardedCheckpointWriter writer = new io.srlm.model.io.ShardedCheckpointWriter(8_000);
    for (Map.Entry<String, float[]> e : w.entrySet()) {
      writer.add(e.getKey(), io.srlm.model.io.SafetensorsDtype.BF16, RandomWeights.shapeOf(arch, e.getKey())
          .getShape(), e.getValue());
    }
    assertThat(writer.write(dir)).hasSizeGreaterThan(3).contains(dir.resolve("model.safetensors.index.json"));
    Map<String, float[]> stored = new java.util.LinkedHashMap<>();
    int[] ids = {3, 17, 42, 5, 60, 0, 33, 21, 9, 14, 50, 2};
    try (NDManager m = NDManager.newBaseManager();
        io.srlm.model.io.CheckpointWeights ckpt = io.srlm.model.io.CheckpointWeights.open(dir)) {
      Map<String, NDArray> arrays = new java.util.LinkedHashMap<>();
      NDManager sub = m.newSubManager();
      for (String name : ckpt.names()) {
        stored.put(name, ckpt.readFloats(name));
        arrays.put(name, ckpt.load(name, sub, DataType.FLOAT32));
      }
      // bf16 keeps 8 mantissa bits: the stored values differ from the f32 originals, so the test sees the rounding.
      assertThat(stored.get("lm_head.weight")).isNotEqualTo(w.get("lm_head.weight"));
      double[][] ref = new ReferenceLlama(arch, stored).logits(ids);
      try (LlamaModel model = new LlamaModel(arch, sub, arrays, DataType.FLOAT32, arch.maxPosition())) {
        assertClose(logits(model, m, new int[][] {ids}), 0, ref, 1e-4);
      }
    }
  }

  @Test
  void leftPaddedRowsGiveTheSameLogitsAsAlone() {
    ModelArch arch = RandomWeights.arch(true, true, false, null);
    Map<String, float[]> w = RandomWeights.weights(arch, 5);
    int[][] rows = {{4, 8, 15, 16, 23, 42}, {7, 1}, {30, 31, 32, 33}};
    try (NDManager m = NDManager.newBaseManager(); LlamaModel model = RandomWeights.model(arch, w, m.newSubManager())) {
      int width = 6;
      float[] batch = logits(model, m, rows);
      for (int b = 0; b < rows.length; b++) {
        double[][] ref = new ReferenceLlama(arch, w).logits(rows[b]);
        int pad = width - rows[b].length;
        int v = arch.vocabSize();
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
  void greedyDecodingWithCacheEqualsRecomputingWithoutCache() {
    ModelArch arch = RandomWeights.arch(true, false, true, null);
    Map<String, float[]> w = RandomWeights.weights(arch, 9);
    int[] prompt = {5, 9, 13, 2};
    try (NDManager m = NDManager.newBaseManager(); LlamaModel model = RandomWeights.model(arch, w, m.newSubManager())) {
      Generator g = new Generator(model, new FakeCodec(), 4);
      Generation cached = g.generate(List.of(new GenerationRequest(prompt, 1, SamplingParams.greedy(20)))).get(0);
      List<Integer> seq = new ArrayList<>();
      for (int x : prompt) {
        seq.add(x);
      }
      int[] expected = new int[20];
      for (int s = 0; s < 20; s++) {
        double[][] ref = new ReferenceLlama(arch, w).logits(seq.stream().mapToInt(Integer::intValue).toArray());
        double[] last = ref[ref.length - 1];
        int best = 0;
        for (int j = 1; j < last.length; j++) {
          if (last[j] > last[best]) {
            best = j;
          }
        }
        expected[s] = best;
        seq.add(best);
      }
      assertThat(cached.tokenIds()).containsExactly(expected);
      assertThat(cached.finishReason()).isEqualTo(Generation.LENGTH);
    }
  }

  @Test
  void samplingIsReproducibleAndIndependentOfBatchComposition() {
    ModelArch arch = RandomWeights.arch(true, false, true, null);
    Map<String, float[]> w = RandomWeights.weights(arch, 3);
    SamplingParams p = new SamplingParams(0.7, 0.9, 0, 16, List.of());
    GenerationRequest target = new GenerationRequest(new int[] {1, 2, 3}, 777, p);
    try (NDManager m = NDManager.newBaseManager(); LlamaModel model = RandomWeights.model(arch, w, m.newSubManager())) {
      Generator g = new Generator(model, new FakeCodec(), 8);
      int[] alone = g.generate(List.of(target)).get(0).tokenIds();
      List<GenerationRequest> mixed = new ArrayList<>();
      Random r = new Random(1);
      for (int i = 0; i < 6; i++) {
        int[] ids = new int[1 + r.nextInt(9)];
        for (int j = 0; j < ids.length; j++) {
          ids[j] = 1 + r.nextInt(50);
        }
        mixed.add(new GenerationRequest(ids, i, p));
      }
      mixed.add(3, target);
      int[] inBatch = g.generate(mixed).get(3).tokenIds();
      assertThat(inBatch).containsExactly(alone);
      assertThat(g.generate(List.of(target)).get(0).tokenIds()).containsExactly(alone);
      GenerationRequest otherSeed = new GenerationRequest(target.promptIds(), 778, p);
      assertThat(g.generate(List.of(otherSeed)).get(0).tokenIds()).isNotEqualTo(alone);
    }
  }

  @Test
  void stopsOnEosAndStopStrings() {
    ModelArch arch = RandomWeights.arch(true, false, true, null);
    Map<String, float[]> w = RandomWeights.weights(arch, 9);
    int[] prompt = {5, 9, 13, 2};
    try (NDManager m = NDManager.newBaseManager(); LlamaModel model = RandomWeights.model(arch, w, m.newSubManager())) {
      Generation free = new Generator(model, new FakeCodec(), 4)
          .generate(List.of(new GenerationRequest(prompt, 1, SamplingParams.greedy(10)))).get(0);
      int[] toks = free.tokenIds();
      int firstNew = 1;
      while (contains(toks, firstNew, toks[firstNew])) {
        firstNew++;
      }
      Generation eos = new Generator(model, new FakeCodec(toks[firstNew]), 4)
          .generate(List.of(new GenerationRequest(prompt, 1, SamplingParams.greedy(10)))).get(0);
      assertThat(eos.finishReason()).isEqualTo(Generation.EOS);
      assertThat(eos.tokenIds()).containsExactly(java.util.Arrays.copyOf(toks, firstNew));
      String stop = ", " + free.tokenIds()[2];
      Generation st = new Generator(model, new FakeCodec(), 4).generate(List.of(new GenerationRequest(prompt, 1,
          new SamplingParams(0, 1, 0, 10, List.of(stop))))).get(0);
      assertThat(st.finishReason()).isEqualTo(Generation.STOP);
      assertThat(st.text()).isEqualTo("[" + free.tokenIds()[0] + ", " + free.tokenIds()[1]);
    }
  }

  @Test
  void scoringEqualsTheSumOfPerTokenLogSoftmax() {
    ModelArch arch = RandomWeights.arch(true, true, false, null);
    Map<String, float[]> w = RandomWeights.weights(arch, 21);
    int[] prompt = {3, 4, 5};
    int[] completion = {6, 7, 8, 9};
    int[] full = {3, 4, 5, 6, 7, 8, 9};
    double[][] ref = new ReferenceLlama(arch, w).logits(full);
    double expected = 0;
    for (int t = prompt.length - 1; t < full.length - 1; t++) {
      double max = Double.NEGATIVE_INFINITY;
      for (double v : ref[t]) {
        max = Math.max(max, v);
      }
      double z = 0;
      for (double v : ref[t]) {
        z += Math.exp(v - max);
      }
      expected += ref[t][full[t + 1]] - max - Math.log(z);
    }
    try (NDManager m = NDManager.newBaseManager(); LlamaModel model = RandomWeights.model(arch, w, m.newSubManager())) {
      Scorer s = new Scorer(model, 0, 4);
      List<Scorer.Score> res = s.score(List.of(new int[] {1, 2}, prompt, new int[] {9}),
          List.of(new int[] {3, 3, 3, 3, 3, 3}, completion, new int[] {1}));
      assertThat(res.get(1).logprobSum()).isCloseTo(expected, within(1e-4));
      assertThat(res.get(1).numTokens()).isEqualTo(4);
      assertThat(res.get(1).logprobMean()).isCloseTo(expected / 4, within(1e-5));
    }
  }

  private static float[] logits(LlamaModel model, NDManager m, int[][] rows) {
    try (NDManager s = m.newSubManager()) {
      int width = 0;
      for (int[] r : rows) {
        width = Math.max(width, r.length);
      }
      int[] pads = new int[rows.length];
      long[] flat = Batches.leftPad(rows, width, 0, pads);
      NDArray ids = s.create(flat, new Shape(rows.length, width));
      NDArray h = model.forward(ids, Batches.positions(s, pads, 0, width), Batches.mask(s, pads, 0, width, null),
          null, false);
      return model.logits(h).toType(DataType.FLOAT32, false).toFloatArray();
    }
  }

  private static boolean contains(int[] a, int n, int v) {
    for (int i = 0; i < n; i++) {
      if (a[i] == v) {
        return true;
      }
    }
    return false;
  }

  private static void assertClose(float[] got, int offset, double[][] ref, double tol) {
    int v = ref[0].length;
    for (int t = 0; t < ref.length; t++) {
      for (int j = 0; j < v; j++) {
        assertThat((double) got[offset + t * v + j]).as("pos %d vocab %d", t, j).isCloseTo(ref[t][j], within(tol));
      }
    }
  }
}

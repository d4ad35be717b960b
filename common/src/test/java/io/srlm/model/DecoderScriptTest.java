package io.srlm.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The scripted decoder forward (one TorchScript call) against the same forward as engine ops: the same numbers bit
 * for bit, in the hidden states and in the KV cache it writes, and so the same generated tokens.
 */
class DecoderScriptTest {
  /** Each architecture with the projections joined (opt-in) and separate (the default). */
  static Stream<Arguments> archs() {
    return Stream.of(
        Arguments.of("mha-untied, joined", RandomWeights.arch(false, false, false, null), true),
        Arguments.of("mha-untied, separate", RandomWeights.arch(false, false, false, null), false),
        Arguments.of("gqa-qkv-bias (qwen2), joined", RandomWeights.arch(true, true, true, null), true),
        Arguments.of("gqa-qkv-bias (qwen2), separate", RandomWeights.arch(true, true, true, null), false),
        Arguments.of("gqa-all-biases, joined", mlpBiasArch(), true),
        Arguments.of("gqa-all-biases, separate", mlpBiasArch(), false));
  }

  /** GQA with every kind of bias (q/k/v, o and the MLP's), as some Llama variants have. */
  private static ModelArch mlpBiasArch() {
    ModelArch a = RandomWeights.arch(true, true, true, null);
    return new ModelArch(a.modelType(), a.vocabSize(), a.hiddenSize(), a.intermediateSize(), a.numLayers(),
        a.numHeads(), a.numKvHeads(), a.headDim(), a.rmsNormEps(), a.ropeTheta(), a.ropeScaling(), a.maxPosition(),
        a.tieWordEmbeddings(), true, true, true, a.slidingWindow());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("archs")
  void prefillAndDecodeStepsEqualTheEngineOpsBitForBit(String name, ModelArch arch, boolean joined) {
    Map<String, float[]> w = RandomWeights.weights(arch, 31);
    int[] pads = {0, 2}; // the second row is left-padded: the mask path
    long[][] prompt = {{3, 17, 42, 5, 60}, {0, 0, 33, 21, 9}};
    try (NDManager m = NDManager.newBaseManager(); LlamaModel model = RandomWeights.model(arch, w, m.newSubManager())) {
      model.joinProjections(joined);
      List<float[]> scripted = run(model, m, true, pads, prompt);
      List<float[]> ops = run(model, m, false, pads, prompt);
      assertThat(scripted).hasSize(ops.size());
      for (int i = 0; i < ops.size(); i++) {
        assertThat(scripted.get(i)).as("output %d (hidden states of each forward, then the caches)", i)
            .containsExactly(ops.get(i));
      }
    }
  }

  /** f16 weights (the GPU default): the casts to f32 and back (RMSNorm, softmax) are in the same places. */
  @org.junit.jupiter.api.Test
  void f16ModelEqualsTheEngineOpsBitForBit() {
    ModelArch arch = RandomWeights.arch(true, true, false, null);
    Map<String, float[]> w = RandomWeights.weights(arch, 41);
    int[] pads = {1, 0};
    long[][] prompt = {{0, 8, 19, 4}, {12, 6, 50, 27}};
    try (NDManager m = NDManager.newBaseManager()) {
      NDManager sub = m.newSubManager();
      Map<String, NDArray> arrays = new java.util.LinkedHashMap<>();
      for (Map.Entry<String, float[]> e : w.entrySet()) {
        arrays.put(e.getKey(), sub.create(e.getValue(), RandomWeights.shapeOf(arch, e.getKey()))
            .toType(ai.djl.ndarray.types.DataType.FLOAT16, false));
      }
      try (LlamaModel model = new LlamaModel(arch, sub, arrays, ai.djl.ndarray.types.DataType.FLOAT16,
          arch.maxPosition())) {
        for (boolean joined : new boolean[] {true, false}) {
          model.joinProjections(joined);
          List<float[]> scripted = run(model, m, true, pads, prompt);
          List<float[]> ops = run(model, m, false, pads, prompt);
          for (int i = 0; i < ops.size(); i++) {
            assertThat(scripted.get(i)).as("joined %s, output %d", joined, i).containsExactly(ops.get(i));
          }
        }
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("archs")
  void sampledGenerationGivesTheSameTokensWithAndWithoutTheScript(String name, ModelArch arch, boolean joined) {
    Map<String, float[]> w = RandomWeights.weights(arch, 37);
    Random r = new Random(3);
    List<GenerationRequest> reqs = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      int[] ids = new int[1 + r.nextInt(9)];
      for (int j = 0; j < ids.length; j++) {
        ids[j] = 1 + r.nextInt(60);
      }
      reqs.add(new GenerationRequest(ids, 500L + i, new SamplingParams(0.7, 0.9, 0, 3 + 3 * i, List.of())));
    }
    try (NDManager m = NDManager.newBaseManager(); LlamaModel model = RandomWeights.model(arch, w, m.newSubManager())) {
      model.joinProjections(joined);
      model.useScript(true);
      List<Generation> scripted = new Generator(model, new FakeCodec(), 6).generate(reqs);
      model.useScript(false);
      List<Generation> ops = new Generator(model, new FakeCodec(), 6).generate(reqs);
      assertSameTokens(scripted, ops);
    }
  }

  /**
   * LoRA adapters installed: generation takes the engine-op path with the separate q and k rotations over the call's
   * projections plus each adapter's delta; after merging the adapters into the weights it takes the script. Both
   * must pick the same greedy tokens (the merged weights differ from base + delta only by rounding).
   */
  @org.junit.jupiter.api.Test
  void greedyTokensWithAdaptersInstalledEqualThoseOfTheMergedModel() {
    ModelArch arch = RandomWeights.arch(true, true, false, null);
    Map<String, float[]> w = RandomWeights.weights(arch, 47);
    List<GenerationRequest> reqs = List.of(
        new GenerationRequest(new int[] {5, 9, 13, 2}, 1, SamplingParams.greedy(16)),
        new GenerationRequest(new int[] {40, 7}, 2, SamplingParams.greedy(12)),
        new GenerationRequest(new int[] {3, 3, 8, 21, 30, 11}, 3, SamplingParams.greedy(14)));
    try (NDManager m = NDManager.newBaseManager(); LlamaModel model = RandomWeights.model(arch, w, m.newSubManager())) {
      List<Generation> base = new Generator(model, new FakeCodec(), 4).generate(reqs);
      Adapters ad = io.srlm.train.Lora.create(arch, 4, 16, 0.0, List.of("q_proj", "k_proj", "v_proj", "o_proj",
          "gate_proj", "up_proj", "down_proj"), 5, m);
      Random r = new Random(19);
      for (NDArray b : ad.b().values()) {
        float[] v = new float[(int) b.size()];
        for (int i = 0; i < v.length; i++) {
          v[i] = (float) (r.nextGaussian() * 0.3);
        }
        b.set(v);
      }
      model.setAdapters(ad);
      assertThat(model.decoderForward()).isEqualTo("TorchScript"); // the model's default; adapters bypass it
      List<Generation> adapted = new Generator(model, new FakeCodec(), 4).generate(reqs);
      model.setAdapters(null);
      io.srlm.train.Lora.mergeInto(model, ad);
      List<Generation> merged = new Generator(model, new FakeCodec(), 4).generate(reqs);
      assertSameTokens(adapted, merged);
      boolean changed = false;
      for (int i = 0; i < reqs.size(); i++) {
        changed |= !java.util.Arrays.equals(adapted.get(i).tokenIds(), base.get(i).tokenIds());
      }
      assertThat(changed).as("the adapters change what is generated").isTrue();
    }
  }

  /** A script that loads but fails when run: the call falls back to engine ops and gives their tokens. */
  @org.junit.jupiter.api.Test
  void aScriptThatFailsAtRunTimeFallsBackToEngineOps() throws Exception {
    ModelArch arch = RandomWeights.arch(true, false, false, null);
    Map<String, float[]> w = RandomWeights.weights(arch, 53);
    List<GenerationRequest> reqs = List.of(
        new GenerationRequest(new int[] {5, 9, 13}, 1, SamplingParams.greedy(10)),
        new GenerationRequest(new int[] {40}, 2, new SamplingParams(0.7, 0.9, 0, 8, List.of())));
    String failing = String.join("\n",
        "class SrlmDecoder(Module):",
        "  __parameters__ = []",
        "  __buffers__ = []",
        "  training : bool",
        "  def forward(self: __torch__.SrlmDecoder, ids: Tensor, positions: Tensor, mask: Tensor,",
        "      weights: List[Tensor], biases: List[Tensor], keys: List[Tensor], values: List[Tensor], cached: int,",
        "      dims: List[int], constants: List[Tensor]) -> Tensor:",
        "    keys[0].narrow(2, cached, ids.size(1)).fill_(7.0)", // a partial write before failing
        "    return torch.matmul(ids.to(6), weights[0])", // (B, T) x (V, D): shapes that cannot multiply
        "");
    try (NDManager m = NDManager.newBaseManager(); LlamaModel model = RandomWeights.model(arch, w, m.newSubManager())) {
      model.useScript(false);
      List<Generation> ops = new Generator(model, new FakeCodec(), 2).generate(reqs);
      model.useScript(DecoderScript.compile(model.manager(), failing));
      assertThat(model.decoderForward()).isEqualTo("TorchScript");
      List<Generation> fellBack = new Generator(model, new FakeCodec(), 2).generate(reqs);
      assertThat(model.decoderForward()).isEqualTo("engine ops");
      assertSameTokens(fellBack, ops);
    }
  }

  @org.junit.jupiter.api.Test
  void thePropertyTurnsTheScriptOffForModelsThatHaveNotChosenYet() {
    ModelArch arch = RandomWeights.arch(false, false, false, null);
    Map<String, float[]> w = RandomWeights.weights(arch, 43);
    String before = System.getProperty(DecoderScript.PROPERTY);
    try (NDManager m = NDManager.newBaseManager()) {
      System.setProperty(DecoderScript.PROPERTY, "false");
      try (LlamaModel model = RandomWeights.model(arch, w, m.newSubManager())) {
        assertThat(model.decoderForward()).isEqualTo("engine ops");
      }
      System.clearProperty(DecoderScript.PROPERTY);
      try (LlamaModel model = RandomWeights.model(arch, w, m.newSubManager())) {
        assertThat(model.decoderForward()).isEqualTo("TorchScript");
      }
    } finally {
      if (before != null) {
        System.setProperty(DecoderScript.PROPERTY, before);
      }
    }
  }

  /**
   * Joined and separate projections are the same products grouped differently: the hidden states agree to rounding
   * and greedy decoding picks the same tokens, scripted or not.
   */
  @org.junit.jupiter.api.Test
  void joinedAndSeparateProjectionsGiveTheSameGreedyTokens() {
    ModelArch arch = RandomWeights.arch(true, true, true, null);
    Map<String, float[]> w = RandomWeights.weights(arch, 59);
    List<GenerationRequest> reqs = List.of(
        new GenerationRequest(new int[] {5, 9, 13, 2}, 1, SamplingParams.greedy(16)),
        new GenerationRequest(new int[] {40, 7}, 2, SamplingParams.greedy(12)));
    int[] pads = {0, 2};
    long[][] prompt = {{3, 17, 42, 5, 60}, {0, 0, 33, 21, 9}};
    try (NDManager m = NDManager.newBaseManager(); LlamaModel model = RandomWeights.model(arch, w, m.newSubManager())) {
      for (boolean script : new boolean[] {true, false}) {
        model.joinProjections(true);
        List<float[]> joined = run(model, m, script, pads, prompt);
        List<Generation> joinedTokens = new Generator(model, new FakeCodec(), 2).generate(reqs);
        model.joinProjections(false);
        List<float[]> separate = run(model, m, script, pads, prompt);
        List<Generation> separateTokens = new Generator(model, new FakeCodec(), 2).generate(reqs);
        for (int i = 0; i < joined.size(); i++) {
          assertThat(separate.get(i)).as("script %s, output %d", script, i)
              .containsExactly(joined.get(i), org.assertj.core.data.Offset.offset(1e-5f));
        }
        assertSameTokens(separateTokens, joinedTokens);
      }
    }
  }

  @org.junit.jupiter.api.Test
  void theJoinPropertyChoosesForModelsThatHaveNotChosenAndRejectsOtherValues() {
    ModelArch arch = RandomWeights.arch(false, false, false, null);
    Map<String, float[]> w = RandomWeights.weights(arch, 61);
    String before = System.getProperty(LlamaModel.JOIN_PROPERTY);
    try (NDManager m = NDManager.newBaseManager(); LlamaModel model = RandomWeights.model(arch, w, m.newSubManager())) {
      System.clearProperty(LlamaModel.JOIN_PROPERTY);
      assertThat(model.joinsProjections()).as("default: separate").isFalse();
      try (NDManager gen = m.newSubManager()) {
        assertThat(model.generationProjections(gen).joined()).isFalse();
        assertThat(gen.getManagedArrays()).as("separate projections copy nothing").isEmpty();
      }
      System.setProperty(LlamaModel.JOIN_PROPERTY, "true");
      assertThat(model.joinsProjections()).isTrue();
      try (NDManager gen = m.newSubManager()) {
        assertThat(model.generationProjections(gen).joined()).isTrue();
        assertThat(gen.getManagedArrays()).as("a join copies q/k/v and gate/up of each layer")
            .hasSize(2 * arch.numLayers());
      }
      model.joinProjections(false);
      assertThat(model.joinsProjections()).as("the model's own choice wins").isFalse();
      model.joinProjections(null);
      System.setProperty(LlamaModel.JOIN_PROPERTY, "auto");
      org.assertj.core.api.Assertions.assertThatThrownBy(model::joinsProjections)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(LlamaModel.JOIN_PROPERTY).hasMessageContaining("'auto'")
          .hasMessageContaining("true or false");
    } finally {
      if (before != null) {
        System.setProperty(LlamaModel.JOIN_PROPERTY, before);
      } else {
        System.clearProperty(LlamaModel.JOIN_PROPERTY);
      }
    }
  }

  private static void assertSameTokens(List<Generation> got, List<Generation> expected) {
    assertThat(got).hasSize(expected.size());
    for (int i = 0; i < expected.size(); i++) {
      assertThat(got.get(i).tokenIds()).as("row %d", i).containsExactly(expected.get(i).tokenIds());
    }
  }

  /** Prefill of the prompt, then three one-token steps; returns each forward's hidden states and the caches. */
  private static List<float[]> run(LlamaModel model, NDManager m, boolean script, int[] pads, long[][] prompt) {
    model.useScript(script);
    List<float[]> out = new ArrayList<>();
    int b = prompt.length;
    int width = prompt[0].length;
    int steps = 3;
    try (NDManager gen = m.newSubManager();
        KvCache cache = new KvCache(gen, model.arch().numLayers(), width + steps, model.generationProjections(gen))) {
      try (NDManager step = gen.newSubManager()) {
        long[] flat = new long[b * width];
        for (int i = 0; i < b; i++) {
          System.arraycopy(prompt[i], 0, flat, i * width, width);
        }
        NDArray h = model.forward(step.create(flat, new Shape(b, width)), Batches.positions(step, pads, 0, width),
            Batches.mask(step, pads, 0, width, null), cache, false);
        out.add(h.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray());
      }
      for (int s = 0; s < steps; s++) {
        try (NDManager step = gen.newSubManager()) {
          long cached = cache.length();
          long[] next = new long[b];
          for (int i = 0; i < b; i++) {
            next[i] = 7 + 11 * s + i;
          }
          NDArray h = model.forward(step.create(next, new Shape(b, 1)), Batches.positions(step, pads, cached, 1),
              Batches.mask(step, pads, cached, 1, null), cache, false);
          out.add(h.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray());
        }
      }
      NDArray[][] kv = cache.reserve(new Shape(b, model.arch().numKvHeads(), 0, model.arch().headDim()),
          model.dtype(), model.manager().getDevice());
      for (int l = 0; l < model.arch().numLayers(); l++) {
        out.add(kv[0][l].toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray());
        out.add(kv[1][l].toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray());
      }
    }
    return out;
  }
}

package io.srlm.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.srlm.config.SrlmConfig;
import io.srlm.model.LlamaModel;
import io.srlm.model.ModelArch;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** A small random Llama and synthetic training data for trainer tests (no tokenizer needed). */
final class TinyFixtures {
  private TinyFixtures() {}

  static ModelArch arch() {
    return new ModelArch("llama", 32, 32, 64, 2, 4, 2, 8, 1e-5, 10000.0, null, 64, true, false, false, false, null);
  }

  static LlamaModel model(NDManager parent, long seed) {
    ModelArch a = arch();
    NDManager m = parent.newSubManager();
    Random r = new Random(seed);
    Map<String, NDArray> w = new LinkedHashMap<>();
    int d = a.hiddenSize();
    int q = a.numHeads() * a.headDim();
    int kv = a.numKvHeads() * a.headDim();
    int f = a.intermediateSize();
    w.put("model.embed_tokens.weight", rand(m, r, a.vocabSize(), d));
    for (int l = 0; l < a.numLayers(); l++) {
      String p = "model.layers." + l + ".";
      w.put(p + "input_layernorm.weight", m.ones(new Shape(d)));
      w.put(p + "post_attention_layernorm.weight", m.ones(new Shape(d)));
      w.put(p + "self_attn.q_proj.weight", rand(m, r, q, d));
      w.put(p + "self_attn.k_proj.weight", rand(m, r, kv, d));
      w.put(p + "self_attn.v_proj.weight", rand(m, r, kv, d));
      w.put(p + "self_attn.o_proj.weight", rand(m, r, d, q));
      w.put(p + "mlp.gate_proj.weight", rand(m, r, f, d));
      w.put(p + "mlp.up_proj.weight", rand(m, r, f, d));
      w.put(p + "mlp.down_proj.weight", rand(m, r, d, f));
    }
    w.put("model.norm.weight", m.ones(new Shape(d)));
    return new LlamaModel(a, m, w, DataType.FLOAT32, a.maxPosition());
  }

  private static NDArray rand(NDManager m, Random r, int rows, int cols) {
    float[] v = new float[rows * cols];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (r.nextGaussian() * 0.1);
    }
    return m.create(v, new Shape(rows, cols));
  }

  /** "copy" task: prompt = [1, x1..xk, 2], completion = [x1..xk, 3]. */
  static List<SftExample> copyTask(int n, long seed) {
    Random r = new Random(seed);
    List<SftExample> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int k = 2 + r.nextInt(4);
      int[] p = new int[k + 2];
      int[] c = new int[k + 1];
      p[0] = 1;
      for (int j = 0; j < k; j++) {
        int x = 4 + r.nextInt(20);
        p[j + 1] = x;
        c[j] = x;
      }
      p[k + 1] = 2;
      c[k] = 3;
      out.add(new SftExample("ex" + i, p, c));
    }
    return out;
  }

  static SrlmConfig.Train conf(String finetune, int maxSteps, int batch, double lr) {
    return new SrlmConfig.Train(finetune, 1, maxSteps, batch, 1, lr, 0.1, 0.0, 2, "cosine", 1.0, 256, "skip", 5, 5,
        5);
  }
}

package io.srlm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/** Random HF-named weights for a small architecture, as float arrays and as a DJL model. */
final class RandomWeights {
  private RandomWeights() {}

  static ModelArch arch(boolean gqa, boolean qkvBias, boolean tied, ModelArch.RopeScaling scaling) {
    return new ModelArch("llama", 61, 32, 48, 2, 4, gqa ? 2 : 4, 8, 3e-5, 50000.0, scaling, 64, tied, qkvBias,
        false, false, null);
  }

  static Map<String, float[]> weights(ModelArch a, long seed) {
    Random r = new Random(seed);
    Map<String, float[]> w = new LinkedHashMap<>();
    int d = a.hiddenSize();
    int q = a.numHeads() * a.headDim();
    int kv = a.numKvHeads() * a.headDim();
    w.put("model.embed_tokens.weight", rand(r, a.vocabSize() * d, 1.0));
    for (int l = 0; l < a.numLayers(); l++) {
      String p = "model.layers." + l + ".";
      w.put(p + "input_layernorm.weight", around1(r, d));
      w.put(p + "post_attention_layernorm.weight", around1(r, d));
      w.put(p + "self_attn.q_proj.weight", rand(r, q * d, 0.3));
      w.put(p + "self_attn.k_proj.weight", rand(r, kv * d, 0.3));
      w.put(p + "self_attn.v_proj.weight", rand(r, kv * d, 0.3));
      w.put(p + "self_attn.o_proj.weight", rand(r, d * q, 0.3));
      if (a.qkvBias()) {
        w.put(p + "self_attn.q_proj.bias", rand(r, q, 0.2));
        w.put(p + "self_attn.k_proj.bias", rand(r, kv, 0.2));
        w.put(p + "self_attn.v_proj.bias", rand(r, kv, 0.2));
      }
      w.put(p + "mlp.gate_proj.weight", rand(r, a.intermediateSize() * d, 0.3));
      w.put(p + "mlp.up_proj.weight", rand(r, a.intermediateSize() * d, 0.3));
      w.put(p + "mlp.down_proj.weight", rand(r, d * a.intermediateSize(), 0.3));
      if (a.oBias()) {
        w.put(p + "self_attn.o_proj.bias", rand(r, d, 0.2));
      }
      if (a.mlpBias()) {
        w.put(p + "mlp.gate_proj.bias", rand(r, a.intermediateSize(), 0.2));
        w.put(p + "mlp.up_proj.bias", rand(r, a.intermediateSize(), 0.2));
        w.put(p + "mlp.down_proj.bias", rand(r, d, 0.2));
      }
    }
    w.put("model.norm.weight", around1(r, d));
    if (!a.tieWordEmbeddings()) {
      w.put("lm_head.weight", rand(r, a.vocabSize() * d, 0.3));
    }
    return w;
  }

  static LlamaModel model(ModelArch a, Map<String, float[]> w, NDManager m) {
    Map<String, NDArray> arrays = new LinkedHashMap<>();
    for (Map.Entry<String, float[]> e : w.entrySet()) {
      arrays.put(e.getKey(), m.create(e.getValue(), shapeOf(a, e.getKey())));
    }
    return new LlamaModel(a, m, arrays, DataType.FLOAT32, a.maxPosition());
  }

  static Shape shapeOf(ModelArch a, String name) {
    int d = a.hiddenSize();
    int q = a.numHeads() * a.headDim();
    int kv = a.numKvHeads() * a.headDim();
    if (name.endsWith("embed_tokens.weight") || name.equals("lm_head.weight")) {
      return new Shape(a.vocabSize(), d);
    } else if (name.endsWith("norm.weight")) {
      return new Shape(d);
    } else if (name.endsWith("q_proj.weight")) {
      return new Shape(q, d);
    } else if (name.endsWith("k_proj.weight") || name.endsWith("v_proj.weight")) {
      return new Shape(kv, d);
    } else if (name.endsWith("o_proj.weight")) {
      return new Shape(d, q);
    } else if (name.endsWith("q_proj.bias")) {
      return new Shape(q);
    } else if (name.endsWith("k_proj.bias") || name.endsWith("v_proj.bias")) {
      return new Shape(kv);
    } else if (name.endsWith("gate_proj.weight") || name.endsWith("up_proj.weight")) {
      return new Shape(a.intermediateSize(), d);
    } else if (name.endsWith("down_proj.weight")) {
      return new Shape(d, a.intermediateSize());
    } else if (name.endsWith("o_proj.bias") || name.endsWith("down_proj.bias")) {
      return new Shape(d);
    } else if (name.endsWith("gate_proj.bias") || name.endsWith("up_proj.bias")) {
      return new Shape(a.intermediateSize());
    }
    throw new IllegalArgumentException(name);
  }

  private static float[] rand(Random r, int n, double scale) {
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      out[i] = (float) (r.nextGaussian() * scale);
    }
    return out;
  }

  private static float[] around1(Random r, int n) {
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      out[i] = (float) (1 + 0.2 * r.nextGaussian());
    }
    return out;
  }
}

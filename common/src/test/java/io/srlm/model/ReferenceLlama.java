package io.srlm.model;

import java.util.Map;

/**
 * An independent, deliberately naive Llama forward in plain Java (double accumulation, explicit loops, no DJL),
 * written from HF's modeling code semantics: RMSNorm, rotate_half RoPE (with llama3/linear scaling via
 * {@link Rope#inverseFrequencies}), GQA where head h reads kv head h / groups, causal softmax, SwiGLU, tied or
 * untied lm_head, optional q/k/v bias, and the optional sliding window of Mistral (HF's eager/sdpa mask: query i
 * sees key j when 0 <= i - j < sliding_window, so a window of W covers the token itself and the W - 1 before it).
 * Used to check the DJL implementation's logits.
 */
final class ReferenceLlama {
  private final ModelArch a;
  private final Map<String, float[]> w;

  ReferenceLlama(ModelArch a, Map<String, float[]> w) {
    this.a = a;
    this.w = w;
  }

  /** Logits (T, V) for one unpadded sequence. */
  double[][] logits(int[] ids) {
    int t = ids.length;
    int d = a.hiddenSize();
    double[][] h = new double[t][d];
    float[] emb = w.get("model.embed_tokens.weight");
    for (int i = 0; i < t; i++) {
      for (int j = 0; j < d; j++) {
        h[i][j] = emb[ids[i] * d + j];
      }
    }
    double[] inv = invFreq();
    for (int l = 0; l < a.numLayers(); l++) {
      String p = "model.layers." + l + ".";
      double[][] x = norm(h, w.get(p + "input_layernorm.weight"));
      int hd = a.headDim();
      int nq = a.numHeads();
      int nkv = a.numKvHeads();
      double[][] q = linear(x, w.get(p + "self_attn.q_proj.weight"), bias(p + "self_attn.q_proj.bias"), nq * hd);
      double[][] k = linear(x, w.get(p + "self_attn.k_proj.weight"), bias(p + "self_attn.k_proj.bias"), nkv * hd);
      double[][] v = linear(x, w.get(p + "self_attn.v_proj.weight"), bias(p + "self_attn.v_proj.bias"), nkv * hd);
      for (int i = 0; i < t; i++) {
        rope(q[i], nq, hd, i, inv);
        rope(k[i], nkv, hd, i, inv);
      }
      double[][] att = new double[t][nq * hd];
      for (int head = 0; head < nq; head++) {
        int kvh = head / (nq / nkv);
        for (int i = 0; i < t; i++) {
          int first = firstKey(i);
          double[] s = new double[i + 1];
          double max = Double.NEGATIVE_INFINITY;
          for (int j = first; j <= i; j++) {
            double dot = 0;
            for (int c = 0; c < hd; c++) {
              dot += q[i][head * hd + c] * k[j][kvh * hd + c];
            }
            s[j] = dot / Math.sqrt(hd);
            max = Math.max(max, s[j]);
          }
          double z = 0;
          for (int j = first; j <= i; j++) {
            s[j] = Math.exp(s[j] - max);
            z += s[j];
          }
          for (int j = first; j <= i; j++) {
            for (int c = 0; c < hd; c++) {
              att[i][head * hd + c] += s[j] / z * v[j][kvh * hd + c];
            }
          }
        }
      }
      double[][] o = linear(att, w.get(p + "self_attn.o_proj.weight"), null, d);
      add(h, o);
      double[][] m = norm(h, w.get(p + "post_attention_layernorm.weight"));
      int f = a.intermediateSize();
      double[][] g = linear(m, w.get(p + "mlp.gate_proj.weight"), null, f);
      double[][] u = linear(m, w.get(p + "mlp.up_proj.weight"), null, f);
      for (int i = 0; i < t; i++) {
        for (int j = 0; j < f; j++) {
          double gv = g[i][j];
          g[i][j] = gv / (1 + Math.exp(-gv)) * u[i][j];
        }
      }
      add(h, linear(g, w.get(p + "mlp.down_proj.weight"), null, d));
    }
    double[][] fin = norm(h, w.get("model.norm.weight"));
    float[] head = a.tieWordEmbeddings() ? emb : w.get("lm_head.weight");
    return linear(fin, head, null, a.vocabSize());
  }

  /** The first key query {@code i} attends: 0, or the start of its sliding window. */
  private int firstKey(int i) {
    Integer window = a.slidingWindow();
    return window == null || window <= 0 ? 0 : Math.max(0, i - window + 1);
  }

  /** HF's rope init, written independently: default, "linear" and "llama3" (vectorised-style selects). */
  private double[] invFreq() {
    int dim = a.headDim();
    double[] inv = new double[dim / 2];
    for (int i = 0; i < dim / 2; i++) {
      inv[i] = 1.0 / Math.pow(a.ropeTheta(), (double) (2 * i) / dim);
    }
    ModelArch.RopeScaling s = a.ropeScaling();
    if (s == null) {
      return inv;
    }
    double[] out = new double[inv.length];
    for (int i = 0; i < inv.length; i++) {
      if (s.type().equals("linear")) {
        out[i] = inv[i] / s.factor();
        continue;
      }
      double wavelen = 2 * Math.PI / inv[i];
      double lowWl = s.originalMaxPosition() / s.lowFreqFactor();
      double highWl = s.originalMaxPosition() / s.highFreqFactor();
      double llama = wavelen > lowWl ? inv[i] / s.factor() : inv[i];
      double smooth = (s.originalMaxPosition() / wavelen - s.lowFreqFactor())
          / (s.highFreqFactor() - s.lowFreqFactor());
      double smoothed = (1 - smooth) * llama / s.factor() + smooth * llama;
      boolean medium = !(wavelen < highWl) && !(wavelen > lowWl);
      out[i] = medium ? smoothed : llama;
    }
    return out;
  }

  private float[] bias(String name) {
    return w.get(name);
  }

  private void rope(double[] x, int heads, int hd, int pos, double[] inv) {
    int half = hd / 2;
    for (int h = 0; h < heads; h++) {
      double[] orig = new double[hd];
      System.arraycopy(x, h * hd, orig, 0, hd);
      for (int i = 0; i < hd; i++) {
        double ang = pos * inv[i % half];
        double rot = i < half ? -orig[i + half] : orig[i - half];
        x[h * hd + i] = orig[i] * Math.cos(ang) + rot * Math.sin(ang);
      }
    }
  }

  private double[][] norm(double[][] h, float[] weight) {
    double[][] out = new double[h.length][h[0].length];
    for (int i = 0; i < h.length; i++) {
      double ss = 0;
      for (double v : h[i]) {
        ss += v * v;
      }
      double inv = 1 / Math.sqrt(ss / h[i].length + a.rmsNormEps());
      for (int j = 0; j < h[i].length; j++) {
        out[i][j] = h[i][j] * inv * weight[j];
      }
    }
    return out;
  }

  private static double[][] linear(double[][] x, float[] wt, float[] b, int out) {
    int in = x[0].length;
    double[][] y = new double[x.length][out];
    for (int i = 0; i < x.length; i++) {
      for (int o = 0; o < out; o++) {
        double s = b == null ? 0 : b[o];
        for (int c = 0; c < in; c++) {
          s += x[i][c] * wt[o * in + c];
        }
        y[i][o] = s;
      }
    }
    return y;
  }

  private static void add(double[][] h, double[][] d) {
    for (int i = 0; i < h.length; i++) {
      for (int j = 0; j < h[i].length; j++) {
        h[i][j] += d[i][j];
      }
    }
  }
}

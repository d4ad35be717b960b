package io.srlm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.ndarray.internal.NDArrayEx;
import io.srlm.errors.Errors;
import io.srlm.util.Nullable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Llama-family causal LM as plain NDArray operations on DJL's PyTorch engine (HF weight names and layouts):
 *
 * <pre>
 *   h = embed(ids)                                   // (B*T, D) rows
 *   for each layer:
 *     a = rmsnorm(h) ; q,k,v = a Wq^T (+bq), a Wk^T (+bk), a Wv^T (+bv)
 *     q,k = rope(q), rope(k)                          // rotate_half layout
 *     attn = softmax(q k^T / sqrt(hd) + mask) v       // GQA: kv heads broadcast over groups
 *     h = h + attn Wo^T
 *     m = rmsnorm(h) ; h = h + (silu(m Wg^T) * (m Wu^T)) Wd^T
 *   logits = rmsnorm(h) Wlm^T                        // Wlm = embed when tied
 * </pre>
 *
 * Weights live in this model's manager. Optional {@link Adapters} (LoRA) add {@code scale * B(A(dropout(x)))}
 * to targeted projections. Every forward is meant to run inside a caller's sub-manager, so intermediate arrays
 * are freed with it.
 */
public final class LlamaModel implements AutoCloseable {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(LlamaModel.class);
  private final ModelArch arch;
  private final NDManager manager;
  private final Map<String, NDArray> weights;
  private final DataType dtype;
  private final NDArray cosTable;
  private final NDArray sinTable;
  private final NDArray rotate;
  private final int ropeLength;
  // The scalars of RMSNorm and attention as 0-d arrays made once: DJL's add/mul/pow(Number) copy the number into
  // a new array through a direct buffer on every call (about 10 us each, three per norm-attention-norm).
  private final NDArray eps;
  private final NDArray minusHalf;
  private final NDArray scale;
  private Adapters adapters;
  private DecoderScript script;
  private boolean scriptLoaded;
  private Boolean joinChoice;
  /** System property: whether generation joins the projections (true) or not (false, the default). */
  public static final String JOIN_PROPERTY = "srlm.decoder.join";

  /**
   * @param weights HF-named tensors already attached to {@code manager}, in {@code dtype}
   * @param ropeLength positions the RoPE tables cover (at least the longest sequence that will be run)
   */
  public LlamaModel(ModelArch arch, NDManager manager, Map<String, NDArray> weights, DataType dtype,
      int ropeLength) {
    this.arch = arch;
    this.manager = manager;
    this.dtype = dtype;
    this.ropeLength = ropeLength;
    this.weights = Collections.unmodifiableMap(new LinkedHashMap<>(weights));
    checkWeights(this.weights);
    NDArray[] t = Rope.tables(arch, ropeLength, manager);
    this.cosTable = t[0].toType(dtype, false);
    this.sinTable = t[1].toType(dtype, false);
    this.rotate = Rope.rotateHalfMatrix(arch.headDim(), manager, dtype);
    // As add(Number)/mul(Number) would make them (a double becomes a 0-d float64 array): the same kernels run.
    this.eps = manager.create(arch.rmsNormEps());
    this.minusHalf = manager.create(-0.5);
    this.scale = manager.create(1.0 / Math.sqrt(arch.headDim()));
  }

  public ModelArch arch() {
    return arch;
  }

  public NDManager manager() {
    return manager;
  }

  public DataType dtype() {
    return dtype;
  }

  public int ropeLength() {
    return ropeLength;
  }

  /**
   * The projections of one generate() call: joined q/k/v and gate/up copies of the current weights in {@code m}
   * when {@link #joinsProjections()}, else the model's own matrices (no copy).
   */
  Projections generationProjections(NDManager m) {
    return joinsProjections() ? Projections.join(arch, m, weights) : Projections.separate();
  }

  /**
   * Whether generate() calls join q/k/v and gate/up into one matrix each: one matmul where the HF layout needs three
   * and two, for a copy of ~70% of the weights while the call runs. Off by default, so that a call's peak is the
   * weights, the KV cache and one step (on a GPU the copy would be half again the weights' memory); since the
   * decoder runs as one TorchScript call per step, joining saves little time (CPU, stories15M shape, 1 thread: 2% at
   * batch 1, none at batch 32; docs/performance.md). -D{@value #JOIN_PROPERTY}=true turns it on for models that
   * have not chosen; the same tokens come out either way.
   */
  public synchronized boolean joinsProjections() {
    if (joinChoice != null) {
      return joinChoice;
    }
    String v = System.getProperty(JOIN_PROPERTY, "false").trim().toLowerCase(java.util.Locale.ROOT);
    if (!v.equals("true") && !v.equals("false")) {
      throw new IllegalArgumentException("system property " + JOIN_PROPERTY + " = '" + v + "' is not true or false "
          + "(true: join q/k/v and gate/up for generation, a copy of ~70% of the weights per call; default false)");
    }
    return v.equals("true");
  }

  /** Joins (true) or keeps separate (false) the projections of later generate() calls; null: the default. */
  public synchronized void joinProjections(@Nullable Boolean on) {
    joinChoice = on;
  }

  /** HF-named weights (read-only view; the arrays are live). */
  public Map<String, NDArray> weights() {
    return weights;
  }

  /** Installs (or removes, with null) LoRA adapters used by subsequent forwards. */
  public void setAdapters(Adapters adapters) {
    this.adapters = adapters;
  }

  public Adapters adapters() {
    return adapters;
  }

  /**
   * Runs the decoder.
   *
   * @param ids (B, T) int64 token ids
   * @param positions (B, T) int64 position ids (0 at each row's first real token)
   * @param mask (B, 1, 1, T, S) f32 additive mask: 0 where a query may attend a key, a large negative otherwise;
   *     S = cached length + T; null when every query may attend every key (one decode step without padding)
   * @param cache KV cache to read and extend, or null
   * @param training enables adapter dropout
   * @return (B, T, D) final hidden states (after the last RMSNorm)
   */
  public NDArray forward(NDArray ids, NDArray positions, NDArray mask, KvCache cache, boolean training) {
    long b = ids.getShape().get(0);
    long t = ids.getShape().get(1);
    // A generate() call's projections (carried by its cache) when no weight takes gradients.
    Projections gen = cache == null || training || w("model.layers.0.self_attn.q_proj.weight").hasGradient() ? null
        : cache.projections();
    if (gen != null && adapters == null) {
      DecoderScript s = script();
      if (s != null) {
        try {
          return scripted(s, ids, positions, mask, cache, gen);
        } catch (ai.djl.engine.EngineException e) {
          // The script loaded but cannot run here (e.g. an op this libtorch lacks): engine ops from now on. The
          // cache was not advanced, so the engine-op forward below writes the same positions again.
          scriptFailed(s, e);
        }
      }
    }
    Projections fused = gen != null && gen.joined() ? gen : null; // else the separate HF-named matrices
    NDArrayEx ex = ids.getNDArrayInternal();
    // Hidden states as (B*T, D) rows between the attention blocks: every projection is then a 2-D product, which
    // libtorch runs as one GEMM call (a 3-D input goes through matmul's folding: 20-40 us more per call at batch 1).
    long d = arch.hiddenSize();
    NDArray h = ex.embedding(ids, w("model.embed_tokens.weight"), SparseFormat.DENSE).get(0).reshape(b * t, d);
    // Gather into the caller's manager (the tables' own manager lives as long as the model).
    NDManager caller = ids.getManager();
    NDArray flat = positions.flatten();
    NDArray cos = cosTable.get(caller, new NDIndex("{}", flat)).reshape(b, 1, t, arch.headDim());
    NDArray sin = sinTable.get(caller, new NDIndex("{}", flat)).reshape(b, 1, t, arch.headDim());
    boolean join = fused != null;
    // The joint q/k rotation (joined projections, no adapters) needs cos/sin as (B, 1, T, hd) only.
    RopeAt rope = fused != null && adapters == null ? new RopeAt(cos, sin, null, null)
        : new RopeAt(cos, sin, cos.expandDims(1), sin.expandDims(1));
    for (int l = 0; l < arch.numLayers(); l++) {
      String p = "model.layers." + l + ".";
      NDArray a = rmsNorm(h, w(p + "input_layernorm.weight"));
      h = h.add(attention(a, b, t, l, p + "self_attn.", rope, mask, cache, training, fused));
      NDArray m = rmsNorm(h, w(p + "post_attention_layernorm.weight"));
      NDArray gate;
      NDArray up;
      if (join) {
        NDArray gu = m.getNDArrayInternal().linear(m, fused.gateUp(l), fused.gateUpBias(l)).get(0);
        long f = arch.intermediateSize();
        NDList parts = gu.split(new long[] {f}, 1);
        gate = withAdapter(parts.get(0), l, "gate_proj", m, false);
        up = withAdapter(parts.get(1), l, "up_proj", m, false);
      } else {
        gate = proj(m, l, p + "mlp.", "gate_proj", arch.mlpBias(), training);
        up = proj(m, l, p + "mlp.", "up_proj", arch.mlpBias(), training);
      }
      NDArray act = gate.mul(gate.getNDArrayInternal().sigmoid()).mul(up); // silu(g) * u
      h = h.add(proj(act, l, p + "mlp.", "down_proj", arch.mlpBias(), training));
    }
    return rmsNorm(h, w("model.norm.weight")).reshape(b, t, d);
  }

  /**
   * The same forward as one TorchScript call (see {@link DecoderScript}): the call's projections (joined copies or
   * the separate matrices), no adapters, the cache's preallocated buffers written in place.
   */
  private NDArray scripted(DecoderScript s, NDArray ids, NDArray positions, NDArray mask, KvCache cache,
      Projections gen) {
    int layers = arch.numLayers();
    boolean joined = gen.joined();
    boolean anyBias = arch.qkvBias() || arch.oBias() || arch.mlpBias();
    List<NDArray> ws = new ArrayList<>(2 + (joined ? 6 : 9) * layers);
    List<NDArray> bs = new ArrayList<>(anyBias ? (joined ? 4 : 7) * layers : 0);
    ws.add(w("model.embed_tokens.weight"));
    for (int l = 0; l < layers; l++) {
      String p = "model.layers." + l + ".";
      String a = p + "self_attn.";
      String m = p + "mlp.";
      ws.add(w(p + "input_layernorm.weight"));
      ws.addAll(parts(joined, joined ? gen.qkv(l) : null, true, a, ".weight", QKV));
      ws.add(w(a + "o_proj.weight"));
      ws.add(w(p + "post_attention_layernorm.weight"));
      ws.addAll(parts(joined, joined ? gen.gateUp(l) : null, true, m, ".weight", GATE_UP));
      ws.add(w(m + "down_proj.weight"));
      if (anyBias) { // placeholders (never read) where a kind of bias is absent
        bs.addAll(parts(joined, joined ? gen.qkvBias(l) : null, arch.qkvBias(), a, ".bias", QKV));
        bs.addAll(parts(false, null, arch.oBias(), a, ".bias", "o_proj"));
        bs.addAll(parts(joined, joined ? gen.gateUpBias(l) : null, arch.mlpBias(), m, ".bias", GATE_UP));
        bs.addAll(parts(false, null, arch.mlpBias(), m, ".bias", "down_proj"));
      }
    }
    ws.add(w("model.norm.weight"));
    long b = ids.getShape().get(0);
    long t = ids.getShape().get(1);
    long cached = cache.length();
    NDArray[][] kv = cache.reserve(new Shape(b, arch.numKvHeads(), t, arch.headDim()), dtype, ids.getDevice());
    long[] dims = {layers, arch.numHeads(), arch.numKvHeads(), arch.headDim(), arch.intermediateSize(),
        arch.qkvBias() ? 1 : 0, arch.oBias() ? 1 : 0, arch.mlpBias() ? 1 : 0, mask != null ? 1 : 0, joined ? 1 : 0};
    NDArray out = s.forward(ids, positions, mask, ws, bs, kv[0], kv[1], cached, dims,
        List.of(cosTable, sinTable, rotate, eps, minusHalf, scale));
    cache.advance(t);
    return out;
  }

  private static final String[] QKV = {"q_proj", "k_proj", "v_proj"};
  private static final String[] GATE_UP = {"gate_proj", "up_proj"};

  /**
   * The script's arguments for one group of projections: its joined copy (one argument) when {@code joined}, else
   * the model's own HF-named arrays ({@code prefix + name + suffix}); a placeholder per argument where the layer has
   * no such bias ({@code present} false).
   */
  private List<NDArray> parts(boolean joined, @Nullable NDArray joinedCopy, boolean present, String prefix,
      String suffix, String... names) {
    int n = joined ? 1 : names.length;
    List<NDArray> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(!present ? eps : joined ? joinedCopy : w(prefix + names[i] + suffix));
    }
    return out;
  }

  /** The scripted forward of this model, loaded at first use; null when disabled or not loadable. */
  private synchronized DecoderScript script() {
    if (!scriptLoaded) {
      scriptLoaded = true;
      script = DecoderScript.enabled() ? DecoderScript.load(manager) : null;
    }
    return script;
  }

  /**
   * The compiled generation script for {@link DeviceSampler}'s draws (loaded at first use; null when disabled or not
   * loadable: engine ops). Unlike the scripted forward it also serves models with adapters installed.
   */
  DecoderScript generationScript() {
    return script();
  }

  /**
   * How generation runs this model's decoder: "TorchScript" (one call per forward, see {@link DecoderScript}) or
   * "engine ops" (disabled with -D{@value DecoderScript#PROPERTY}=false, or not loadable by this libtorch).
   */
  public String decoderForward() {
    return script() != null ? "TorchScript" : "engine ops";
  }

  private synchronized void scriptFailed(DecoderScript failed, RuntimeException e) {
    if (script == failed) {
      LOG.warn("the scripted decoder forward failed ({}); this model's generation runs it as engine ops from now on "
          + "(same results, slower)", e.toString());
      script = null;
      scriptLoaded = true;
    }
  }

  /** Uses the given compiled script for generation (tests: one that fails at run time). */
  synchronized void useScript(DecoderScript s) {
    replaceScript(s, true);
  }

  /** Back to the default: the scripted forward unless -Dsrlm.decoder.script=false (or not loadable). */
  public synchronized void useDefaultForward() {
    replaceScript(null, false);
  }

  /**
   * Turns the scripted forward on or off for this model, whatever the system property says (the bench and tests
   * compare the two); throws if it cannot be loaded.
   */
  public synchronized void useScript(boolean on) {
    replaceScript(on ? DecoderScript.load(manager) : null, true);
    if (on && script == null) {
      throw new IllegalStateException("the scripted decoder forward could not be loaded");
    }
  }

  /** Closes the current script (not while a forward may run it: bench and tests only) and installs {@code next}. */
  private void replaceScript(DecoderScript next, boolean chosen) {
    if (script != null && script != next) {
      script.close();
    }
    script = next;
    scriptLoaded = chosen;
  }

  /** (…, D) hidden states to (…, V) logits in the model dtype. */
  public NDArray logits(NDArray hidden) {
    NDArray head = arch.tieWordEmbeddings() ? w("model.embed_tokens.weight") : w("lm_head.weight");
    return hidden.getNDArrayInternal().linear(hidden, head, null).get(0);
  }

  /**
   * RoPE tables of one forward, gathered at its positions: cos/sin as (B, 1, T, hd), and as (B, 1, 1, T, hd) for
   * the grouped query layout (null when no layer needs them).
   */
  private record RopeAt(NDArray cos, NDArray sin, @Nullable NDArray cos5, @Nullable NDArray sin5) {}

  /** @param x (B*T, D) normalised hidden rows; returns (B*T, D) */
  private NDArray attention(NDArray x, long b, long t, int layer, String p, RopeAt rope, NDArray mask,
      KvCache cache, boolean training, Projections fused) {
    int kv = arch.numKvHeads();
    int g = arch.groups();
    int hd = arch.headDim();
    long h = arch.numHeads();
    NDArray qp;
    NDArray kp;
    NDArray vp;
    if (fused != null) {
      NDArray qkv = x.getNDArrayInternal().linear(x, fused.qkv(layer), fused.qkvBias(layer)).get(0);
      if (adapters == null) {
        // One RoPE over q and k together: (B, T, H + KV, hd) -> (B, H + KV, T, hd), rotated, split by heads. The
        // same element-wise products as the separate rotations below (the rotation matrix has one +-1 per column).
        NDList parts = qkv.split(new long[] {(h + kv) * hd}, 1); // q and k, v
        NDArray qk = parts.get(0).reshape(b, t, h + kv, hd).transpose(0, 2, 1, 3);
        qk = qk.mul(rope.cos()).add(qk.matMul(rotate).mul(rope.sin()));
        NDList heads = qk.split(new long[] {h}, 1);
        NDArray q = heads.get(0).reshape(b, kv, g, t, hd); // head kv * g + i -> (B, KV, G, T, hd)
        NDArray v = parts.get(1).reshape(b, t, kv, hd).transpose(0, 2, 1, 3);
        return attend(q, heads.get(1), v, b, t, layer, p, mask, cache, training);
      }
      NDList parts = qkv.split(new long[] {h * hd, (h + kv) * hd}, 1); // one call, three views
      qp = withAdapter(parts.get(0), layer, "q_proj", x, false);
      kp = withAdapter(parts.get(1), layer, "k_proj", x, false);
      vp = withAdapter(parts.get(2), layer, "v_proj", x, false);
    } else {
      qp = proj(x, layer, p, "q_proj", arch.qkvBias(), training);
      kp = proj(x, layer, p, "k_proj", arch.qkvBias(), training);
      vp = proj(x, layer, p, "v_proj", arch.qkvBias(), training);
    }
    NDArray q = qp.reshape(b, t, kv, g, hd).transpose(0, 2, 3, 1, 4); // (B, KV, G, T, hd)
    NDArray k = kp.reshape(b, t, kv, hd).transpose(0, 2, 1, 3); // (B, KV, T, hd)
    NDArray v = vp.reshape(b, t, kv, hd).transpose(0, 2, 1, 3); // (B, KV, T, hd)
    q = q.mul(rope.cos5()).add(q.matMul(rotate).mul(rope.sin5()));
    k = k.mul(rope.cos()).add(k.matMul(rotate).mul(rope.sin()));
    return attend(q, k, v, b, t, layer, p, mask, cache, training);
  }

  /** Attention of rotated (B, KV, G, T, hd) queries over (B, KV, T, hd) keys and values, then o_proj. */
  private NDArray attend(NDArray q, NDArray k, NDArray v, long b, long t, int layer, String p, NDArray mask,
      KvCache cache, boolean training) {
    int kv = arch.numKvHeads();
    int g = arch.groups();
    int hd = arch.headDim();
    if (cache != null) {
      NDArray[] kvAll = cache.append(layer, k, v);
      k = kvAll[0];
      v = kvAll[1];
    }
    NDArray scores = q.matMul(k.expandDims(2).transpose(0, 1, 2, 4, 3)); // (B, KV, G, T, S)
    scores = scores.toType(DataType.FLOAT32, false).mul(scale);
    if (mask != null) {
      scores = scores.add(mask);
    }
    NDArray probs = scores.softmax(-1).toType(dtype, false);
    NDArray out = probs.matMul(v.expandDims(2)); // (B, KV, G, T, hd)
    out = out.transpose(0, 3, 1, 2, 4).reshape(b * t, (long) kv * g * hd); // (B*T, H*hd)
    return proj(out, layer, p, "o_proj", arch.oBias(), training);
  }

  private NDArray proj(NDArray x, int layer, String prefix, String name, boolean bias, boolean training) {
    NDArray wt = w(prefix + name + ".weight");
    NDArray bs = bias ? w(prefix + name + ".bias") : null;
    return withAdapter(x.getNDArrayInternal().linear(x, wt, bs).get(0), layer, name, x, training);
  }

  private NDArray withAdapter(NDArray y, int layer, String name, NDArray x, boolean training) {
    if (adapters != null) {
      NDArray delta = adapters.delta(layer, name, x, training);
      if (delta != null) {
        return y.add(delta);
      }
    }
    return y;
  }

  /** RMSNorm computed in f32 (as HF does), then scaled by the weight in the model dtype. */
  private NDArray rmsNorm(NDArray x, NDArray weight) {
    NDArray x32 = x.toType(DataType.FLOAT32, false);
    NDArray inv = x32.square().mean(new int[] {-1}, true).add(eps).pow(minusHalf);
    return x32.mul(inv).toType(dtype, false).mul(weight);
  }

  private NDArray w(String name) {
    NDArray a = weights.get(name);
    if (a == null) {
      throw Errors.internal("weight " + name + " missing after load checks", null);
    }
    return a;
  }

  private void checkWeights(Map<String, NDArray> weights) {
    int d = arch.hiddenSize();
    int q = arch.numHeads() * arch.headDim();
    int kv = arch.numKvHeads() * arch.headDim();
    Map<String, Shape> expected = new LinkedHashMap<>();
    expected.put("model.embed_tokens.weight", new Shape(arch.vocabSize(), d));
    expected.put("model.norm.weight", new Shape(d));
    if (!arch.tieWordEmbeddings()) {
      expected.put("lm_head.weight", new Shape(arch.vocabSize(), d));
    }
    for (int l = 0; l < arch.numLayers(); l++) {
      String p = "model.layers." + l + ".";
      expected.put(p + "input_layernorm.weight", new Shape(d));
      expected.put(p + "post_attention_layernorm.weight", new Shape(d));
      expected.put(p + "self_attn.q_proj.weight", new Shape(q, d));
      expected.put(p + "self_attn.k_proj.weight", new Shape(kv, d));
      expected.put(p + "self_attn.v_proj.weight", new Shape(kv, d));
      expected.put(p + "self_attn.o_proj.weight", new Shape(d, q));
      if (arch.qkvBias()) {
        expected.put(p + "self_attn.q_proj.bias", new Shape(q));
        expected.put(p + "self_attn.k_proj.bias", new Shape(kv));
        expected.put(p + "self_attn.v_proj.bias", new Shape(kv));
      }
      if (arch.oBias()) {
        expected.put(p + "self_attn.o_proj.bias", new Shape(d));
      }
      expected.put(p + "mlp.gate_proj.weight", new Shape(arch.intermediateSize(), d));
      expected.put(p + "mlp.up_proj.weight", new Shape(arch.intermediateSize(), d));
      expected.put(p + "mlp.down_proj.weight", new Shape(d, arch.intermediateSize()));
      if (arch.mlpBias()) {
        expected.put(p + "mlp.gate_proj.bias", new Shape(arch.intermediateSize()));
        expected.put(p + "mlp.up_proj.bias", new Shape(arch.intermediateSize()));
        expected.put(p + "mlp.down_proj.bias", new Shape(d));
      }
    }
    for (Map.Entry<String, Shape> e : expected.entrySet()) {
      NDArray a = weights.get(e.getKey());
      if (a == null) {
        throw Errors.weightsMismatch(e.getKey(), "is missing (model_type " + arch.modelType() + ")");
      }
      if (!a.getShape().equals(e.getValue())) {
        throw Errors.weightsMismatch(e.getKey(), "has shape " + a.getShape() + ", config.json implies "
            + e.getValue());
      }
    }
  }

  @Override
  public void close() {
    manager.close();
  }
}

package io.srlm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.internal.NDArrayEx;
import ai.djl.ndarray.types.DataType;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Collection;
import java.util.List;

/**
 * LoRA adapters (PEFT layout): for a targeted projection W (out, in), A is (r, in) and B is (out, r), and the
 * projection becomes {@code x W^T + scale * (dropout(x) A^T) B^T} with {@code scale = alpha / r}. Adapters are
 * kept in f32 even when the base model runs in f16. Keys are "layer.module", e.g. "3.q_proj".
 */
public final class Adapters {
  private final int r;
  private final double alpha;
  private final float dropout;
  private final List<String> modules;
  private final Map<String, NDArray> a;
  private final Map<String, NDArray> b;

  public Adapters(int r, double alpha, double dropout, Collection<String> modules, Map<String, NDArray> a,
      Map<String, NDArray> b) {
    this.r = r;
    this.alpha = alpha;
    this.dropout = (float) dropout;
    this.modules = List.copyOf(new java.util.LinkedHashSet<>(modules));
    this.a = Collections.unmodifiableMap(new LinkedHashMap<>(a));
    this.b = Collections.unmodifiableMap(new LinkedHashMap<>(b));
  }

  public static String key(int layer, String module) {
    return layer + "." + module;
  }

  public int rank() {
    return r;
  }

  public double alpha() {
    return alpha;
  }

  public double scale() {
    return alpha / r;
  }

  public double dropout() {
    return dropout;
  }

  /** Target modules, in configuration order. */
  public List<String> modules() {
    return modules;
  }

  /** A matrices by key, each (r, in). */
  public Map<String, NDArray> a() {
    return a;
  }

  /** B matrices by key, each (out, r). */
  public Map<String, NDArray> b() {
    return b;
  }

  /** The adapter's contribution for (layer, module), or null when that projection is not targeted. */
  NDArray delta(int layer, String module, NDArray x, boolean training) {
    NDArray am = a.get(key(layer, module));
    if (am == null) {
      return null;
    }
    NDArray bm = b.get(key(layer, module));
    NDArray x32 = x.toType(DataType.FLOAT32, false);
    NDArrayEx ex = x32.getNDArrayInternal();
    if (training && dropout > 0) {
      x32 = ex.dropout(x32, dropout, true).get(0);
    }
    NDArray low = ex.linear(x32, am, null).get(0);
    NDArray out = low.getNDArrayInternal().linear(low, bm, null).get(0).mul(scale());
    return out.toType(x.getDataType(), false);
  }
}

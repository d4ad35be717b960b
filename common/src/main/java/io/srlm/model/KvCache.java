package io.srlm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Per-layer key/value cache for incremental decoding. Each layer's keys and values live in one buffer of shape
 * (batch, kv_heads, capacity, head_dim), allocated at the layer's first append and written in place after that
 * (no concatenation per step); forwards read a view of the filled part, created in the caller's (step) manager.
 * The buffers belong to the cache's own manager, freed by {@link #close()}.
 */
final class KvCache implements AutoCloseable {
  private final NDManager manager;
  private final long capacity;
  private final NDArray[] keys;
  private final NDArray[] values;
  private final long[] lengths;
  private final Projections projections;

  /**
   * @param capacity the most positions the cache will hold (prompt width + new tokens)
   * @param projections the projections the forwards of this call use (joined copies or the model's own)
   */
  KvCache(NDManager parent, int layers, long capacity, Projections projections) {
    this.manager = parent.newSubManager();
    this.projections = projections;
    this.capacity = capacity;
    this.keys = new NDArray[layers];
    this.values = new NDArray[layers];
    this.lengths = new long[layers];
  }

  /**
   * Writes (B, KV, T, hd) keys/values for a layer after the ones it holds; returns views of the filled
   * (B, KV, S, hd) parts, attached to the manager of {@code k}.
   */
  NDArray[] append(int layer, NDArray k, NDArray v) {
    Shape s = k.getShape();
    long t = s.get(2);
    long at = lengths[layer];
    if (at + t > capacity) {
      throw new IllegalStateException("KV cache of " + capacity + " positions cannot take " + (at + t));
    }
    if (keys[layer] == null) {
      Shape full = new Shape(s.get(0), s.get(1), capacity, s.get(3));
      keys[layer] = manager.zeros(full, k.getDataType(), k.getDevice());
      values[layer] = manager.zeros(full, v.getDataType(), v.getDevice());
    }
    Slices.write(keys[layer], 2, at, k);
    Slices.write(values[layer], 2, at, v);
    lengths[layer] = at + t;
    NDManager caller = k.getManager();
    return new NDArray[] {Slices.range(keys[layer], 2, 0, at + t, caller),
        Slices.range(values[layer], 2, 0, at + t, caller)};
  }

  /**
   * Every layer's buffers for a forward that writes (B, KV, T, hd) keys and values after the ones held (allocated
   * as {@link #append} would); returns {keys, values}. The caller writes them, then calls {@link #advance}.
   */
  NDArray[][] reserve(Shape kv, DataType dtype, Device device) {
    long t = kv.get(2);
    long at = lengths[0];
    if (at + t > capacity) {
      throw new IllegalStateException("KV cache of " + capacity + " positions cannot take " + (at + t));
    }
    for (int l = 0; l < keys.length; l++) {
      if (lengths[l] != at) {
        throw new IllegalStateException("KV cache layers hold different lengths");
      }
      if (keys[l] == null) {
        Shape full = new Shape(kv.get(0), kv.get(1), capacity, kv.get(3));
        keys[l] = manager.zeros(full, dtype, device);
        values[l] = manager.zeros(full, dtype, device);
      }
    }
    return new NDArray[][] {keys.clone(), values.clone()};
  }

  /** Records that every layer's buffers now hold {@code t} more positions (after a {@link #reserve}d forward). */
  void advance(long t) {
    for (int l = 0; l < lengths.length; l++) {
      lengths[l] += t;
    }
  }

  /** Keeps only the given batch rows (int64 indices), e.g. after some sequences finished. */
  void select(NDArray rows) {
    for (int l = 0; l < keys.length; l++) {
      if (keys[l] == null) {
        continue;
      }
      NDArray nk = keys[l].get(manager, new NDIndex("{}", rows));
      NDArray nv = values[l].get(manager, new NDIndex("{}", rows));
      keys[l].close();
      values[l].close();
      keys[l] = nk;
      values[l] = nv;
    }
  }

  Projections projections() {
    return projections;
  }

  long length() {
    return lengths[0];
  }

  @Override
  public void close() {
    manager.close();
  }
}

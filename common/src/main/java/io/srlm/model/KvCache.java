package io.srlm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;

/**
 * Per-layer key/value cache for incremental decoding: keys and values of shape (batch, kv_heads, seq, head_dim),
 * owned by the cache's own manager. Appending replaces (and closes) the previous arrays.
 */
final class KvCache implements AutoCloseable {
  private final NDManager manager;
  private final NDArray[] keys;
  private final NDArray[] values;

  KvCache(NDManager parent, int layers) {
    this.manager = parent.newSubManager();
    this.keys = new NDArray[layers];
    this.values = new NDArray[layers];
  }

  /** Appends (B, KV, T, hd) keys/values for a layer; returns the full (B, KV, S, hd) arrays. */
  NDArray[] append(int layer, NDArray k, NDArray v) {
    NDArray nk = keys[layer] == null ? k : keys[layer].concat(k, 2);
    NDArray nv = values[layer] == null ? v : values[layer].concat(v, 2);
    nk.attach(manager);
    nv.attach(manager);
    if (keys[layer] != null && keys[layer] != nk) {
      keys[layer].close();
      values[layer].close();
    }
    keys[layer] = nk;
    values[layer] = nv;
    return new NDArray[] {nk, nv};
  }

  /** Keeps only the given batch rows (int64 indices), e.g. after some sequences finished. */
  void select(NDArray rows) {
    for (int l = 0; l < keys.length; l++) {
      if (keys[l] == null) {
        continue;
      }
      NDArray nk = keys[l].get(new NDIndex("{}", rows));
      NDArray nv = values[l].get(new NDIndex("{}", rows));
      nk.attach(manager);
      nv.attach(manager);
      keys[l].close();
      values[l].close();
      keys[l] = nk;
      values[l] = nv;
    }
  }

  long length() {
    return keys[0] == null ? 0 : keys[0].getShape().get(2);
  }

  @Override
  public void close() {
    manager.close();
  }
}

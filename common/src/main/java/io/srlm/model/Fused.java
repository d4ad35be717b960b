package io.srlm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.util.Map;

/**
 * The joined projections of every layer: q/k/v as one (q + 2 kv, d) matrix and gate/up as one (2 ffn, d) matrix
 * (and their biases), so inference runs one matmul where the HF layout needs three and two. The join is made once
 * at load and the HF-named weights are then replaced by views into it (row ranges share the joined storage): an
 * optimizer or LoRA merge that updates a named weight in place updates the joined matrix too, the checkpoint
 * writer still sees the HF names and shapes, and no weight is held twice.
 */
final class Fused {
  private final NDArray[] qkv;
  private final NDArray[] qkvBias;
  private final NDArray[] gateUp;
  private final NDArray[] gateUpBias;

  private Fused(int layers) {
    qkv = new NDArray[layers];
    qkvBias = new NDArray[layers];
    gateUp = new NDArray[layers];
    gateUpBias = new NDArray[layers];
  }

  /** Joins the projections in {@code named} (replacing them there by views) and closes the separate copies. */
  static Fused join(ModelArch arch, NDManager manager, Map<String, NDArray> named) {
    Fused f = new Fused(arch.numLayers());
    for (int l = 0; l < arch.numLayers(); l++) {
      String a = "model.layers." + l + ".self_attn.";
      String m = "model.layers." + l + ".mlp.";
      f.qkv[l] = join(manager, named, a, new String[] {"q_proj", "k_proj", "v_proj"}, ".weight");
      f.gateUp[l] = join(manager, named, m, new String[] {"gate_proj", "up_proj"}, ".weight");
      if (arch.qkvBias()) {
        f.qkvBias[l] = join(manager, named, a, new String[] {"q_proj", "k_proj", "v_proj"}, ".bias");
      }
      if (arch.mlpBias()) {
        f.gateUpBias[l] = join(manager, named, m, new String[] {"gate_proj", "up_proj"}, ".bias");
      }
    }
    return f;
  }

  private static NDArray join(NDManager manager, Map<String, NDArray> named, String prefix, String[] parts,
      String suffix) {
    NDList list = new NDList();
    for (String p : parts) {
      list.add(named.get(prefix + p + suffix));
    }
    NDArray joined = NDArrays.concat(list, 0);
    joined.attach(manager);
    long at = 0;
    for (int i = 0; i < parts.length; i++) {
      NDArray old = list.get(i);
      long rows = old.getShape().get(0);
      NDArray view = joined.get(manager, new NDIndex("{}:{}", at, at + rows));
      at += rows;
      named.put(prefix + parts[i] + suffix, view);
      old.close();
    }
    return joined;
  }

  NDArray qkv(int layer) {
    return qkv[layer];
  }

  NDArray qkvBias(int layer) {
    return qkvBias[layer];
  }

  NDArray gateUp(int layer) {
    return gateUp[layer];
  }

  NDArray gateUpBias(int layer) {
    return gateUpBias[layer];
  }
}

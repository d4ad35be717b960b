package io.srlm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.Map;

/**
 * The projections one generate() call's forwards use: either joined copies (q/k/v as one (q + 2 kv, d) matrix and
 * gate/up as one (2 ffn, d) matrix, and their biases, so decoding runs one matmul where the HF layout needs three
 * and two) or the model's own separate HF-named matrices, with no copy.
 *
 * <p>A join is a copy made for one call, in that call's manager (freed when it returns): the HF-named weights stay
 * the model's own arrays, which training, LoRA merges and checkpoint restores update in place or replace (a join
 * kept from load time would go stale; views into a joined matrix do not survive DJL's set(Buffer), which swaps the
 * storage). It costs a copy of about 70% of the weights per call (a few ms on the CPU for a 15M model) and that much
 * memory while the call runs: for a 1.1B model in f16, 1.25 GB on top of 2.2 GB of weights. So generation uses the
 * separate matrices unless asked to join (see {@link LlamaModel#joinsProjections()}).
 */
final class Projections {
  private static final Projections SEPARATE = new Projections(0, false);
  private final boolean joined;
  private final NDArray[] qkv;
  private final NDArray[] qkvBias;
  private final NDArray[] gateUp;
  private final NDArray[] gateUpBias;

  private Projections(int layers, boolean joined) {
    this.joined = joined;
    qkv = new NDArray[layers];
    qkvBias = new NDArray[layers];
    gateUp = new NDArray[layers];
    gateUpBias = new NDArray[layers];
  }

  /** The model's own separate matrices: nothing is copied. */
  static Projections separate() {
    return SEPARATE;
  }

  /** Copies the projections in {@code named} into joined matrices attached to {@code manager}. */
  static Projections join(ModelArch arch, NDManager manager, Map<String, NDArray> named) {
    Projections f = new Projections(arch.numLayers(), true);
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
    return joined;
  }

  /** Whether these are joined copies (else the forwards read the model's separate matrices). */
  boolean joined() {
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

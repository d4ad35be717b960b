package io.srlm.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * AdamW (decoupled weight decay, bias-corrected moments), updating parameters in place. Moments live in the
 * optimizer's own manager and are saved with checkpoints. Weight decay applies to matrices only (not to norms or
 * biases), as is usual.
 */
public final class AdamW implements AutoCloseable {
  private final double beta1;
  private final double beta2;
  private final double eps;
  private final double weightDecay;
  private final NDManager manager;
  private final Map<String, NDArray> m = new LinkedHashMap<>();
  private final Map<String, NDArray> v = new LinkedHashMap<>();
  private int step;

  public AdamW(NDManager parent, double weightDecay) {
    this(parent, 0.9, 0.999, 1e-8, weightDecay);
  }

  public AdamW(NDManager parent, double beta1, double beta2, double eps, double weightDecay) {
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.eps = eps;
    this.weightDecay = weightDecay;
    this.manager = parent.newSubManager();
  }

  public int stepCount() {
    return step;
  }

  /** One update of every parameter from its gradient (gradients must be on the same device). */
  public void update(Map<String, NDArray> params, Map<String, NDArray> grads, double lr) {
    step++;
    double c1 = 1 - Math.pow(beta1, step);
    double c2 = 1 - Math.pow(beta2, step);
    for (Map.Entry<String, NDArray> e : params.entrySet()) {
      String name = e.getKey();
      NDArray p = e.getValue();
      NDArray g = grads.get(name);
      if (g == null) {
        continue;
      }
      NDArray mi = m.computeIfAbsent(name, k -> manager.zeros(p.getShape(), p.getDataType(), p.getDevice()));
      NDArray vi = v.computeIfAbsent(name, k -> manager.zeros(p.getShape(), p.getDataType(), p.getDevice()));
      try (NDManager tmp = manager.newSubManager()) {
        // Every temporary is created in (or attached to) tmp: an op's result belongs to its first operand's
        // manager, and the moments live in the optimizer's long-lived one.
        NDArray gt = g.duplicate();
        gt.attach(tmp);
        mi.muli(beta1).addi(gt.mul(1 - beta1));
        vi.muli(beta2).addi(gt.square().mul(1 - beta2));
        NDArray mHat = mi.div(c1);
        mHat.attach(tmp);
        NDArray vHat = vi.div(c2);
        vHat.attach(tmp);
        NDArray upd = mHat.div(vHat.sqrt().add(eps));
        if (weightDecay > 0 && p.getShape().dimension() >= 2) {
          p.muli(1 - lr * weightDecay);
        }
        p.subi(upd.mul(lr));
      }
    }
  }

  /** Moment tensors for checkpoints: "m.NAME" and "v.NAME". */
  public Map<String, NDArray> state() {
    Map<String, NDArray> out = new LinkedHashMap<>();
    m.forEach((k, a) -> out.put("m." + k, a));
    v.forEach((k, a) -> out.put("v." + k, a));
    return out;
  }

  /** Restores moments and the step count from a checkpoint. */
  public void restore(Map<String, NDArray> state, int stepCount) {
    for (Map.Entry<String, NDArray> e : state.entrySet()) {
      NDArray a = e.getValue();
      a.attach(manager);
      if (e.getKey().startsWith("m.")) {
        m.put(e.getKey().substring(2), a);
      } else if (e.getKey().startsWith("v.")) {
        v.put(e.getKey().substring(2), a);
      }
    }
    this.step = stepCount;
  }

  @Override
  public void close() {
    manager.close();
  }
}

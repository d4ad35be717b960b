package io.srlm.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import io.srlm.model.LlamaModel;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Autograd through the whole forward pass agrees with central finite differences, for a sample of coordinates of
 * every kind of weight (embeddings, norms, attention q/k/v/o, MLP).
 */
class GradientCheckTest {
  @Test
  void analyticGradientsMatchFiniteDifferences() {
    try (NDManager m = NDManager.newBaseManager()) {
      LlamaModel model = TinyFixtures.model(m, 5);
      List<SftExample> batch = TinyFixtures.copyTask(4, 9);
      SftObjective obj = new SftObjective(model, 0);
      for (NDArray p : model.weights().values()) {
        p.setRequiresGradient(true);
      }
      try (NDManager s = m.newSubManager(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        gc.backward(obj.forward(batch, s, false).loss());
      }
      Random r = new Random(3);
      String[] names = {"model.embed_tokens.weight", "model.layers.0.input_layernorm.weight",
          "model.layers.0.self_attn.q_proj.weight", "model.layers.0.self_attn.k_proj.weight",
          "model.layers.1.self_attn.v_proj.weight", "model.layers.1.self_attn.o_proj.weight",
          "model.layers.0.mlp.gate_proj.weight", "model.layers.1.mlp.down_proj.weight", "model.norm.weight"};
      for (String name : names) {
        NDArray w = model.weights().get(name);
        float[] grad = w.getGradient().toFloatArray();
        float[] values = w.toFloatArray();
        int checked = 0;
        for (int tries = 0; checked < 4 && tries < 2000; tries++) {
          int i = r.nextInt(values.length);
          if (Math.abs(grad[i]) < 5e-3) {
            continue;
          }
          double h = 5e-3;
          double up = lossWith(model, obj, batch, w, values, i, values[i] + h);
          double down = lossWith(model, obj, batch, w, values, i, values[i] - h);
          double numeric = (up - down) / (2 * h);
          assertThat(numeric).as("%s[%d]: autograd %s vs numeric %s", name, i, grad[i], numeric)
              .isCloseTo(grad[i], org.assertj.core.api.Assertions.withinPercentage(5));
          checked++;
        }
        assertThat(checked).as(name + " had coordinates with a usable gradient").isPositive();
      }
    }
  }

  private static double lossWith(LlamaModel model, SftObjective obj, List<SftExample> batch, NDArray w,
      float[] values, int i, double v) {
    float[] copy = values.clone();
    copy[i] = (float) v;
    w.set(copy);
    try (NDManager s = model.manager().newSubManager()) {
      double loss = obj.forward(batch, s, false).loss().getFloat();
      w.set(values);
      return loss;
    }
  }
}

package io.srlm.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import io.srlm.model.LlamaModel;
import io.srlm.model.Scorer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DpoTest {
  @Test
  void lossAndGradientMatchTheClosedForm() {
    try (NDManager m = NDManager.newBaseManager()) {
      double beta = 0.1;
      NDArray pc = m.create(new float[] {-3.0f, -5.0f});
      NDArray pr = m.create(new float[] {-4.0f, -2.0f});
      NDArray rc = m.create(new float[] {-3.5f, -4.0f});
      NDArray rr = m.create(new float[] {-3.0f, -2.5f});
      NDArray one = m.create(new float[] {1f, 1f});
      pc.setRequiresGradient(true);
      pr.setRequiresGradient(true);
      double[] expLoss = new double[2];
      double[] expGrad = new double[2];
      double[][] v = {{-3.0, -4.0, -3.5, -3.0}, {-5.0, -2.0, -4.0, -2.5}};
      for (int i = 0; i < 2; i++) {
        double z = beta * ((v[i][0] - v[i][2]) - (v[i][1] - v[i][3]));
        expLoss[i] = Math.log(1 + Math.exp(-z)); // -log sigmoid(z)
        expGrad[i] = -beta / (1 + Math.exp(z)) / 2; // d mean(loss) / d pc_i = -beta * sigmoid(-z) / n
      }
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        Map<String, NDArray> out = DpoObjective.losses("sigmoid", beta, pc, pr, rc, rr, one, one);
        assertThat((double) out.get("loss").getFloat()).isCloseTo((expLoss[0] + expLoss[1]) / 2, within(1e-6));
        assertThat((double) out.get("reward_accuracy").getFloat()).isEqualTo(0.5);
        gc.backward(out.get("loss"));
      }
      float[] gc = pc.getGradient().toFloatArray();
      float[] gr = pr.getGradient().toFloatArray();
      for (int i = 0; i < 2; i++) {
        assertThat((double) gc[i]).isCloseTo(expGrad[i], within(1e-7));
        assertThat((double) gr[i]).isCloseTo(-expGrad[i], within(1e-7));
      }
    }
  }

  @Test
  void ipoAndNormalisedLossesFollowTheirFormulas() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray pc = m.create(new float[] {-6f});
      NDArray pr = m.create(new float[] {-9f});
      NDArray rc = m.create(new float[] {-7f});
      NDArray rr = m.create(new float[] {-8f});
      NDArray lc = m.create(new float[] {2f});
      NDArray lr = m.create(new float[] {4f});
      double diff = (-6 + 7) / 2.0 - (-9 + 8) / 4.0; // 0.75 on mean log-probs
      double ipo = Math.pow(diff - 1 / (2 * 0.5), 2);
      assertThat((double) DpoObjective.losses("ipo", 0.5, pc, pr, rc, rr, lc, lr).get("loss").getFloat())
          .isCloseTo(ipo, within(1e-6));
      double norm = Math.log(1 + Math.exp(-0.5 * diff));
      assertThat((double) DpoObjective.losses("sigmoid_norm", 0.5, pc, pr, rc, rr, lc, lr).get("loss").getFloat())
          .isCloseTo(norm, within(1e-6));
    }
  }

  @Test
  void policyEqualToReferenceGivesLn2(@TempDir Path dir) {
    try (NDManager m = NDManager.newBaseManager()) {
      LlamaModel model = TinyFixtures.model(m, 3);
      List<PairExample> pairs = withReference(model, pairs(24, 5));
      Trainer<PairExample> tr = new Trainer<>(m, Map.of(), new DpoObjective(model, 0, "sigmoid", 0.1),
          new TrainSpec("dpo", TinyFixtures.conf("full", 1, 8, 1e-3), 1, dir, 0, "loss", false, 0),
          MetricsSink.NONE);
      Map<String, Double> v = tr.validate(pairs);
      assertThat(v.get("loss")).isCloseTo(Math.log(2), within(1e-6));
      assertThat(v.get("reward_margin")).isCloseTo(0.0, within(1e-5));
    }
  }

  @Test
  void trainingRaisesThePolicysMarginOnTheTrainingPairs(@TempDir Path dir) {
    try (NDManager m = NDManager.newBaseManager()) {
      LlamaModel model = TinyFixtures.model(m, 3);
      List<PairExample> pairs = withReference(model, pairs(32, 6));
      Trainer<PairExample> tr = new Trainer<>(m, model.weights(), new DpoObjective(model, 0, "sigmoid", 0.1),
          new TrainSpec("dpo", TinyFixtures.conf("full", 30, 8, 2e-3), 1, dir, 0, "loss", false, 0),
          MetricsSink.NONE);
      double before = tr.validate(pairs).get("reward_margin");
      tr.train(pairs, List.of());
      Map<String, Double> after = tr.validate(pairs);
      assertThat(after.get("reward_margin")).isGreaterThan(before + 0.05);
      assertThat(after.get("reward_accuracy")).isGreaterThan(0.8);
      assertThat(after.get("loss")).isLessThan(Math.log(2));
    }
  }

  /** Pairs: chosen continues the prompt's tokens, rejected repeats one token. */
  static List<PairExample> pairs(int n, long seed) {
    Random r = new Random(seed);
    List<PairExample> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int[] p = {1, 4 + r.nextInt(20), 4 + r.nextInt(20), 2};
      int[] c = {p[1], p[2], 3};
      int[] rej = {30, 30, 30, 3};
      out.add(new PairExample("p" + i, p, c, rej, Double.NaN, Double.NaN));
    }
    return out;
  }

  static List<PairExample> withReference(LlamaModel model, List<PairExample> pairs) {
    List<int[]> ps = new ArrayList<>();
    List<int[]> cs = new ArrayList<>();
    for (PairExample e : pairs) {
      ps.add(e.prompt());
      cs.add(e.chosen());
      ps.add(e.prompt());
      cs.add(e.rejected());
    }
    List<Scorer.Score> s = new Scorer(model, 0, 7).score(ps, cs);
    List<PairExample> out = new ArrayList<>();
    for (int i = 0; i < pairs.size(); i++) {
      PairExample e = pairs.get(i);
      out.add(new PairExample(e.id(), e.prompt(), e.chosen(), e.rejected(), s.get(2 * i).logprobSum(),
          s.get(2 * i + 1).logprobSum()));
    }
    return out;
  }
}

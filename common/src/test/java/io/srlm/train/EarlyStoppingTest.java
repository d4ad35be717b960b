package io.srlm.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import io.srlm.config.SrlmConfig;
import io.srlm.model.LlamaModel;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DPO early stopping on a tiny Llama: with dpo.early_stopping_patience, training stops once the validation metric
 * has not improved for that many evaluations, and the weights it returns are the best evaluation's (not the last
 * step's).
 */
class EarlyStoppingTest {
  private static final int MAX_STEPS = 40;

  /** Evaluate and checkpoint every step. */
  private static SrlmConfig.Train everyStep() {
    return new SrlmConfig.Train("full", 1, MAX_STEPS, 8, 1, 5e-3, 0.1, 0.0, 2, "constant", 1.0, 256, "skip", 1, 1,
        1);
  }

  @Test
  void stopsAfterPatienceAndKeepsTheBestCheckpoint(@TempDir Path dir) {
    try (NDManager m = NDManager.newBaseManager()) {
      LlamaModel model = TinyFixtures.model(m, 3);
      List<PairExample> train = DpoTest.withReference(model, DpoTest.pairs(32, 6));
      List<PairExample> val = DpoTest.withReference(model, DpoTest.pairs(12, 7));
      Map<Long, Map<String, Double>> vals = new TreeMap<>();
      MetricsSink sink = new MetricsSink() {
        @Override
        public void record(String split, long step, Map<String, Double> metrics) {
          if (split.equals("val")) {
            vals.put(step, metrics);
          }
        }
      };
      Trainer<PairExample> tr = new Trainer<>(m, model.weights(), new DpoObjective(model, 0, "sigmoid", 0.1),
          new TrainSpec("dpo", everyStep(), 1, dir, 2, "reward_accuracy", true, 0), sink);
      TrainResult res = tr.train(train, val);
      assertThat(res.stoppedEarly()).isTrue();
      assertThat(res.steps()).isLessThan(MAX_STEPS);
      assertThat(res.bestStep()).isPositive().isLessThan(res.steps());
      double best = vals.values().stream().mapToDouble(v -> v.get("reward_accuracy")).max().orElseThrow();
      long firstBest = vals.entrySet().stream().filter(e -> e.getValue().get("reward_accuracy") == best)
          .findFirst().orElseThrow().getKey();
      assertThat((long) res.bestStep()).isEqualTo(firstBest);
      // Two evaluations without improvement after the best one: the patience.
      assertThat(res.steps() - res.bestStep()).isEqualTo(2);
      Map<String, Double> now = tr.validate(val);
      assertThat(now.get("loss")).as("the returned weights are the best step's")
          .isCloseTo(vals.get((long) res.bestStep()).get("loss"), within(1e-5));
      assertThat(vals.get((long) res.steps()).get("loss")).as("the last step's weights differ")
          .isNotCloseTo(now.get("loss"), within(1e-5));
    }
  }
}

package io.srlm.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.srlm.model.Adapters;
import io.srlm.model.LlamaModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SftTrainerTest {
  /** Records every train metric, for comparing curves. */
  static final class Recorder implements MetricsSink {
    final List<String> lines = new ArrayList<>();

    @Override
    public void record(String split, long step, Map<String, Double> metrics) {
      lines.add(split + "@" + step + ":" + String.format("%.5f", metrics.get("loss")));
    }
  }

  @Test
  void fullFineTuningDrivesTheLossDown(@TempDir Path dir) {
    try (NDManager m = NDManager.newBaseManager()) {
      LlamaModel model = TinyFixtures.model(m, 1);
      List<SftExample> data = TinyFixtures.copyTask(64, 2);
      SftObjective obj = new SftObjective(model, 0);
      TrainSpec spec = new TrainSpec("sft", TinyFixtures.conf("full", 60, 16, 3e-3), 7, dir, 0, "loss", false, 0);
      Trainer<SftExample> tr = new Trainer<>(m, model.weights(), obj, spec, MetricsSink.NONE);
      double before = tr.validate(data).get("loss");
      TrainResult res = tr.train(data, data.subList(0, 16));
      double after = tr.validate(data).get("loss");
      assertThat(res.steps()).isEqualTo(60);
      assertThat(after).as("loss %s -> %s", before, after).isLessThan(before * 0.6);
    }
  }

  /** A fresh thread starts with PyTorch's grad mode on (e.g. the driver thread after Spark tasks used the engine). */
  @Test
  void trainsOnAThreadWhereGradModeStartedOn(@TempDir Path dir) throws Exception {
    java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
    Thread t = new Thread(() -> {
      try (NDManager m = NDManager.newBaseManager()) {
        ai.djl.pytorch.jni.JniUtils.setGradMode(true);
        LlamaModel model = TinyFixtures.model(m, 1);
        List<SftExample> data = TinyFixtures.copyTask(16, 2);
        TrainSpec spec = new TrainSpec("sft", TinyFixtures.conf("full", 3, 8, 3e-3), 7, dir, 0, "loss", false, 0);
        assertThat(new Trainer<>(m, model.weights(), new SftObjective(model, 0), spec, MetricsSink.NONE)
            .train(data, List.of()).steps()).isEqualTo(3);
      } catch (Throwable e) {
        failure.set(e);
      }
    });
    t.start();
    t.join();
    assertThat(failure.get()).isNull();
  }

  @Test
  void loraTrainsOnlyAdaptersAndZeroBLeavesTheModelUnchanged(@TempDir Path dir) {
    try (NDManager m = NDManager.newBaseManager()) {
      LlamaModel model = TinyFixtures.model(m, 1);
      List<SftExample> data = TinyFixtures.copyTask(32, 3);
      SftObjective obj = new SftObjective(model, 0);
      TrainSpec spec = new TrainSpec("sft", TinyFixtures.conf("lora", 20, 16, 1e-2), 7, dir, 0, "loss", false, 0);
      Trainer<SftExample> plain = new Trainer<>(m, Map.of(), obj, spec, MetricsSink.NONE);
      double base = plain.validate(data).get("loss");
      float[] wBefore = model.weights().get("model.layers.0.self_attn.q_proj.weight").toFloatArray();
      Adapters ad = Lora.create(model.arch(), 4, 8, 0.0, List.of("q_proj", "v_proj", "down_proj"), 5, m);
      model.setAdapters(ad);
      assertThat(plain.validate(data).get("loss")).isEqualTo(base); // B = 0: exactly the base
      new Trainer<>(m, Lora.parameters(ad), obj, spec, MetricsSink.NONE).train(data, List.of());
      assertThat(plain.validate(data).get("loss")).isLessThan(base);
      assertThat(model.weights().get("model.layers.0.self_attn.q_proj.weight").toFloatArray())
          .containsExactly(wBefore);
    }
  }

  /** The same settings with a checkpoint after every step. */
  private static io.srlm.config.SrlmConfig.Train everyStep(io.srlm.config.SrlmConfig.Train t) {
    return new io.srlm.config.SrlmConfig.Train(t.finetune(), t.epochs(), t.maxSteps(), t.batchSize(), t.gradAccum(),
        t.learningRate(), t.minLearningRateRatio(), t.weightDecay(), t.warmupSteps(), t.schedule(), t.maxGradNorm(),
        t.maxSeqLen(), t.onOverlong(), t.evalEvery(), 1, t.logEvery());
  }

  @Test
  void resumeReproducesTheUninterruptedRun(@TempDir Path dir) {
    List<SftExample> data = TinyFixtures.copyTask(48, 4);
    Recorder straight = new Recorder();
    float[] straightW;
    try (NDManager m = NDManager.newBaseManager()) {
      LlamaModel model = TinyFixtures.model(m, 1);
      TrainSpec spec = new TrainSpec("sft", TinyFixtures.conf("full", 20, 8, 3e-3), 9, dir.resolve("a"), 0, "loss",
          false, 0);
      new Trainer<>(m, model.weights(), new SftObjective(model, 0), spec, straight).train(data, List.of());
      straightW = model.weights().get("model.layers.1.mlp.down_proj.weight").toFloatArray();
    }
    Recorder resumed = new Recorder();
    float[] resumedW;
    try (NDManager m = NDManager.newBaseManager()) {
      LlamaModel model = TinyFixtures.model(m, 1);
      // Halted at step 12, between two logged steps (every 5): the resumed run must log the same averages.
      TrainSpec halting = new TrainSpec("sft", everyStep(TinyFixtures.conf("full", 20, 8, 3e-3)), 9,
          dir.resolve("b"), 0, "loss", false, 12);
      Trainer<SftExample> tr = new Trainer<>(m, model.weights(), new SftObjective(model, 0), halting, resumed);
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> tr.train(data, List.of()))
          .isInstanceOf(TrainSpec.Halted.class);
    }
    try (NDManager m = NDManager.newBaseManager()) {
      LlamaModel model = TinyFixtures.model(m, 1); // a fresh process: weights from scratch, state from checkpoint
      TrainSpec spec = new TrainSpec("sft", everyStep(TinyFixtures.conf("full", 20, 8, 3e-3)), 9, dir.resolve("b"),
          0, "loss", false, 0);
      TrainResult res = new Trainer<>(m, model.weights(), new SftObjective(model, 0), spec, resumed)
          .train(data, List.of());
      assertThat(res.resumedFrom()).isEqualTo(12);
      resumedW = model.weights().get("model.layers.1.mlp.down_proj.weight").toFloatArray();
    }
    assertThat(resumed.lines).containsExactlyElementsOf(straight.lines);
    for (int i = 0; i < straightW.length; i++) {
      assertThat((double) resumedW[i]).isCloseTo(straightW[i], within(1e-6));
    }
  }

  @Test
  void scheduleWarmsUpThenDecays() {
    LrSchedule s = new LrSchedule(1.0, 10, 110, "cosine", 0.1);
    assertThat(s.at(0)).isCloseTo(0.1, within(1e-12));
    assertThat(s.at(9)).isCloseTo(1.0, within(1e-12));
    assertThat(s.at(60)).isCloseTo(0.55, within(1e-9));
    assertThat(s.at(110)).isCloseTo(0.1, within(1e-12));
    LrSchedule lin = new LrSchedule(2.0, 0, 100, "linear", 0.0);
    assertThat(lin.at(50)).isCloseTo(1.0, within(1e-12));
    assertThat(new LrSchedule(2.0, 0, 100, "constant", 0.0).at(99)).isEqualTo(2.0);
  }

  static double sum(NDArray a) {
    return a.sum().getFloat();
  }
}

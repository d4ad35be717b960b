package io.srlm.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import io.srlm.model.FakeCodecAccess;
import io.srlm.model.GenerationRequest;
import io.srlm.model.Generator;
import io.srlm.model.LlamaModel;
import io.srlm.model.SamplingParams;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Native memory stays flat: generation and training steps leave no arrays behind in long-lived managers (a
 * result belongs to its first operand's manager, so a slip here leaks every step).
 */
class NativeMemoryTest {
  @Test
  void generationAndTrainingLeaveNoArraysBehind(@TempDir Path dir) {
    try (NDManager m = NDManager.newBaseManager()) {
      LlamaModel model = TinyFixtures.model(m, 1);
      Generator g = new Generator(model, FakeCodecAccess.codec(), 8);
      SamplingParams p = new SamplingParams(0.7, 0.9, 0, 12, List.of());
      g.generate(List.of(new GenerationRequest(new int[] {1, 2, 3}, 1, p)));
      int base = m.getManagedArrays().size();
      for (int i = 0; i < 40; i++) {
        g.generate(List.of(new GenerationRequest(new int[] {1, 2, 3}, i, p),
            new GenerationRequest(new int[] {4, 5}, i + 100, p)));
      }
      assertThat(m.getManagedArrays().size()).as("arrays after 40 generate calls").isEqualTo(base);
      List<SftExample> data = TinyFixtures.copyTask(32, 2);
      TrainSpec one = new TrainSpec("sft", TinyFixtures.conf("full", 2, 8, 1e-3), 1, dir.resolve("a"), 0, "loss",
          false, 0);
      new Trainer<>(m, model.weights(), new SftObjective(model, 0), one, MetricsSink.NONE).train(data, List.of());
      int afterShort = m.getManagedArrays().size();
      TrainSpec many = new TrainSpec("sft", TinyFixtures.conf("full", 30, 8, 1e-3), 1, dir.resolve("b"), 0, "loss",
          false, 0);
      List<Integer> during = new java.util.ArrayList<>();
      MetricsSink counting = (split, step, metrics) -> during.add(m.getManagedArrays().size());
      new Trainer<>(m, model.weights(), new SftObjective(model, 0), many, counting).train(data, List.of());
      assertThat(m.getManagedArrays().size()).as("arrays after 2 vs 30 training steps").isEqualTo(afterShort);
      assertThat(during).as("arrays alive at steps 5, 10, ... 30 (optimizer moments exist from step 1)")
          .hasSize(6).allMatch(n -> n.equals(during.get(0)));
    }
  }
}

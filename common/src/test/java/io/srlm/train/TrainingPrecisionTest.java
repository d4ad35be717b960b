package io.srlm.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import io.srlm.errors.SrlmException;
import io.srlm.model.Adapters;
import io.srlm.model.EngineOptions;
import io.srlm.model.LlamaModel;
import io.srlm.model.SequenceBatch;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * LoRA on an f16-loaded base: reproduces the failure seen on a GPU ("element 0 of tensors does not require grad")
 * on the CPU with a tiny model, and guards the policy that fixes it (training loads f32; objectives refuse f16).
 */
class TrainingPrecisionTest {
  private static final List<String> TARGETS = List.of("q_proj", "v_proj");

  /** The tiny random Llama with its weights narrowed to f16 (f16 matmul on CPU is slow: keep it tiny). */
  private static LlamaModel f16(NDManager root) {
    LlamaModel f32 = TinyFixtures.model(root, 7);
    NDManager m = root.newSubManager();
    Map<String, NDArray> w = new LinkedHashMap<>();
    f32.weights().forEach((k, v) -> {
      NDArray h = v.toType(DataType.FLOAT16, true);
      h.attach(m);
      w.put(k, h);
    });
    return new LlamaModel(f32.arch(), m, w, DataType.FLOAT16, f32.arch().maxPosition());
  }

  private static Adapters adapters(LlamaModel model, NDManager m) {
    return Lora.create(model.arch(), 4, 8, 0.0, TARGETS, 11, m);
  }

  /** One LoRA backward step through the engine directly (what the objectives did before the guard). */
  private static void loraBackward(LlamaModel model, Adapters ad, NDManager root) {
    model.setAdapters(ad);
    Lora.parameters(ad).values().forEach(p -> p.setRequiresGradient(true));
    JniUtils.setGradMode(false);
    try (NDManager sm = root.newSubManager(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      SequenceBatch b = new SequenceBatch(new int[][] {{1, 5, 6, 2}}, new int[][] {{5, 6, 3}}, 0);
      NDArray loss = b.completionLogprobs(model, sm, true).sum().neg();
      gc.backward(loss);
    }
  }

  @Test
  void loraOnAnF16BaseLosesTheGraphInTheEngine() {
    try (NDManager root = NDManager.newBaseManager()) {
      LlamaModel model = f16(root);
      Adapters ad = adapters(model, root);
      assertThatThrownBy(() -> loraBackward(model, ad, root)).hasMessageContaining("does not require grad");
    }
  }

  @Test
  void loraOnAnF32BaseGetsGradientsForEveryAdapter() {
    try (NDManager root = NDManager.newBaseManager()) {
      LlamaModel model = TinyFixtures.model(root, 7);
      Adapters ad = adapters(model, root);
      LoraTest.randomiseB(ad, 3); // B = 0 at init would give A no gradient
      loraBackward(model, ad, root);
      for (Map.Entry<String, NDArray> e : Lora.parameters(ad).entrySet()) {
        float norm = e.getValue().getGradient().abs().sum().getFloat();
        assertThat(norm).as(e.getKey()).isPositive();
      }
    }
  }

  @Test
  void objectivesRefuseAnF16ModelWithTheReason() {
    try (NDManager root = NDManager.newBaseManager()) {
      LlamaModel model = f16(root);
      assertThatThrownBy(() -> new SftObjective(model, 0)).isInstanceOf(SrlmException.class)
          .hasMessageContaining("float16").hasMessageContaining("f32 weights");
      assertThatThrownBy(() -> new DpoObjective(model, 0, "sigmoid", 0.1)).isInstanceOf(SrlmException.class)
          .hasMessageContaining("does not require grad");
    }
  }

  @Test
  void modelsToTrainLoadInF32OnTheConfiguredDevice() {
    EngineOptions gpu = new EngineOptions("auto", "auto", 0, 32);
    assertThat(TrainingPrecision.loadOptions(gpu)).isEqualTo(new EngineOptions("auto", "f32", 0, 32));
    assertThat(TrainingPrecision.loadOptions(new EngineOptions("cuda:1", "f16", 4, 8)).dtype()).isEqualTo("f32");
  }
}

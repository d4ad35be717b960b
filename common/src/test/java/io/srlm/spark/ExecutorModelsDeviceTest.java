package io.srlm.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.srlm.model.Devices;
import io.srlm.model.EngineOptions;
import io.srlm.model.LanguageModel;
import io.srlm.model.TinyModel;
import io.srlm.testing.TestConf;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The executor cache is keyed by model and device: two tasks of one executor holding different GPUs get their own
 * model, tasks on the same GPU share one. GPUs are simulated (placement only; tensors stay on the CPU).
 */
class ExecutorModelsDeviceTest {
  @TempDir
  Path dir;

  @BeforeEach
  void simulateTwoGpus() {
    ExecutorModels.evictAll();
    System.setProperty(Devices.SIMULATED_GPUS, "2");
  }

  @AfterEach
  void restore() {
    System.clearProperty(Devices.SIMULATED_GPUS);
    ExecutorModels.evictAll();
  }

  @Test
  void oneModelPerSpecAndMappedDevice() {
    Path model = dir.resolve("tiny");
    List<String> corpus = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      corpus.add("The judge scores answer " + i + " out of five points.");
    }
    TinyModel.create(TestConf.tiny(dir.resolve("scratch")).model().tiny(), corpus, model);
    ModelSpec spec = new ModelSpec(model.toString(), new EngineOptions("auto", "auto", 1, 4), "", Map.of(),
        java.util.Set.of());
    long before = ExecutorModels.loads();

    // the cluster manager made GPUs 3 and 5 visible as ordinals 0 and 1; Spark hands out addresses "5" and "3"
    LanguageModel onFive = ExecutorModels.get(spec, Devices.place("auto", new Devices.View(2, "3,5", "5")));
    LanguageModel onThree = ExecutorModels.get(spec, Devices.place("auto", new Devices.View(2, "3,5", "3")));
    LanguageModel again = ExecutorModels.get(spec, Devices.place("cuda:1", new Devices.View(2, "3,5", null)));
    // outside a task, auto is the first visible GPU
    LanguageModel driver = ExecutorModels.get(spec);

    assertThat(onFive).isNotSameAs(onThree);
    assertThat(again).isSameAs(onFive);
    assertThat(driver).isSameAs(onThree);
    assertThat(ExecutorModels.loads() - before).isEqualTo(2);
    assertThat(ExecutorModels.cached()).extracting(ExecutorModels.Key::device)
        .containsExactlyInAnyOrder("cuda:0", "cuda:1");
    assertThat(ExecutorModels.cached()).extracting(ExecutorModels.Key::spec).containsOnly(spec);
  }
}

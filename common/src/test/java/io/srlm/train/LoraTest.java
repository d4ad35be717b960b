package io.srlm.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import io.srlm.model.Adapters;
import io.srlm.model.LlamaModel;
import io.srlm.model.Scorer;
import io.srlm.model.io.SafetensorsFile;
import io.srlm.util.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoraTest {
  @Test
  void mergedWeightsGiveTheSameLogitsAsBasePlusAdapter(@TempDir Path dir) {
    try (NDManager m = NDManager.newBaseManager()) {
      LlamaModel model = TinyFixtures.model(m, 1);
      Adapters ad = Lora.create(model.arch(), 4, 16, 0.0, List.of("q_proj", "k_proj", "v_proj", "o_proj",
          "gate_proj", "up_proj", "down_proj"), 3, m);
      randomiseB(ad, 11);
      model.setAdapters(ad);
      List<int[]> ps = List.of(new int[] {1, 5, 6, 7, 2}, new int[] {1, 9, 2});
      List<int[]> cs = List.of(new int[] {5, 6, 7, 3}, new int[] {9, 9, 3});
      List<Scorer.Score> withAdapter = new Scorer(model, 0, 4).score(ps, cs);
      model.setAdapters(null);
      List<Scorer.Score> base = new Scorer(model, 0, 4).score(ps, cs);
      assertThat(base.get(0).logprobSum()).isNotCloseTo(withAdapter.get(0).logprobSum(), within(1e-3));
      Lora.mergeInto(model, ad);
      List<Scorer.Score> merged = new Scorer(model, 0, 4).score(ps, cs);
      for (int i = 0; i < ps.size(); i++) {
        assertThat(merged.get(i).logprobSum()).isCloseTo(withAdapter.get(i).logprobSum(), within(1e-5));
      }
    }
  }

  @Test
  void peftFilesHavePeftNamesAndConfigKeysAndLoadBack(@TempDir Path dir) throws Exception {
    try (NDManager m = NDManager.newBaseManager()) {
      LlamaModel model = TinyFixtures.model(m, 1);
      Adapters ad = Lora.create(model.arch(), 4, 8, 0.05, List.of("q_proj", "down_proj"), 3, m);
      randomiseB(ad, 2);
      Lora.save(ad, dir, "/models/base");
      JsonNode c = Json.MAPPER.readTree(Files.readString(dir.resolve("adapter_config.json")));
      assertThat(c.get("peft_type").asText()).isEqualTo("LORA");
      assertThat(c.get("task_type").asText()).isEqualTo("CAUSAL_LM");
      assertThat(c.get("r").asInt()).isEqualTo(4);
      assertThat(c.get("lora_alpha").asDouble()).isEqualTo(8.0);
      assertThat(c.get("base_model_name_or_path").asText()).isEqualTo("/models/base");
      assertThat(c.get("target_modules")).extracting(JsonNode::asText).containsExactly("q_proj", "down_proj");
      try (SafetensorsFile f = SafetensorsFile.open(dir.resolve("adapter_model.safetensors"))) {
        assertThat(f.names()).contains(
            "base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight",
            "base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight",
            "base_model.model.model.layers.1.mlp.down_proj.lora_A.weight",
            "base_model.model.model.layers.1.mlp.down_proj.lora_B.weight").hasSize(8);
        assertThat(f.info("base_model.model.model.layers.1.mlp.down_proj.lora_A.weight").shape())
            .containsExactly(4, 64);
        assertThat(f.info("base_model.model.model.layers.1.mlp.down_proj.lora_B.weight").shape())
            .containsExactly(32, 4);
      }
      Adapters back = Lora.load(dir, model.arch(), m);
      assertThat(back.rank()).isEqualTo(4);
      assertThat(back.b().get("1.down_proj").toFloatArray()).containsExactly(ad.b().get("1.down_proj")
          .toFloatArray());
    }
  }

  static void randomiseB(Adapters ad, long seed) {
    Random r = new Random(seed);
    for (NDArray b : ad.b().values()) {
      float[] v = new float[(int) b.size()];
      for (int i = 0; i < v.length; i++) {
        v[i] = (float) (r.nextGaussian() * 0.2);
      }
      b.set(v);
    }
  }

  static Shape shape(long... d) {
    return new Shape(d);
  }
}

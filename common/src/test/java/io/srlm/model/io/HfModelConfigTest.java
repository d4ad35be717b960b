package io.srlm.model.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.srlm.errors.ErrorCode;
import io.srlm.errors.SrlmException;
import io.srlm.util.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HfModelConfigTest {
  @TempDir Path dir;

  // The shape of the configs these model families publish (values as in their config.json files).
  private static final String LLAMA31 = """
      {"architectures": ["LlamaForCausalLM"], "attention_bias": false, "attention_dropout": 0.0,
       "bos_token_id": 128000, "eos_token_id": [128001, 128008, 128009], "hidden_act": "silu",
       "hidden_size": 4096, "initializer_range": 0.02, "intermediate_size": 14336,
       "max_position_embeddings": 131072, "mlp_bias": false, "model_type": "llama", "num_attention_heads": 32,
       "num_hidden_layers": 32, "num_key_value_heads": 8, "pretraining_tp": 1, "rms_norm_eps": 1e-05,
       "rope_scaling": {"factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0,
                        "original_max_position_embeddings": 8192, "rope_type": "llama3"},
       "rope_theta": 500000.0, "tie_word_embeddings": false, "torch_dtype": "bfloat16",
       "transformers_version": "4.43.0.dev0", "use_cache": true, "vocab_size": 128256}
      """;

  private static final String TINYLLAMA = """
      {"architectures": ["LlamaForCausalLM"], "bos_token_id": 1, "eos_token_id": 2, "hidden_act": "silu",
       "hidden_size": 2048, "initializer_range": 0.02, "intermediate_size": 5632, "max_position_embeddings": 2048,
       "model_type": "llama", "num_attention_heads": 32, "num_hidden_layers": 22, "num_key_value_heads": 4,
       "pretraining_tp": 1, "rms_norm_eps": 1e-05, "rope_scaling": null, "tie_word_embeddings": false,
       "torch_dtype": "bfloat16", "transformers_version": "4.35.0", "use_cache": true, "vocab_size": 32000}
      """;

  private static final String MISTRAL = """
      {"architectures": ["MistralForCausalLM"], "bos_token_id": 1, "eos_token_id": 2, "hidden_act": "silu",
       "hidden_size": 4096, "initializer_range": 0.02, "intermediate_size": 14336,
       "max_position_embeddings": 32768, "model_type": "mistral", "num_attention_heads": 32,
       "num_hidden_layers": 32, "num_key_value_heads": 8, "rms_norm_eps": 1e-05, "rope_theta": 10000.0,
       "sliding_window": 4096, "tie_word_embeddings": false, "torch_dtype": "bfloat16", "use_cache": true,
       "vocab_size": 32000}
      """;

  private static final String QWEN2 = """
      {"architectures": ["Qwen2ForCausalLM"], "attention_dropout": 0.0, "bos_token_id": 151643,
       "eos_token_id": 151645, "hidden_act": "silu", "hidden_size": 896, "initializer_range": 0.02,
       "intermediate_size": 4864, "max_position_embeddings": 32768, "max_window_layers": 24, "model_type": "qwen2",
       "num_attention_heads": 14, "num_hidden_layers": 24, "num_key_value_heads": 2, "rms_norm_eps": 1e-06,
       "rope_theta": 1000000.0, "sliding_window": 32768, "tie_word_embeddings": true, "torch_dtype": "bfloat16",
       "use_cache": true, "use_sliding_window": false, "vocab_size": 151936}
      """;

  private Path modelDir(String json) throws Exception {
    Files.writeString(dir.resolve("config.json"), json);
    return dir;
  }

  private static ObjectNode obj(String json) throws Exception {
    return (ObjectNode) Json.MAPPER.readTree(json);
  }

  private static AbstractThrowableAssert<?, ? extends Throwable> refused(ObjectNode json, String key) {
    return assertThatThrownBy(() -> HfModelConfig.fromJson(json, "/models/x/config.json"))
        .isInstanceOf(SrlmException.class)
        .satisfies(e -> assertThat(((SrlmException) e).code()).isEqualTo(ErrorCode.MODEL))
        .hasMessageContaining("file=/models/x/config.json")
        .hasMessageContaining("key=" + key);
  }

  @Test
  void llama31WithLlama3RopeScaling() throws Exception {
    HfModelConfig c = HfModelConfig.read(modelDir(LLAMA31));
    assertThat(c.modelType()).isEqualTo("llama");
    assertThat(c.vocabSize()).isEqualTo(128256);
    assertThat(c.hiddenSize()).isEqualTo(4096);
    assertThat(c.intermediateSize()).isEqualTo(14336);
    assertThat(c.numHiddenLayers()).isEqualTo(32);
    assertThat(c.numAttentionHeads()).isEqualTo(32);
    assertThat(c.numKeyValueHeads()).isEqualTo(8);
    assertThat(c.headDim()).isEqualTo(128);
    assertThat(c.rmsNormEps()).isEqualTo(1e-5);
    assertThat(c.ropeTheta()).isEqualTo(500000.0);
    assertThat(c.ropeScaling()).isEqualTo(new RopeScaling.Llama3(8.0, 1.0, 4.0, 8192));
    assertThat(c.maxPositionEmbeddings()).isEqualTo(131072);
    assertThat(c.tieWordEmbeddings()).isFalse();
    assertThat(c.qkvBias()).isFalse();
    assertThat(c.oProjBias()).isFalse();
    assertThat(c.mlpBias()).isFalse();
    assertThat(c.hiddenAct()).isEqualTo("silu");
    assertThat(c.bosTokenId()).isEqualTo(128000);
    assertThat(c.eosTokenIds()).containsExactly(128001, 128008, 128009);
    assertThat(c.padTokenId()).isNull();
    assertThat(c.torchDtype()).isEqualTo("bfloat16");
    assertThat(c.slidingWindow()).isNull();
  }

  @Test
  void tinyLlamaTakesDefaults() throws Exception {
    ObjectNode json = obj(TINYLLAMA);
    HfModelConfig c = HfModelConfig.fromJson(json, "config.json");
    assertThat(c.numKeyValueHeads()).isEqualTo(4);
    assertThat(c.headDim()).isEqualTo(64);
    assertThat(c.ropeTheta()).isEqualTo(10000.0);
    assertThat(c.ropeScaling()).isNull();
    assertThat(c.eosTokenIds()).containsExactly(2);
    json.remove(List.of("num_key_value_heads", "max_position_embeddings", "rms_norm_eps", "hidden_act",
        "eos_token_id"));
    json.put("attention_bias", true);
    HfModelConfig d = HfModelConfig.fromJson(json, "config.json");
    assertThat(d.numKeyValueHeads()).isEqualTo(32);
    assertThat(d.maxPositionEmbeddings()).isEqualTo(2048);
    assertThat(d.rmsNormEps()).isEqualTo(1e-6);
    assertThat(d.hiddenAct()).isEqualTo("silu");
    assertThat(d.eosTokenIds()).isEmpty();
    assertThat(d.qkvBias()).isTrue();
    assertThat(d.oProjBias()).isTrue();
  }

  @Test
  void mistralKeepsItsSlidingWindow() throws Exception {
    HfModelConfig c = HfModelConfig.fromJson(obj(MISTRAL), "config.json");
    assertThat(c.modelType()).isEqualTo("mistral");
    assertThat(c.slidingWindow()).isEqualTo(4096);
    assertThat(c.headDim()).isEqualTo(128);
    assertThat(c.qkvBias()).isFalse();
    ObjectNode explicitHeadDim = obj(MISTRAL).put("head_dim", 96).putNull("sliding_window");
    HfModelConfig d = HfModelConfig.fromJson(explicitHeadDim, "config.json");
    assertThat(d.headDim()).isEqualTo(96);
    assertThat(d.slidingWindow()).isNull();
  }

  @Test
  void qwen2HasQkvBiasesButNoOutputBias() throws Exception {
    HfModelConfig c = HfModelConfig.fromJson(obj(QWEN2), "config.json");
    assertThat(c.modelType()).isEqualTo("qwen2");
    assertThat(c.qkvBias()).isTrue();
    assertThat(c.oProjBias()).isFalse();
    assertThat(c.mlpBias()).isFalse();
    assertThat(c.tieWordEmbeddings()).isTrue();
    assertThat(c.headDim()).isEqualTo(64);
    assertThat(c.numKeyValueHeads()).isEqualTo(2);
    assertThat(c.slidingWindow()).isNull(); // use_sliding_window is false
    assertThat(c.eosTokenIds()).containsExactly(151645);
  }

  @Test
  void unsupportedModelTypeNamesTheSupportedOnes() throws Exception {
    refused(obj(TINYLLAMA).put("model_type", "gpt2"), "model_type")
        .hasMessageContaining("'gpt2' is not supported")
        .hasMessageContaining("llama, mistral, qwen2");
    ObjectNode none = obj(TINYLLAMA);
    none.remove("model_type");
    refused(none, "model_type").hasMessageContaining("missing");
  }

  @Test
  void ropeScalingTypes() throws Exception {
    ObjectNode yarn = obj(LLAMA31);
    ((ObjectNode) yarn.get("rope_scaling")).put("rope_type", "yarn");
    refused(yarn, "rope_scaling").hasMessageContaining("'yarn' is not supported")
        .hasMessageContaining("llama3, linear");
    ObjectNode linear = obj(TINYLLAMA);
    linear.putObject("rope_scaling").put("type", "linear").put("factor", 4.0);
    assertThat(HfModelConfig.fromJson(linear, "config.json").ropeScaling()).isEqualTo(new RopeScaling.Linear(4.0));
    ObjectNode dflt = obj(TINYLLAMA);
    dflt.putObject("rope_scaling").put("rope_type", "default");
    assertThat(HfModelConfig.fromJson(dflt, "config.json").ropeScaling()).isNull();
    ObjectNode incomplete = obj(LLAMA31);
    ((ObjectNode) incomplete.get("rope_scaling")).remove("low_freq_factor");
    refused(incomplete, "rope_scaling.low_freq_factor").hasMessageContaining("missing");
    ObjectNode backwards = obj(LLAMA31);
    ((ObjectNode) backwards.get("rope_scaling")).put("high_freq_factor", 0.5);
    refused(backwards, "rope_scaling").hasMessageContaining("high_freq_factor");
  }

  @Test
  void numbersAreValidatedWithTheKeyNamed() throws Exception {
    refused(obj(TINYLLAMA).put("num_attention_heads", 30), "num_attention_heads")
        .hasMessageContaining("must divide hidden_size");
    refused(obj(TINYLLAMA).put("num_key_value_heads", 5), "num_key_value_heads")
        .hasMessageContaining("must divide num_attention_heads");
    refused(obj(TINYLLAMA).put("hidden_size", -2048), "hidden_size").hasMessageContaining("positive");
    refused(obj(TINYLLAMA).put("vocab_size", "many"), "vocab_size").hasMessageContaining("integer");
    refused(obj(TINYLLAMA).put("rms_norm_eps", 0.0), "rms_norm_eps").hasMessageContaining("positive");
    refused(obj(TINYLLAMA).put("hidden_act", "gelu"), "hidden_act").hasMessageContaining("silu");
    refused(obj(TINYLLAMA).put("head_dim", 63), "head_dim").hasMessageContaining("even");
    refused(obj(TINYLLAMA).put("tie_word_embeddings", "yes"), "tie_word_embeddings");
    refused(obj(TINYLLAMA).put("eos_token_id", "</s>"), "eos_token_id");
    ObjectNode missing = obj(TINYLLAMA);
    missing.remove("intermediate_size");
    refused(missing, "intermediate_size").hasMessageContaining("missing");
    // head_dim given: heads need not divide hidden_size
    assertThat(HfModelConfig.fromJson(obj(TINYLLAMA).put("num_attention_heads", 24).put("head_dim", 64)
        .put("num_key_value_heads", 8), "config.json").headDim()).isEqualTo(64);
  }

  @Test
  void missingOrBrokenConfigFile() throws Exception {
    assertThatThrownBy(() -> HfModelConfig.read(dir))
        .isInstanceOf(SrlmException.class)
        .hasMessageContaining("no config.json")
        .hasMessageContaining(dir.toString());
    Files.writeString(dir.resolve("config.json"), "{\"model_type\": ");
    assertThatThrownBy(() -> HfModelConfig.read(dir))
        .isInstanceOf(SrlmException.class)
        .hasMessageContaining(dir.resolve("config.json").toString())
        .hasMessageContaining("JSON");
  }

  @Test
  void writeToKeepsUnknownKeys() throws Exception {
    HfModelConfig c = HfModelConfig.read(modelDir(LLAMA31));
    Path out = dir.resolve("merged");
    c.with("torch_dtype", "float32").writeTo(out);
    HfModelConfig back = HfModelConfig.read(out);
    assertThat(back.torchDtype()).isEqualTo("float32");
    assertThat(back.raw().get("pretraining_tp").asInt()).isEqualTo(1);
    assertThat(back.raw().get("transformers_version").asText()).isEqualTo("4.43.0.dev0");
    assertThat(back.ropeScaling()).isEqualTo(c.ropeScaling());
    assertThat(back.with("torch_dtype", "bfloat16")).isEqualTo(c);
    // raw() is a copy: changing it does not change the config
    c.raw().put("vocab_size", 7);
    assertThat(c.vocabSize()).isEqualTo(128256);
  }

  @Test
  void buildsTheTinyLlamaConfigFromScratch() {
    HfModelConfig c = HfModelConfig.llama(1024, 128, 352, 4, 4, 2, 512, 10000.0, 1e-5)
        .with("bos_token_id", 1).with("eos_token_id", 2).with("pad_token_id", 0);
    assertThat(c.raw().get("architectures").get(0).asText()).isEqualTo("LlamaForCausalLM");
    assertThat(c.headDim()).isEqualTo(32);
    assertThat(c.numKeyValueHeads()).isEqualTo(2);
    assertThat(c.eosTokenIds()).containsExactly(2);
    assertThat(c.padTokenId()).isZero();
    c.writeTo(dir);
    assertThat(HfModelConfig.read(dir)).isEqualTo(c);
    assertThatThrownBy(() -> HfModelConfig.llama(1024, 128, 352, 4, 3, 2, 512, 10000.0, 1e-5))
        .isInstanceOf(SrlmException.class)
        .hasMessageContaining("key=num_attention_heads");
  }

  @Test
  void generationConfigIsOptionalAndReadsIntOrListIds() throws Exception {
    assertThat(GenerationConfig.read(dir)).isEmpty();
    Files.writeString(dir.resolve("generation_config.json"), """
        {"bos_token_id": 128000, "do_sample": true, "eos_token_id": [128001, 128008, 128009],
         "temperature": 0.6, "top_p": 0.9, "transformers_version": "4.43.0.dev0"}
        """);
    GenerationConfig g = GenerationConfig.read(dir).orElseThrow();
    assertThat(g.bosTokenIds()).containsExactly(128000);
    assertThat(g.eosTokenIds()).containsExactly(128001, 128008, 128009);
    assertThat(g.doSample()).isTrue();
    assertThat(g.temperature()).isEqualTo(0.6);
    assertThat(g.topP()).isEqualTo(0.9);
    assertThat(g.topK()).isNull();
    assertThat(g.maxNewTokens()).isNull();
    assertThat(g.padTokenId()).isNull();
    Files.writeString(dir.resolve("generation_config.json"), "{\"top_k\": \"ten\"}");
    assertThatThrownBy(() -> GenerationConfig.read(dir))
        .isInstanceOf(SrlmException.class)
        .hasMessageContaining("generation_config.json")
        .hasMessageContaining("key=top_k");
  }
}

package io.srlm.model.io;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.srlm.errors.Errors;
import io.srlm.util.Nullable;
import io.srlm.util.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A decoder-only model's {@code config.json}, for the architectures srlm runs: llama (TinyLlama, Llama 2/3),
 * mistral and qwen2. Missing optional keys take transformers' defaults. The original JSON is kept in
 * {@link #raw()}, so a trained model's config.json can be re-written with every unknown key preserved.
 *
 * @param modelType llama, mistral or qwen2
 * @param numKeyValueHeads grouped-query attention heads (defaults to {@code numAttentionHeads})
 * @param headDim per-head size (defaults to {@code hiddenSize / numAttentionHeads})
 * @param ropeScaling null for plain RoPE
 * @param qkvBias whether q_proj, k_proj and v_proj have biases (qwen2: always; llama: {@code attention_bias})
 * @param oProjBias whether o_proj has a bias (llama with {@code attention_bias} only)
 * @param eosTokenIds {@code eos_token_id} as a list (HF allows an int or a list); empty when absent
 * @param torchDtype the stored weights' dtype as HF names it (e.g. bfloat16), from torch_dtype or dtype
 * @param slidingWindow the attention window (mistral, or qwen2 with use_sliding_window); null for none
 * @param raw the whole JSON object as read
 */
public record HfModelConfig(String modelType, int vocabSize, int hiddenSize, int intermediateSize,
    int numHiddenLayers, int numAttentionHeads, int numKeyValueHeads, int headDim, double rmsNormEps,
    double ropeTheta, @Nullable RopeScaling ropeScaling, int maxPositionEmbeddings, boolean tieWordEmbeddings,
    boolean qkvBias, boolean oProjBias, boolean mlpBias, String hiddenAct, @Nullable Integer bosTokenId,
    List<Integer> eosTokenIds, @Nullable Integer padTokenId, @Nullable String torchDtype,
    @Nullable Integer slidingWindow, ObjectNode raw) {

  public static final String FILE = "config.json";

  /** The transformers class of a model_type and its default max_position_embeddings. */
  private record Arch(String className, int defaultMaxPositions) {}

  private static final Map<String, Arch> SUPPORTED = Map.of(
      "llama", new Arch("LlamaForCausalLM", 2048),
      "mistral", new Arch("MistralForCausalLM", 131072),
      "qwen2", new Arch("Qwen2ForCausalLM", 32768));

  public HfModelConfig {
    eosTokenIds = List.copyOf(eosTokenIds);
    raw = raw.deepCopy();
  }

  /** A copy of the JSON object as read (or as built). */
  @Override
  public ObjectNode raw() {
    return raw.deepCopy();
  }

  /** Reads and validates {@code dir/config.json}. */
  public static HfModelConfig read(Path dir) {
    Path file = dir.resolve(FILE);
    if (!Files.isRegularFile(file)) {
      throw Errors.model(dir.toString(), "no " + FILE + " in the model directory (missing or partial model)",
          "point at a complete HF model directory; it holds config.json, the tokenizer files and the weights");
    }
    return fromJson(ConfigJson.readObject(file), file.toString());
  }

  /** Parses and validates a config object; {@code file} names it in errors. */
  public static HfModelConfig fromJson(ObjectNode json, String file) {
    ConfigJson c = new ConfigJson(json, file);
    String type = c.stringOrNull("model_type");
    if (type == null || !SUPPORTED.containsKey(type)) {
      throw Errors.modelConfig(file, "model_type", "model_type " + (type == null ? "is missing" : "'" + type
          + "' is not supported") + " (srlm supports llama, mistral, qwen2)",
          "use a llama, mistral or qwen2 model (TinyLlama is llama)");
    }
    String act = c.stringOrNull("hidden_act");
    if (act != null && !act.equals("silu")) {
      throw c.bad("hidden_act", "must be silu (srlm's SwiGLU MLP), got '" + act + "'");
    }
    int hidden = c.positiveInt("hidden_size", null);
    int heads = c.positiveInt("num_attention_heads", null);
    int kvHeads = c.positiveInt("num_key_value_heads", heads);
    int headDim;
    if (c.has("head_dim")) {
      headDim = c.positiveInt("head_dim", null);
    } else if (hidden % heads != 0) {
      throw c.bad("num_attention_heads", "(" + heads + ") must divide hidden_size (" + hidden
          + ") when head_dim is not given");
    } else {
      headDim = hidden / heads;
    }
    if (headDim % 2 != 0) {
      throw c.bad("head_dim", "must be even for rotary embeddings, got " + headDim);
    }
    if (heads % kvHeads != 0) {
      throw c.bad("num_key_value_heads", "(" + kvHeads + ") must divide num_attention_heads (" + heads + ")");
    }
    boolean qwen2 = type.equals("qwen2");
    boolean llama = type.equals("llama");
    boolean attentionBias = llama && c.bool("attention_bias", false);
    Integer window = null;
    if (type.equals("mistral") || (qwen2 && c.bool("use_sliding_window", false))) {
      window = c.intOrNull("sliding_window");
    }
    String dtype = c.has("torch_dtype") ? c.stringOrNull("torch_dtype") : c.stringOrNull("dtype");
    List<Integer> eos = c.intListOrNull("eos_token_id");
    return new HfModelConfig(type, c.positiveInt("vocab_size", null), hidden,
        c.positiveInt("intermediate_size", null), c.positiveInt("num_hidden_layers", null), heads, kvHeads,
        headDim, c.positiveDouble("rms_norm_eps", 1e-6), c.positiveDouble("rope_theta", 10000.0),
        RopeScaling.parse(c.get("rope_scaling"), file),
        c.positiveInt("max_position_embeddings", SUPPORTED.get(type).defaultMaxPositions()),
        c.bool("tie_word_embeddings", false), qwen2 || attentionBias, attentionBias,
        llama && c.bool("mlp_bias", false), "silu", c.intOrNull("bos_token_id"), eos == null ? List.of() : eos,
        c.intOrNull("pad_token_id"), dtype, window, json);
  }

  /**
   * A new llama config built from scratch (srlm's built-in tiny model), with
   * {@code architectures: ["LlamaForCausalLM"]}, silu, untied embeddings and float32 weights. Set token ids and
   * other keys with {@link #with}.
   */
  public static HfModelConfig llama(int vocabSize, int hiddenSize, int intermediateSize, int numHiddenLayers,
      int numAttentionHeads, int numKeyValueHeads, int maxPositionEmbeddings, double ropeTheta,
      double rmsNormEps) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.putArray("architectures").add(SUPPORTED.get("llama").className());
    o.put("model_type", "llama");
    o.put("vocab_size", vocabSize);
    o.put("hidden_size", hiddenSize);
    o.put("intermediate_size", intermediateSize);
    o.put("num_hidden_layers", numHiddenLayers);
    o.put("num_attention_heads", numAttentionHeads);
    o.put("num_key_value_heads", numKeyValueHeads);
    o.put("hidden_act", "silu");
    o.put("max_position_embeddings", maxPositionEmbeddings);
    o.put("rms_norm_eps", rmsNormEps);
    o.put("rope_theta", ropeTheta);
    o.putNull("rope_scaling");
    o.put("attention_bias", false);
    o.put("mlp_bias", false);
    o.put("tie_word_embeddings", false);
    o.put("torch_dtype", "float32");
    o.put("initializer_range", 0.02);
    o.put("use_cache", true);
    return fromJson(o, "<built-in " + FILE + ">");
  }

  /** A copy with {@code key} set to {@code value} (any JSON-able value; null removes the key), re-validated. */
  public HfModelConfig with(String key, Object value) {
    ObjectNode o = raw();
    if (value == null) {
      o.remove(key);
    } else {
      o.set(key, Json.MAPPER.valueToTree(value));
    }
    return fromJson(o, FILE);
  }

  /** Writes {@link #raw()} as {@code dir/config.json} (pretty-printed, through a temporary file). */
  public void writeTo(Path dir) {
    Path file = dir.resolve(FILE);
    Path tmp = dir.resolve(FILE + ".tmp-" + UUID.randomUUID());
    try {
      Files.createDirectories(dir);
      Files.write(tmp, (Json.writePretty(raw) + "\n").getBytes(StandardCharsets.UTF_8));
      SafetensorsWriter.moveIntoPlace(tmp, file);
    } catch (IOException e) {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw Errors.model(dir.toString(), "cannot write " + FILE + ": " + e,
          "check free disk space and write permission on that folder", e);
    }
  }
}

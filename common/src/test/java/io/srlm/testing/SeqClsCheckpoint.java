package io.srlm.testing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.srlm.model.io.SafetensorsDtype;
import io.srlm.model.io.SafetensorsWriter;
import io.srlm.util.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A small random reward model in the HF LlamaForSequenceClassification layout, for tests: config.json (the test
 * model's, resized, with architectures = [LlamaForSequenceClassification] and num_labels = 1), model.safetensors
 * holding the decoder (model.*) and score.weight (1, hidden), and the tokenizer files of {@link TestModels#m1()}.
 */
public final class SeqClsCheckpoint {
  public static final int HIDDEN = 32;
  public static final int LAYERS = 2;
  public static final int HEADS = 4;
  public static final int KV_HEADS = 2;
  public static final int FFN = 64;

  /** The written directory and its weights (for hand computations). */
  public record Written(Path dir, Map<String, float[]> weights, int vocabSize, int maxPosition, double ropeTheta,
      double rmsNormEps) {}

  private SeqClsCheckpoint() {}

  public static Written write(Path dir, long seed) {
    Path m1 = TestModels.m1();
    try {
      Files.createDirectories(dir);
      for (String f : List.of("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json")) {
        if (Files.isRegularFile(m1.resolve(f))) {
          Files.copy(m1.resolve(f), dir.resolve(f), StandardCopyOption.REPLACE_EXISTING);
        }
      }
      ObjectNode cfg = (ObjectNode) Json.MAPPER.readTree(m1.resolve("config.json").toFile());
      cfg.putArray("architectures").add("LlamaForSequenceClassification");
      cfg.put("hidden_size", HIDDEN);
      cfg.put("intermediate_size", FFN);
      cfg.put("num_hidden_layers", LAYERS);
      cfg.put("num_attention_heads", HEADS);
      cfg.put("num_key_value_heads", KV_HEADS);
      cfg.put("tie_word_embeddings", false);
      cfg.put("num_labels", 1);
      cfg.putObject("id2label").put("0", "LABEL_0");
      cfg.putObject("label2id").put("LABEL_0", 0);
      cfg.remove("srlm_builtin");
      Files.writeString(dir.resolve("config.json"), Json.writePretty(cfg));
      int vocab = cfg.get("vocab_size").asInt();
      Map<String, float[]> w = weights(vocab, seed);
      SafetensorsWriter out = new SafetensorsWriter().metadata("format", "pt");
      for (Map.Entry<String, float[]> e : w.entrySet()) {
        out.add(e.getKey(), SafetensorsDtype.F32, shape(e.getKey(), vocab), e.getValue());
      }
      out.write(dir.resolve("model.safetensors"));
      return new Written(dir, w, vocab, cfg.get("max_position_embeddings").asInt(), cfg.get("rope_theta")
          .asDouble(), cfg.get("rms_norm_eps").asDouble());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Map<String, float[]> weights(int vocab, long seed) {
    Random r = new Random(seed);
    int hd = HIDDEN / HEADS;
    Map<String, float[]> w = new LinkedHashMap<>();
    w.put("model.embed_tokens.weight", gauss(r, vocab * HIDDEN, 1.0));
    for (int l = 0; l < LAYERS; l++) {
      String p = "model.layers." + l + ".";
      w.put(p + "input_layernorm.weight", around1(r, HIDDEN));
      w.put(p + "post_attention_layernorm.weight", around1(r, HIDDEN));
      w.put(p + "self_attn.q_proj.weight", gauss(r, HEADS * hd * HIDDEN, 0.3));
      w.put(p + "self_attn.k_proj.weight", gauss(r, KV_HEADS * hd * HIDDEN, 0.3));
      w.put(p + "self_attn.v_proj.weight", gauss(r, KV_HEADS * hd * HIDDEN, 0.3));
      w.put(p + "self_attn.o_proj.weight", gauss(r, HIDDEN * HEADS * hd, 0.3));
      w.put(p + "mlp.gate_proj.weight", gauss(r, FFN * HIDDEN, 0.3));
      w.put(p + "mlp.up_proj.weight", gauss(r, FFN * HIDDEN, 0.3));
      w.put(p + "mlp.down_proj.weight", gauss(r, HIDDEN * FFN, 0.3));
    }
    w.put("model.norm.weight", around1(r, HIDDEN));
    w.put("score.weight", gauss(r, HIDDEN, 1.0));
    return w;
  }

  static long[] shape(String name, int vocab) {
    int hd = HIDDEN / HEADS;
    if (name.equals("model.embed_tokens.weight")) {
      return new long[] {vocab, HIDDEN};
    }
    if (name.equals("score.weight")) {
      return new long[] {1, HIDDEN};
    }
    if (name.endsWith("layernorm.weight") || name.equals("model.norm.weight")) {
      return new long[] {HIDDEN};
    }
    if (name.endsWith("q_proj.weight")) {
      return new long[] {HEADS * hd, HIDDEN};
    }
    if (name.endsWith("k_proj.weight") || name.endsWith("v_proj.weight")) {
      return new long[] {KV_HEADS * hd, HIDDEN};
    }
    if (name.endsWith("o_proj.weight")) {
      return new long[] {HIDDEN, HEADS * hd};
    }
    if (name.endsWith("down_proj.weight")) {
      return new long[] {HIDDEN, FFN};
    }
    return new long[] {FFN, HIDDEN};
  }

  private static float[] gauss(Random r, int n, double scale) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (r.nextGaussian() * scale);
    }
    return v;
  }

  private static float[] around1(Random r, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (1 + 0.1 * r.nextGaussian());
    }
    return v;
  }
}

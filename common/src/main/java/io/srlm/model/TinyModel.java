package io.srlm.model;

import io.srlm.config.SrlmConfig;
import io.srlm.errors.Errors;
import io.srlm.model.io.HfModelConfig;
import io.srlm.model.io.SafetensorsDtype;
import io.srlm.model.io.ShardedCheckpointWriter;
import io.srlm.model.tokenizer.BpeModel;
import io.srlm.model.tokenizer.ByteLevelBpeTrainer;
import io.srlm.model.tokenizer.HfTokenizerFiles;
import io.srlm.model.tokenizer.SpecialTokens;
import io.srlm.util.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The built-in tiny model, made by code (no weights in git): a randomly initialised small Llama (model.tiny.*)
 * with a byte-level BPE tokenizer trained on the seed corpus, saved as a normal HF directory (config.json,
 * generation_config.json, model.safetensors, tokenizer.json, tokenizer_config.json, special_tokens_map.json).
 * The same settings and corpus always give the same files.
 *
 * <p>Why BPE: the judge prompt alone is hundreds of characters; a plain byte-level vocabulary would spend a token
 * per byte on it in every judgement. BPE merges learned on the corpus keep the byte fallback (no unknown tokens)
 * while compressing the recurring template text several-fold, so the loop stays fast and the model learns the
 * formats.
 */
public final class TinyModel {
  private TinyModel() {}

  /** Writes the tiny model to {@code dir} (created; must be empty or absent). */
  public static void create(SrlmConfig.Tiny t, List<String> corpus, Path dir) {
    BpeModel bpe = ByteLevelBpeTrainer.train(corpus, t.vocabSize(), SpecialTokens.DEFAULT, !t.mergesSpanWords());
    int vocab = bpe.vocabSize();
    int pad = bpe.vocab().indexOf(SpecialTokens.DEFAULT.pad());
    int bos = bpe.vocab().indexOf(SpecialTokens.DEFAULT.bos());
    int eos = bpe.vocab().indexOf(SpecialTokens.DEFAULT.eos());
    HfModelConfig cfg = HfModelConfig.llama(vocab, t.hiddenSize(), t.intermediateSize(), t.numLayers(), t.numHeads(),
        t.numKvHeads(), t.maxPosition(), t.ropeTheta(), t.rmsNormEps())
        .with("tie_word_embeddings", true).with("bos_token_id", bos).with("eos_token_id", eos)
        .with("pad_token_id", pad).with("srlm_builtin", "tiny");
    try {
      Files.createDirectories(dir);
      cfg.writeTo(dir);
      Map<String, Object> gen = new LinkedHashMap<>();
      gen.put("bos_token_id", bos);
      gen.put("eos_token_id", eos);
      gen.put("pad_token_id", pad);
      Files.writeString(dir.resolve("generation_config.json"), Json.writePretty(gen), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw Errors.model(dir.toString(), "cannot write the tiny model (" + e.getMessage() + ")",
          "check that storage.model_root is writable", e);
    }
    HfTokenizerFiles.write(bpe, dir, t.maxPosition());
    ShardedCheckpointWriter w = new ShardedCheckpointWriter(Long.MAX_VALUE).metadata("format", "pt");
    Random rnd = new Random(t.initSeed());
    int d = t.hiddenSize();
    int hd = d / t.numHeads();
    int q = t.numHeads() * hd;
    int kv = t.numKvHeads() * hd;
    int f = t.intermediateSize();
    w.add("model.embed_tokens.weight", SafetensorsDtype.F32, new long[] {vocab, d}, normal(rnd, vocab * d));
    for (int l = 0; l < t.numLayers(); l++) {
      String p = "model.layers." + l + ".";
      w.add(p + "input_layernorm.weight", SafetensorsDtype.F32, new long[] {d}, ones(d));
      w.add(p + "post_attention_layernorm.weight", SafetensorsDtype.F32, new long[] {d}, ones(d));
      w.add(p + "self_attn.q_proj.weight", SafetensorsDtype.F32, new long[] {q, d}, normal(rnd, q * d));
      w.add(p + "self_attn.k_proj.weight", SafetensorsDtype.F32, new long[] {kv, d}, normal(rnd, kv * d));
      w.add(p + "self_attn.v_proj.weight", SafetensorsDtype.F32, new long[] {kv, d}, normal(rnd, kv * d));
      w.add(p + "self_attn.o_proj.weight", SafetensorsDtype.F32, new long[] {d, q}, normal(rnd, d * q));
      w.add(p + "mlp.gate_proj.weight", SafetensorsDtype.F32, new long[] {f, d}, normal(rnd, f * d));
      w.add(p + "mlp.up_proj.weight", SafetensorsDtype.F32, new long[] {f, d}, normal(rnd, f * d));
      w.add(p + "mlp.down_proj.weight", SafetensorsDtype.F32, new long[] {d, f}, normal(rnd, d * f));
    }
    w.add("model.norm.weight", SafetensorsDtype.F32, new long[] {d}, ones(d));
    w.write(dir);
  }

  /** HF's Llama init: N(0, 0.02). */
  private static float[] normal(Random r, int n) {
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      out[i] = (float) (r.nextGaussian() * 0.02);
    }
    return out;
  }

  private static float[] ones(int n) {
    float[] out = new float[n];
    java.util.Arrays.fill(out, 1f);
    return out;
  }
}

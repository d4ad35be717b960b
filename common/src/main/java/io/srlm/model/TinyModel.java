package io.srlm.model;

import io.srlm.config.SrlmConfig;
import io.srlm.errors.Errors;
import io.srlm.model.io.HfModelConfig;
import io.srlm.model.io.SafetensorsDtype;
import io.srlm.model.io.ShardedCheckpointWriter;
import io.srlm.model.tokenizer.BpeModel;
import io.srlm.model.tokenizer.ByteLevelBpeTrainer;
import io.srlm.model.tokenizer.HfTokenizerFiles;
import io.srlm.model.tokenizer.PhraseMiner;
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
 * <p>The tokenizer: the judge prompt alone is hundreds of characters, and a plain byte-level vocabulary would
 * spend a token per byte on it in every judgement. So (1) recurring phrases of the corpus (the judge rubric's
 * lines, the task phrasings, tags, stock sentences) become single added tokens ({@link PhraseMiner}), and (2) the
 * rest is byte-level BPE over words, digits and spaces as separate pieces, so a word is one and the same token
 * wherever it appears, which a small model needs to learn copying tasks. Bytes stay the fallback: no text is
 * unknown.
 */
public final class TinyModel {
  /** A phrase must recur this often in the corpus to become a token. */
  static final int PHRASE_MIN_COUNT = 25;

  private TinyModel() {}

  /** Writes the tiny model to {@code dir} (created; must be empty or absent). */
  public static void create(SrlmConfig.Tiny t, List<String> corpus, Path dir) {
    List<String> phrases = t.phraseTokens() > 0
        ? PhraseMiner.mine(corpus, SpecialTokens.DEFAULT.all(), PHRASE_MIN_COUNT, t.phraseTokens()) : List.of();
    BpeModel bpe = ByteLevelBpeTrainer.train(corpus, t.vocabSize(), SpecialTokens.DEFAULT, phrases.isEmpty(),
        phrases);
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

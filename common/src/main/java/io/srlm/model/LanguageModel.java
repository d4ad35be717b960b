package io.srlm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import io.srlm.errors.Errors;
import io.srlm.model.io.CheckpointWeights;
import io.srlm.model.io.GenerationConfig;
import io.srlm.model.io.HfModelConfig;
import io.srlm.model.io.RopeScaling;
import io.srlm.model.tokenizer.ChatMessage;
import io.srlm.model.tokenizer.Tokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A loaded HF model directory: the {@link LlamaModel}, its tokenizer and chat formatting. Close it to free the
 * native weights and the tokenizer.
 */
public final class LanguageModel implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LanguageModel.class);

  private final LoadedModel loaded;
  private final HfModelConfig config;
  private final int[] eosIds;

  private LanguageModel(LoadedModel loaded, HfModelConfig config, int[] eosIds) {
    this.loaded = loaded;
    this.config = config;
    this.eosIds = eosIds;
  }

  /** Loads a local HF model directory (config.json, safetensors weights, tokenizer files). */
  public static LanguageModel load(Path dir, EngineOptions opts) {
    if (!Files.isDirectory(dir)) {
      throw Errors.model(dir.toString(), "the directory does not exist",
          "point model.base (or --model) at a HuggingFace model directory");
    }
    HfModelConfig cfg = HfModelConfig.read(dir);
    ModelArch arch = arch(cfg);
    return LoadedModel.open(dir, cfg.vocabSize(), opts, t -> {
      DataType dtype = t.dtype();
      Map<String, NDArray> weights = new LinkedHashMap<>();
      try (CheckpointWeights ckpt = CheckpointWeights.open(dir)) {
        List<String> names = new ArrayList<>();
        for (String name : ckpt.names()) {
          if (!(arch.tieWordEmbeddings() && name.equals("lm_head.weight")) && !name.endsWith("rotary_emb.inv_freq")) {
            names.add(name);
          }
        }
        dtype = fitF16(ckpt, names, dtype, opts.dtype(), dir);
        for (String name : names) {
          weights.put(name, ckpt.load(name, t.manager(), dtype));
        }
      }
      int rope = Math.min(arch.maxPosition(), 1 << 16);
      LlamaModel model = new LlamaModel(arch, t.manager(), weights, dtype, rope);
      int[] eos = eosIds(cfg, GenerationConfig.read(dir).orElse(null), t.tokenizer());
      LOG.info("Loaded {} ({} layers, d={}, {} params) on {} as {}", dir, arch.numLayers(), arch.hiddenSize(),
          arch.parameterCount(), t.device(), dtype);
      return new LanguageModel(new LoadedModel(dir, model, t.tokenizer()), cfg, eos);
    });
  }

  /**
   * The precision to load in when f16 was chosen: narrowing a bf16 (or f32) checkpoint to f16 turns values beyond
   * +-65504 into infinity. The engine runs one dtype per model, so such a tensor cannot stay f32 alone: with
   * {@code dtype = auto} the whole model loads in f32 (a warning names the tensor); an explicit {@code f16} is
   * refused with an error naming the tensor.
   */
  static DataType fitF16(CheckpointWeights ckpt, List<String> names, DataType chosen, String setting, Path dir) {
    if (chosen != DataType.FLOAT16) {
      return chosen;
    }
    Map<String, Float> over = ckpt.f16Overflows(names);
    if (over.isEmpty()) {
      return chosen;
    }
    Map.Entry<String, Float> first = over.entrySet().iterator().next();
    String what = over.size() + " tensor(s) hold values beyond f16's +-65504 (first: " + first.getKey()
        + ", |value| up to " + first.getValue() + "); as f16 they would become infinity";
    if (setting.equals("f16")) {
      throw Errors.checkpointTensor(ckpt.fileOf(first.getKey()).toString(), first.getKey(), what,
          "set engine.dtype = f32 (or --dtype f32), or auto, which loads such a checkpoint in f32");
    }
    LOG.warn("{}: {}; loading the whole model in f32 instead (the engine runs one dtype per model)", dir, what);
    return DataType.FLOAT32;
  }

  static ModelArch arch(HfModelConfig c) {
    ModelArch.RopeScaling rs = null;
    if (c.ropeScaling() instanceof RopeScaling.Llama3 l) {
      rs = new ModelArch.RopeScaling("llama3", l.factor(), l.lowFreqFactor(), l.highFreqFactor(),
          l.originalMaxPositionEmbeddings());
    } else if (c.ropeScaling() instanceof RopeScaling.Linear l) {
      rs = new ModelArch.RopeScaling("linear", l.factor(), 0, 0, 0);
    }
    return new ModelArch(c.modelType(), c.vocabSize(), c.hiddenSize(), c.intermediateSize(), c.numHiddenLayers(),
        c.numAttentionHeads(), c.numKeyValueHeads(), c.headDim(), c.rmsNormEps(), c.ropeTheta(), rs,
        c.maxPositionEmbeddings(), c.tieWordEmbeddings(), c.qkvBias(), c.oProjBias(), c.mlpBias(),
        c.slidingWindow());
  }

  private static int[] eosIds(HfModelConfig cfg, GenerationConfig gen, Tokenizer tok) {
    Set<Integer> ids = new LinkedHashSet<>();
    for (int x : tok.eosIds()) {
      ids.add(x);
    }
    if (gen != null && gen.eosTokenIds() != null) {
      ids.addAll(gen.eosTokenIds());
    }
    ids.addAll(cfg.eosTokenIds());
    return ids.stream().mapToInt(Integer::intValue).toArray();
  }

  public Path dir() {
    return loaded.dir();
  }

  public HfModelConfig config() {
    return config;
  }

  public LlamaModel model() {
    return loaded.model();
  }

  public Tokenizer tokenizer() {
    return loaded.tokenizer();
  }

  public int padId() {
    return tokenizer().padId();
  }

  /** Prompt tokens for a user message: the chat template with the generation prompt, BOS per the config. */
  public int[] promptIds(String user) {
    return tokenizer().encodePrompt(tokenizer().renderChat(List.of(new ChatMessage("user", user)), true));
  }

  /**
   * Completion tokens for an assistant answer: exactly what the chat template renders after the generation
   * prompt (so the end-of-turn token the template uses is learned), or answer + EOS when the template does not
   * extend the prompt text.
   */
  public int[] completionIds(String user, String answer) {
    String prompt = tokenizer().renderChat(List.of(new ChatMessage("user", user)), true);
    String full = tokenizer().renderChat(List.of(new ChatMessage("user", user), new ChatMessage("assistant", answer)),
        false);
    if (full.startsWith(prompt) && full.length() > prompt.length()) {
      return tokenizer().encode(full.substring(prompt.length()));
    }
    int[] a = tokenizer().encode(answer);
    int[] out = java.util.Arrays.copyOf(a, a.length + 1);
    out[a.length] = eosIds[0];
    return out;
  }

  public TokenCodec codec() {
    return new TokenCodec() {
      @Override
      public String decode(int[] ids) {
        return tokenizer().decode(ids, true);
      }

      @Override
      public int[] eosIds() {
        return eosIds;
      }

      @Override
      public int padId() {
        return tokenizer().padId();
      }
    };
  }

  public Generator generator(int batchSize) {
    return new Generator(model(), codec(), batchSize);
  }

  public Scorer scorer(int batchSize) {
    return new Scorer(model(), tokenizer().padId(), batchSize);
  }

  /** Generates answers to user messages (chat template applied), one request per (prompt, seed). */
  public List<Generation> chat(List<String> users, List<Long> seeds, SamplingParams params, int batchSize) {
    List<GenerationRequest> reqs = new ArrayList<>(users.size());
    for (int i = 0; i < users.size(); i++) {
      reqs.add(new GenerationRequest(promptIds(users.get(i)), seeds.get(i), params));
    }
    return generator(batchSize).generate(reqs);
  }

  @Override
  public void close() {
    loaded.close();
  }
}

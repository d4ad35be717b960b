package io.srlm.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.srlm.config.SrlmConfig;
import io.srlm.errors.Errors;
import io.srlm.model.Devices;
import io.srlm.model.EngineOptions;
import io.srlm.model.LanguageModel;
import io.srlm.model.LlamaModel;
import io.srlm.model.ModelArch;
import io.srlm.model.TinyModel;
import io.srlm.model.TokenCodec;
import io.srlm.prompting.JudgeTemplate;
import io.srlm.prompting.TaskPrompt;
import io.srlm.seed.BuiltinSeed;
import io.srlm.seed.SeedData;
import io.srlm.model.ModelWriter;
import io.srlm.model.io.SafetensorsDtype;
import io.srlm.tables.SeedEft;
import io.srlm.tables.SeedIft;
import io.srlm.train.MetricsSink;
import io.srlm.train.SftExample;
import io.srlm.train.SftObjective;
import io.srlm.train.TrainSpec;
import io.srlm.train.Trainer;
import io.srlm.util.FileTrees;
import io.srlm.util.StableIds;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The models the benches run: the built-in tiny model exactly as the loop makes it (model.tiny.*, tokenizer
 * trained on the built-in seed corpus), and a randomly initialised ~20M-parameter Llama that needs no tokenizer.
 */
public final class BenchModels {
  /** The ~20M model: d=384, 8 layers, 6 heads of 64 (no GQA), SwiGLU ffn 1024, vocab 8192, untied lm_head. */
  public static final ModelArch MEDIUM = new ModelArch("llama", 8192, 384, 1024, 8, 6, 6, 64, 1e-5, 10000.0, null,
      1024, false, false, false, false, null);
  /** A larger random Llama: d=512, 8 layers, 8 heads of 64, SwiGLU ffn 1408, vocab 8192, untied (~34M params). */
  public static final ModelArch D512 = new ModelArch("llama", 8192, 512, 1408, 8, 8, 8, 64, 1e-5, 10000.0, null,
      1024, false, false, false, false, null);

  /** Karpathy's stories15M shape: d=288, 6 layers, 6 heads of 48, SwiGLU ffn 768, vocab 32000, tied (~24M). */
  public static final ModelArch STORIES15M = new ModelArch("llama", 32000, 288, 768, 6, 6, 6, 48, 1e-5, 10000.0,
      null, 1024, true, false, false, false, null);
  /** TinyLlama-1.1B's shape: d=2048, 22 layers, 32 heads of 64 with 4 KV heads, ffn 5632, vocab 32000, untied. */
  public static final ModelArch TINYLLAMA = new ModelArch("llama", 32000, 2048, 5632, 22, 32, 4, 64, 1e-5, 10000.0,
      null, 2048, false, false, false, false, null);

  /** The random architecture of a bench model name (20m, d512, stories15m or tinyllama). */
  public static ModelArch randomArch(String name) {
    return switch (name) {
      case "20m" -> MEDIUM;
      case "d512" -> D512;
      case "stories15m" -> STORIES15M;
      case "tinyllama" -> TINYLLAMA;
      default -> throw new IllegalArgumentException("not a random bench model: " + name);
    };
  }

  private BenchModels() {}

  /** A model under test: its forward, its padding id, what to close, and a label. */
  public record Loaded(String name, LlamaModel model, int padId, AutoCloseable owner) implements AutoCloseable {
    public ModelArch arch() {
      return model.arch();
    }

    @Override
    public void close() {
      try {
        owner.close();
      } catch (Exception e) {
        throw Errors.internal("closing bench model " + name + " failed", e);
      }
    }
  }

  /**
   * Writes the built-in tiny model into {@code dir} (which must not exist yet): the seed corpus and tokenizer as
   * the base_model step makes them, the weights from model.tiny.*.
   */
  public static Path createTiny(SrlmConfig c, Path dir) {
    JudgeTemplate judge = JudgeTemplate.load(c.resolved().confSource(), c.judge().template(), "judge.template");
    TaskPrompt task = TaskPrompt.load(c.resolved().confSource(), c.prompts().template());
    SeedData seed = BuiltinSeed.generate(BuiltinSeed.Options.of(c.seed().builtin(), c.seed().heldoutFraction(), c.run().seed()),
        judge, task, "bench");
    TinyModel.create(c.model().tiny(), seed.corpus(), dir);
    return dir;
  }

  /**
   * The tiny model after {@code steps} SFT steps (full fine-tuning with sft.* on the built-in seed's train rows, as
   * the test model is made), cached under {@code cacheRoot}/bench/ keyed by the settings that shape it, so only
   * the first run pays for the training. Returns the model directory.
   */
  public static Path fineTunedTiny(SrlmConfig c, int steps, Path cacheRoot, Consumer<String> progress) {
    String key = StableIds.sha256Hex(String.join("\n", c.model().tiny().toString(), c.seed().toString(),
        c.sft().toString(), String.valueOf(c.run().seed()), c.judge().template(), c.prompts().template(),
        String.valueOf(steps), "bench-m1-v1")).substring(0, 16);
    Path root = cacheRoot.resolve("bench");
    Path dir = root.resolve("m1-" + key);
    if (Files.isRegularFile(dir.resolve("config.json"))) {
      progress.accept("[bench] using the cached fine-tuned tiny model " + dir);
      return dir;
    }
    progress.accept("[bench] fine-tuning the tiny model for " + steps + " steps (cached in " + dir + ")");
    Path tmp = root.resolve("m1-" + key + ".tmp-" + ProcessHandle.current().pid());
    Path m0 = root.resolve("m0-" + key + ".tmp-" + ProcessHandle.current().pid());
    Path ckpt = root.resolve("ckpt-" + key + ".tmp-" + ProcessHandle.current().pid());
    try {
      FileTrees.delete(tmp);
      FileTrees.delete(m0);
      Files.createDirectories(root);
      JudgeTemplate judge = JudgeTemplate.load(c.resolved().confSource(), c.judge().template(), "judge.template");
      TaskPrompt task = TaskPrompt.load(c.resolved().confSource(), c.prompts().template());
      SeedData seed = BuiltinSeed.generate(BuiltinSeed.Options.of(c.seed().builtin(), c.seed().heldoutFraction(), c.run().seed()),
          judge, task, "bench");
      TinyModel.create(c.model().tiny(), seed.corpus(), m0);
      try (LanguageModel lm = LanguageModel.load(m0, new EngineOptions("cpu", "f32", c.engine().threads(), 16))) {
        List<SftExample> train = new ArrayList<>();
        for (SeedIft s : seed.ift()) {
          if (s.split().equals("train")) {
            train.add(new SftExample(s.seedId(), lm.promptIds(s.prompt()), lm.completionIds(s.prompt(),
                s.completion())));
          }
        }
        for (SeedEft s : seed.eft()) {
          if (s.split().equals("train")) {
            train.add(new SftExample(s.eftId(), lm.promptIds(s.prompt()), lm.completionIds(s.prompt(),
                s.completion())));
          }
        }
        SrlmConfig.Train t = c.sft();
        SrlmConfig.Train conf = new SrlmConfig.Train("full", t.epochs(), steps, t.batchSize(), t.gradAccum(),
            t.learningRate(), t.minLearningRateRatio(), t.weightDecay(), t.warmupSteps(), t.schedule(),
            t.maxGradNorm(), t.maxSeqLen(), t.onOverlong(), Integer.MAX_VALUE, Integer.MAX_VALUE, t.logEvery());
        TrainSpec spec = new TrainSpec("sft", conf, 11, ckpt, 0, "loss", false, 0);
        new Trainer<>(lm.model().manager(), lm.model().weights(), new SftObjective(lm.model(), lm.padId()), spec,
            MetricsSink.NONE).train(train, List.of());
        ModelWriter.write(lm.model(), lm.config(), m0, tmp, SafetensorsDtype.F32);
      }
      try {
        Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
      } catch (java.nio.file.FileAlreadyExistsException e) {
        FileTrees.delete(tmp); // another bench made it meanwhile
      }
      return dir;
    } catch (IOException e) {
      throw Errors.storageRoot("storage.cache_dir", cacheRoot.toString(), "cannot cache the bench model ("
          + e.getMessage() + ")", e);
    } finally {
      FileTrees.delete(m0);
      FileTrees.delete(ckpt);
      FileTrees.delete(tmp);
    }
  }

  /** Loads an HF model directory (e.g. the tiny model) on the CPU in f32. */
  public static Loaded load(String name, Path dir, int threads) {
    return load(name, dir, threads, "cpu", "f32");
  }

  /** Loads an HF model directory on {@code device} (cpu, cuda[:N], auto) in {@code dtype} (f32, f16, auto). */
  public static Loaded load(String name, Path dir, int threads, String device, String dtype) {
    if (!Files.isDirectory(dir)) {
      throw Errors.model(dir.toString(), "the bench model directory does not exist",
          "pass an existing HF model directory with --model, or leave --model out to create the tiny model");
    }
    LanguageModel lm = LanguageModel.load(dir, new EngineOptions(device, dtype, threads, 16));
    return new Loaded(name, lm.model(), lm.padId(), lm);
  }

  /** A Llama of this architecture with N(0, 0.02) weights and unit norms, in its own manager (f32, CPU). */
  public static Loaded random(String name, ModelArch a, int seed) {
    return random(name, a, seed, "cpu", "f32");
  }

  /**
   * A Llama of this architecture with N(0, 0.02) weights and unit norms on {@code device} (cpu, cuda[:N], auto)
   * in {@code dtype} (f32, f16, auto; drawn in f32, then cast), in its own manager.
   */
  public static Loaded random(String name, ModelArch a, int seed, String device, String dtype) {
    Engine.getInstance().setRandomSeed(seed);
    ai.djl.Device dev = Devices.resolve(device);
    DataType type = Devices.dtype(dtype, dev);
    NDManager m = NDManager.newBaseManager(dev);
    try {
      Map<String, NDArray> w = new LinkedHashMap<>();
      int d = a.hiddenSize();
      int q = a.numHeads() * a.headDim();
      int kv = a.numKvHeads() * a.headDim();
      int f = a.intermediateSize();
      w.put("model.embed_tokens.weight", normal(m, a.vocabSize(), d));
      if (!a.tieWordEmbeddings()) {
        w.put("lm_head.weight", normal(m, a.vocabSize(), d));
      }
      for (int l = 0; l < a.numLayers(); l++) {
        String p = "model.layers." + l + ".";
        w.put(p + "input_layernorm.weight", m.ones(new Shape(d)));
        w.put(p + "post_attention_layernorm.weight", m.ones(new Shape(d)));
        w.put(p + "self_attn.q_proj.weight", normal(m, q, d));
        w.put(p + "self_attn.k_proj.weight", normal(m, kv, d));
        w.put(p + "self_attn.v_proj.weight", normal(m, kv, d));
        w.put(p + "self_attn.o_proj.weight", normal(m, d, q));
        w.put(p + "mlp.gate_proj.weight", normal(m, f, d));
        w.put(p + "mlp.up_proj.weight", normal(m, f, d));
        w.put(p + "mlp.down_proj.weight", normal(m, d, f));
      }
      w.put("model.norm.weight", m.ones(new Shape(d)));
      if (type != DataType.FLOAT32) {
        for (Map.Entry<String, NDArray> e : w.entrySet()) {
          NDArray f32 = e.getValue();
          e.setValue(f32.toType(type, false));
          f32.close();
        }
      }
      LlamaModel model = new LlamaModel(a, m, w, type, a.maxPosition());
      return new Loaded(name, model, 0, model);
    } catch (RuntimeException e) {
      m.close();
      throw e;
    }
  }

  private static NDArray normal(NDManager m, int rows, int cols) {
    return m.randomNormal(0f, 0.02f, new Shape(rows, cols), DataType.FLOAT32);
  }

  /** A codec that never stops a row early (no EOS), so every row decodes exactly max_new_tokens tokens. */
  public static TokenCodec noEos(int padId) {
    return new TokenCodec() {
      @Override
      public String decode(int[] ids) {
        return "";
      }

      @Override
      public int[] eosIds() {
        return new int[0];
      }

      @Override
      public int padId() {
        return padId;
      }
    };
  }

  /** The models table: architecture, parameters and N (the parameters in matmuls, used for model FLOPs). */
  static void table(BenchReport report, java.util.Collection<BenchModels.Loaded> models) {
    BenchReport.Section s = report.section("models", "model", "d", "layers", "heads", "kv heads", "ffn", "vocab",
        "lm_head", "params (M)", "N (M)");
    for (BenchModels.Loaded m : models) {
      ModelArch a = m.arch();
      s.row(m.name(), a.hiddenSize(), a.numLayers(), a.numHeads(), a.numKvHeads(), a.intermediateSize(),
          a.vocabSize(), a.tieWordEmbeddings() ? "tied" : "untied", a.parameterCount() / 1e6, Flops.n(a) / 1e6);
    }
    s.note("N = parameters in matmuls: q/k/v/o and gate/up/down of every layer plus the lm_head (vocab x d); "
        + "model FLOPs per token: forward 2*N + 4*L*H*hd*ctx (attention over ctx keys)");
  }

  /** Total parameters in millions, for labels. */
  public static String millions(ModelArch a) {
    return String.format(java.util.Locale.ROOT, "%.2fM", a.parameterCount() / 1e6);
  }

  /** The architecture as one line, for notes. */
  public static String describe(ModelArch a) {
    return String.format(java.util.Locale.ROOT, "d=%d, %d layers, %d heads x %d (%d kv heads), ffn %d, vocab %d, "
        + "%s lm_head: %s params, N (matmul params) = %.2fM", a.hiddenSize(), a.numLayers(), a.numHeads(),
        a.headDim(), a.numKvHeads(), a.intermediateSize(), a.vocabSize(), a.tieWordEmbeddings() ? "tied" : "untied",
        millions(a), Flops.n(a) / 1e6);
  }
}

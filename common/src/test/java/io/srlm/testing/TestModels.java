package io.srlm.testing;

import ai.djl.ndarray.NDArray;
import io.srlm.config.SrlmConfig;
import io.srlm.model.EngineOptions;
import io.srlm.model.LanguageModel;
import io.srlm.model.ModelWriter;
import io.srlm.model.TinyModel;
import io.srlm.model.io.SafetensorsDtype;
import io.srlm.prompting.JudgeTemplate;
import io.srlm.prompting.TaskPrompt;
import io.srlm.seed.BuiltinSeed;
import io.srlm.seed.SeedData;
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
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Models for tests, built once per checkout and shared by every test JVM (a file lock guards the build):
 * {@link #m1()} is the built-in tiny model after a short SFT on the built-in seed set, so loop tests exercise real
 * model outputs (well-formed judgements, prompts, pairs) without paying for a full SFT each time. It lives under
 * the repo's target/test-models and is rebuilt when its recipe (the settings below, the conf tree) changes.
 */
public final class TestModels {
  /** SFT steps for the test model: enough to learn the formats, not the tasks. */
  public static final int SFT_STEPS = 640;

  private TestModels() {}

  /** The recipe's config: the tiny profile with test-sized SFT. */
  public static SrlmConfig recipe(Path scratch) {
    return TestConf.tiny(scratch, "sft.max_steps=" + SFT_STEPS);
  }

  public static synchronized Path m1() {
    Path root = TestConf.repoRoot().resolve("target").resolve("test-models");
    SrlmConfig cfg = recipe(root.resolve("scratch"));
    String key = recipeKey(cfg);
    Path dir = root.resolve("m1-" + key);
    if (Files.isRegularFile(dir.resolve("config.json"))) {
      return dir;
    }
    try {
      Files.createDirectories(root);
      try (FileChannel ch = FileChannel.open(root.resolve(".lock"), StandardOpenOption.CREATE,
          StandardOpenOption.WRITE); FileLock lock = ch.lock()) {
        if (Files.isRegularFile(dir.resolve("config.json"))) {
          return dir;
        }
        Path tmp = root.resolve("m1-" + key + ".tmp-" + ProcessHandle.current().pid());
        FileTrees.delete(tmp);
        build(cfg, tmp);
        Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
        return dir;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The recipe's identity: every resolved setting except storage.* (where the checkout lives, S3 options), which
   * the build does not use; so every checkout and clone of the same code names the same model, and a copy of
   * target/test-models is reused.
   */
  static String recipeKey(SrlmConfig cfg) {
    StringBuilder b = new StringBuilder();
    new java.util.TreeMap<>(cfg.resolved().flat()).forEach((k, v) -> {
      if (!k.startsWith("storage.")) {
        b.append(k).append('=').append(v).append('\n');
      }
    });
    return StableIds.sha256Hex(b + "v2").substring(0, 16);
  }

  private static void build(SrlmConfig c, Path out) throws IOException {
    JudgeTemplate judge = JudgeTemplate.load(c.resolved().confSource(), c.judge().template(), "judge.template");
    TaskPrompt task = TaskPrompt.load(c.resolved().confSource(), c.prompts().template());
    SeedData seed = BuiltinSeed.generate(BuiltinSeed.Options.of(c.seed().builtin(), c.seed().heldoutFraction(), c.run().seed()),
        judge, task, "test-models");
    Path m0 = out.resolveSibling(out.getFileName() + "-m0");
    FileTrees.delete(m0);
    TinyModel.create(c.model().tiny(), seed.corpus(), m0);
    try (LanguageModel lm = LanguageModel.load(m0, EngineOptions.cpu())) {
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
      Map<String, NDArray> params = lm.model().weights();
      TrainSpec spec = new TrainSpec("sft", c.sft(), 11, out.resolveSibling(out.getFileName() + "-ckpt"), 0, "loss",
          false, 0);
      new Trainer<>(lm.model().manager(), params, new SftObjective(lm.model(), lm.padId()), spec, MetricsSink.NONE)
          .train(train, List.of());
      ModelWriter.write(lm.model(), lm.config(), m0, out, SafetensorsDtype.F32);
    }
    FileTrees.delete(m0);
    FileTrees.delete(out.resolveSibling(out.getFileName() + "-ckpt"));
  }
}

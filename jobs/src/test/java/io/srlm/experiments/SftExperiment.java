package io.srlm.experiments;

import io.srlm.config.ConfSource;
import io.srlm.config.ConfigLoader;
import io.srlm.config.SrlmConfig;
import io.srlm.model.EngineOptions;
import io.srlm.model.Generation;
import io.srlm.model.LanguageModel;
import io.srlm.model.SamplingParams;
import io.srlm.model.TinyModel;
import io.srlm.prompting.JudgeTemplate;
import io.srlm.prompting.TaskPrompt;
import io.srlm.seed.BuiltinSeed;
import io.srlm.seed.BuiltinTasks;
import io.srlm.seed.SeedData;
import io.srlm.tables.SeedEft;
import io.srlm.tables.SeedIft;
import io.srlm.train.MetricsSink;
import io.srlm.train.SftExample;
import io.srlm.train.SftObjective;
import io.srlm.train.TrainSpec;
import io.srlm.train.Trainer;
import io.srlm.util.FileTrees;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Manual experiment (not a test): SFT of the built-in tiny model with --set style overrides from the system
 * property srlm.exp (comma-separated key=value), then greedy per-family accuracy on held-out prompts. Run:
 * mvn -o -pl jobs test -Dtest=SftExperiment -Dsrlm.exp="sft.epochs=4,model.tiny.hidden_size=192".
 */
class SftExperiment {
  @org.junit.jupiter.api.Test
  @org.junit.jupiter.api.condition.EnabledIfSystemProperty(named = "srlm.exp", matches = ".*")
  void run() throws Exception {
    ConfigLoader l = ConfigLoader.from(ConfSource.dir(Path.of(System.getProperty("srlm.repo.root"), "conf")))
        .profiles("local,tiny");
    for (String kv : System.getProperty("srlm.exp").split(",")) {
      if (!kv.isBlank()) {
        l.set(kv.trim());
      }
    }
    SrlmConfig c = l.load();
    JudgeTemplate judge = JudgeTemplate.load(c.resolved().confSource(), c.judge().template(), "judge.template");
    TaskPrompt task = TaskPrompt.load(c.resolved().confSource(), c.prompts().template());
    SeedData seed = BuiltinSeed.generate(BuiltinSeed.Options.of(c.seed().builtin(), c.seed().heldoutFraction(), c.run().seed()),
        judge, task, "exp");
    Path dir = Files.createTempDirectory("srlm-exp");
    TinyModel.create(c.model().tiny(), seed.corpus(), dir.resolve("m0"));
    long t0 = System.nanoTime();
    try (LanguageModel lm = LanguageModel.load(dir.resolve("m0"), EngineOptions.cpu())) {
      List<SftExample> train = new ArrayList<>();
      boolean noEft = Boolean.getBoolean("srlm.exp.noeft");
      String only = System.getProperty("srlm.exp.only", "");
      for (SeedIft s : seed.ift()) {
        if (s.split().equals("train") && (only.isEmpty() || s.taskType().equals(only))) {
          train.add(new SftExample(s.seedId(), lm.promptIds(s.prompt()), lm.completionIds(s.prompt(), s.completion())));
        }
      }
      for (SeedEft s : seed.eft()) {
        if (s.split().equals("train") && !noEft) {
          train.add(new SftExample(s.eftId(), lm.promptIds(s.prompt()), lm.completionIds(s.prompt(), s.completion())));
        }
      }
      System.out.printf("EXP params=%d train=%d%n", lm.model().arch().parameterCount(), train.size());
      TrainSpec spec = new TrainSpec("sft", c.sft(), 11, dir.resolve("ckpt"), 0, "loss", false, 0);
      var res = new Trainer<>(lm.model().manager(), lm.model().weights(), new SftObjective(lm.model(), lm.padId()),
          spec, MetricsSink.NONE).train(train, List.of());
      double secs = (System.nanoTime() - t0) / 1e9;
      List<SeedIft> held = seed.ift().stream().filter(s -> s.split().equals("heldout")
          && (only.isEmpty() || s.taskType().equals(only))
          && BuiltinTasks.parse(s.prompt()).isPresent()).limit(400).toList();
      List<Generation> gens = lm.chat(held.stream().map(SeedIft::prompt).toList(),
          held.stream().map(s -> 0L).toList(), SamplingParams.greedy(24), 32);
      Map<String, int[]> fam = new TreeMap<>();
      int ok = 0;
      for (int i = 0; i < held.size(); i++) {
        boolean c1 = BuiltinTasks.isCorrect(held.get(i).prompt(), gens.get(i).text());
        ok += c1 ? 1 : 0;
        int[] f = fam.computeIfAbsent(held.get(i).taskType(), k -> new int[2]);
        if (f[1] < 3) {
          System.out.printf("EXPSAMPLE %s | %s | %s%n", held.get(i).prompt(), gens.get(i).text(), held.get(i).completion());
        }
        f[0] += c1 ? 1 : 0;
        f[1]++;
      }
      StringBuilder sb = new StringBuilder();
      fam.forEach((k, v) -> sb.append(String.format(" %s=%.2f", k, v[0] / (double) v[1])));
      System.out.printf("EXP %s steps=%d secs=%.0f tok/s=%.0f loss=%.3f acc=%.3f%s%n", System.getProperty("srlm.exp"),
          res.steps(), secs, res.tokensPerSecond(), res.lastTrain().get("loss"), ok / (double) held.size(), sb);
    }
    FileTrees.delete(dir);
  }
}

package io.srlm.variants;

import io.srlm.model.EngineOptions;
import io.srlm.model.Generation;
import io.srlm.model.LanguageModel;
import io.srlm.model.SamplingParams;
import io.srlm.prompting.JudgeTemplate;
import io.srlm.prompting.ScoreParser;
import io.srlm.prompting.TaskPrompt;
import io.srlm.seed.BuiltinSeed;
import io.srlm.seed.SeedData;
import io.srlm.tables.SeedEft;
import io.srlm.testing.JudgeModels;
import io.srlm.testing.TestConf;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScratchJudgeTest {
  @Test
  void rates() {
    for (String spec : System.getProperty("scratch.templates", "pw:50,rating-0-10:120").split(",")) {
      String tpl = spec.split(":")[0].equals("pw") ? JudgeModels.pairwiseScoreTemplate().toString() : spec.split(":")[0];
      long t0 = System.nanoTime();
      Path m = JudgeModels.forTemplate(tpl, Integer.parseInt(spec.split(":")[1]));
      System.out.println("BUILD " + tpl + " " + (System.nanoTime() - t0) / 1e9 + " s");
      JudgeTemplate judge = JudgeTemplate.load(TestConf.conf(), tpl, "judge.template");
      SeedData seed = BuiltinSeed.generate(new BuiltinSeed.Options(1, 10, 0, 0.5, 99), judge,
          TaskPrompt.load(TestConf.conf(), "task-generation"), "x");
      List<String> users = new ArrayList<>();
      List<Long> seeds = new ArrayList<>();
      for (SeedEft s : seed.eft()) {
        if (users.size() < 24) {
          users.add(s.prompt());
          seeds.add((long) users.size());
        }
      }
      try (LanguageModel lm = LanguageModel.load(m, EngineOptions.cpu())) {
        List<Generation> g = lm.chat(users, seeds, new SamplingParams(Double.parseDouble(System.getProperty("scratch.t", "0.7")), 0.9, 0, 48, List.of()), 16);
        int ok = 0;
        for (Generation x : g) {
          ScoreParser.Parsed p = judge.parser().parse(x.text());
          ok += p.ok() ? 1 : 0;
          System.out.println("OUT " + p.status() + " " + p.score() + " | " + x.text().replace("\n", " / "));
        }
        System.out.println("RATE " + tpl + " " + ok + "/" + g.size() + " total " + (System.nanoTime() - t0) / 1e9);
      }
    }
  }
}

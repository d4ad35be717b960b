package io.srlm.testing;

import ai.djl.ndarray.NDArray;
import io.srlm.config.SrlmConfig;
import io.srlm.model.EngineOptions;
import io.srlm.model.LanguageModel;
import io.srlm.model.ModelWriter;
import io.srlm.model.io.SafetensorsDtype;
import io.srlm.prompting.JudgeTemplate;
import io.srlm.prompting.TaskPrompt;
import io.srlm.seed.BuiltinSeed;
import io.srlm.seed.SeedData;
import io.srlm.tables.SeedEft;
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
 * Judge models for tests of other judge formats: {@link TestModels#m1()} fine-tuned briefly on built-in EFT rows
 * rendered with a given judge template (e.g. pairwise-ab's "Winner: A", rating-0-10's "Rating: 7"), so a loop test
 * gets parseable judgements in that format. Built once per checkout under target/test-models (a file lock guards
 * the build) and rebuilt when m1 or the recipe below changes.
 */
public final class JudgeModels {
  static final double LR = Double.parseDouble(System.getProperty("jm.lr", "1e-3"));

  /**
   * A test-only pairwise template whose verdict line reuses the tiny model's "Score: " token ("Score: A"), so a
   * few fine-tuning steps teach it (spelling out "Winner:" takes the tiny model hundreds).
   */
  public static final String PAIRWISE_SCORE = """
      name = "pairwise-score"
      kind = "pairwise"
      template = \"\"\"Which response answers the question better?
      <question>{prompt}</question>
      <response_a>{response_a}</response_a>
      <response_b>{response_b}</response_b>
      Write "Score: A", "Score: B" or "Score: tie".\"\"\"
      score_regex = "Score: ?(A|B|tie)"
      score_format = "Score: {winner}"
      score_min = 0
      score_max = 1
      score_type = "choice"
      """;

  private JudgeModels() {}

  /** The test-only pairwise template as a file (for judge.template). */
  public static synchronized Path pairwiseScoreTemplate() {
    Path f = TestConf.repoRoot().resolve("target").resolve("test-models").resolve("pairwise-score.conf");
    try {
      Files.createDirectories(f.getParent());
      if (!Files.isRegularFile(f) || !Files.readString(f).equals(PAIRWISE_SCORE)) {
        Files.writeString(f, PAIRWISE_SCORE);
      }
      return f;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * m1 fine-tuned for {@code steps} steps on EFT rows of a judge template (a conf/judges name or a .conf path).
   */
  public static synchronized Path forTemplate(String template, int steps) {
    Path m1 = TestModels.m1();
    Path root = m1.getParent();
    JudgeTemplate judge = JudgeTemplate.load(TestConf.conf(), template, "judge.template");
    String key = StableIds.sha256Hex(String.join("\n", m1.getFileName().toString(), judge.toString(),
        Integer.toString(steps), Double.toString(LR), "v3")).substring(0, 12);
    Path dir = root.resolve("judge-" + judge.name() + "-" + key);
    if (Files.isRegularFile(dir.resolve("config.json"))) {
      return dir;
    }
    try (FileChannel ch = FileChannel.open(root.resolve(".lock"), StandardOpenOption.CREATE,
        StandardOpenOption.WRITE); FileLock lock = ch.lock()) {
      if (Files.isRegularFile(dir.resolve("config.json"))) {
        return dir;
      }
      Path tmp = root.resolve(dir.getFileName() + ".tmp-" + ProcessHandle.current().pid());
      FileTrees.delete(tmp);
      build(m1, judge, steps, tmp);
      Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The target's last line (the score or winner line): short targets teach the format in few steps. */
  static String verdictLine(String completion) {
    String t = completion.strip();
    return t.substring(t.lastIndexOf('\n') + 1);
  }

  private static void build(Path m1, JudgeTemplate judge, int steps, Path out) {
    TaskPrompt task = TaskPrompt.load(TestConf.conf(), "task-generation");
    SeedData seed = BuiltinSeed.generate(new BuiltinSeed.Options(1, 40, 0, 0.1, 5), judge, task, "judge-models");
    try (LanguageModel lm = LanguageModel.load(m1, EngineOptions.cpu())) {
      List<SftExample> train = new ArrayList<>();
      for (SeedEft s : seed.eft()) {
        if (s.split().equals("train")) {
          train.add(new SftExample(s.eftId(), lm.promptIds(s.prompt()), lm.completionIds(s.prompt(),
              verdictLine(s.completion()))));
        }
      }
      Map<String, NDArray> params = lm.model().weights();
      SrlmConfig.Train t = new SrlmConfig.Train("full", 1, steps, 16, 1, LR, 0.1, 0.0, 4, "cosine", 1.0, 512,
          "skip", 1000, 1000, 10);
      Path ckpt = out.resolveSibling(out.getFileName() + "-ckpt");
      new Trainer<>(lm.model().manager(), params, new SftObjective(lm.model(), lm.padId()),
          new TrainSpec("judge-sft", t, 13, ckpt, 0, "loss", false, 0), MetricsSink.NONE).train(train, List.of());
      ModelWriter.write(lm.model(), lm.config(), m1, out, SafetensorsDtype.F32);
      FileTrees.delete(ckpt);
    }
  }
}

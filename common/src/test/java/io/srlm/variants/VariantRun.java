package io.srlm.variants;

import io.srlm.config.SrlmConfig;
import io.srlm.pipeline.RunContext;
import io.srlm.tables.Catalogue;
import io.srlm.tables.ModelRow;
import io.srlm.tables.TableStore;
import io.srlm.testing.JudgeModels;
import io.srlm.testing.LocalSpark;
import io.srlm.testing.SeedPrompts;
import io.srlm.testing.SeqClsCheckpoint;
import io.srlm.testing.TestConf;
import io.srlm.util.FileTrees;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * One {@code srlm loop} run shared by the variant checks ({@link VariantRecipesTest}, one run per test JVM), on
 * the test model with small counts. Its stage list covers every stage type and judge:
 *
 * <pre>
 *   s00 self_reward_dpo                         M1 -> M2
 *   s01 spin                                    M2 -> M3
 *   s02 external_reward_dpo, sequence-classification reward model        M3 -> M4
 *   s03 external_reward_dpo, pairwise judge (judge.mode = pairwise)       M4 -> M5
 *   s04 external_reward_dpo, custom 0-10 judge (rating-0-10) as causal LM M5 -> M6
 * </pre>
 *
 * The pairwise and 0-10 judges are {@link JudgeModels} (the test model taught those verdict lines); the reward
 * model is a random {@link SeqClsCheckpoint}. Prompts come from the {@link SeedPrompts} stand-in.
 */
final class VariantRun {
  static final String RUN = "variants";
  private static VariantRun instance;

  final Path dir;
  final SrlmConfig cfg;
  final RunContext ctx;
  final Path rewardModel;
  final Path pairwiseJudge;
  final Path pairwiseTemplate;
  final Path ratingJudge;
  final double seconds;

  private VariantRun(Path dir) {
    this.dir = dir;
    this.rewardModel = SeqClsCheckpoint.write(dir.resolve("reward-model"), 17).dir();
    this.pairwiseTemplate = JudgeModels.pairwiseScoreTemplate();
    this.pairwiseJudge = JudgeModels.forTemplate(pairwiseTemplate.toString(), 50);
    this.ratingJudge = JudgeModels.forTemplate("rating-0-10", 120);
    this.cfg = config(dir, "run.id=" + RUN);
    this.ctx = RunContext.open(LocalSpark.session(), cfg, false, false);
    long t0 = System.nanoTime();
    SeedPrompts.runLoop(ctx);
    this.seconds = (System.nanoTime() - t0) / 1e9;
  }

  static synchronized VariantRun get() {
    if (instance == null) {
      try {
        Path dir = Files.createTempDirectory("srlm-variants");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> FileTrees.delete(dir)));
        instance = new VariantRun(dir);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return instance;
  }

  /** The run's config (extra overrides win, e.g. another run id). */
  SrlmConfig config(Path where, String... extra) {
    List<String> sets = new ArrayList<>(SeedPrompts.SMALL_SEED);
    sets.addAll(List.of("report.dir=" + where.resolve("reports"), "prompts.target_count=4", "judge.samples=1",
        "dpo.max_steps=2", "spin.max_prompts=4",
        "loop.stages=[self_reward_dpo, spin, "
            + "{type = external_reward_dpo, judge { model = \"" + rewardModel + "\", "
            + "reward_head = sequence_classification }}, "
            + "{type = external_reward_dpo, judge { model = \"" + pairwiseJudge + "\", mode = pairwise, "
            + "template = \"" + pairwiseTemplate + "\" }}, "
            + "{type = external_reward_dpo, judge { model = \"" + ratingJudge + "\", template = rating-0-10 }}]"));
    sets.addAll(List.of(extra));
    return TestConf.loop(where, sets.toArray(new String[0]));
  }

  <T extends Record> List<T> rows(io.srlm.tables.TableDef<T> table, int iteration) {
    return ctx.tables().collect(table, TableStore.partitionIs(RUN, iteration));
  }

  Map<String, ModelRow> models() {
    return ctx.tables().collect(Catalogue.MODELS, TableStore.runIs(RUN)).stream()
        .collect(Collectors.toMap(ModelRow::name, Function.identity()));
  }
}

package io.srlm.bench;

import io.srlm.config.SrlmConfig;
import io.srlm.errors.Errors;
import io.srlm.errors.SrlmException;
import io.srlm.loop.Recipe;
import io.srlm.pipeline.RunContext;
import io.srlm.pipeline.StepRunner;
import io.srlm.steps.BaseModelStep;
import io.srlm.steps.LoadSeedStep;
import io.srlm.seed.BuiltinSeed;
import io.srlm.tables.Catalogue;
import io.srlm.tables.PromptRow;
import io.srlm.tables.RunStep;
import io.srlm.tables.SeedIft;
import io.srlm.tables.TableStore;
import io.srlm.util.Locations;
import io.srlm.util.StableIds;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.spark.sql.SparkSession;

/**
 * {@code srlm bench stages}: one self-reward iteration's Spark stages (generate prompts, sample responses, judge,
 * build pairs) run for real on local mode with test-sized counts, in a run on a temporary table and model root.
 * The model is the tiny model after a short SFT (or a given model directory, used as M1). Figures come from the
 * runs table: the step's counts (rows, generated_tokens, model loads) and its start and end times, so they include
 * everything a step does (Spark jobs, model loads on the executors, Delta writes, near-duplicate search).
 */
public final class StagesBench {
  public static final String RUN_ID = "bench";
  /** generator_model of the seed prompts the bench adds when too few generated prompts were accepted. */
  public static final String SUBSTITUTE = "bench:seed-prompt";
  static final List<String> STAGES = List.of("generate_prompts", "sample_responses", "judge_responses",
      "build_pairs");

  private StagesBench() {}

  /**
   * @param threads engine.threads for the executors' engines (0 = the config's)
   * @param model an HF model directory to use as M1, or null for the cached fine-tuned tiny model
   * @param sftSteps SFT steps of the tiny model (when model is null)
   * @param prompts prompts.target_count
   * @param substitute top up the accepted prompts with held-out seed prompts when too few were accepted
   */
  public record Options(int threads, Path model, int sftSteps, int prompts, boolean substitute) {
    public Options {
      EngineBench.check(sftSteps >= 1, "--sft-steps", "must be at least 1", sftSteps);
      EngineBench.check(prompts >= 1, "--prompts", "must be at least 1", prompts);
      if (model != null && !Files.isDirectory(model)) {
        throw Errors.model(model.toString(), "the --model directory does not exist", "pass an HF model directory");
      }
    }
  }

  /**
   * The model the stages run with, as M1: the given directory, or the tiny model after {@code sftSteps} SFT steps
   * (made on the first run and cached under storage.cache_dir, or java.io.tmpdir/srlm-cache when that is empty).
   */
  public static Path m1(SrlmConfig cfg, Options o, Consumer<String> progress) {
    if (o.model() != null) {
      return o.model().toAbsolutePath();
    }
    return BenchModels.fineTunedTiny(cfg, o.sftSteps(), Locations.cacheDir(cfg.storage().cacheDir()),
        progress);
  }

  /**
   * The bench's settings, as --set overrides to apply after the profiles (the user's own --set values go after
   * these; {@link #storage} goes last): M1 as the base of a single self-reward stage, test-sized counts as in the
   * step tests, no evaluation, no report.
   */
  public static List<String> settings(Options o, Path m1) {
    List<String> s = new ArrayList<>(List.of(
        "loop.evaluate=false",
        "loop.report=false",
        "prompts.target_count=" + o.prompts(),
        "prompts.max_requests_factor=3",
        "responses.max_new_tokens=24",
        "judge.samples=2",
        "judge.max_new_tokens=40",
        "engine.batch_size=16"));
    s.add("model.base=" + m1);
    s.add("loop.stages=[self_reward_dpo]");
    if (o.threads() > 0) {
      s.add("engine.threads=" + o.threads());
    }
    return s;
  }

  /** Tables and models under the scratch folder, no catalog database, and the bench's run id. */
  public static List<String> storage(Path scratch) {
    return List.of("storage.table_root=" + scratch.resolve("tables"), "storage.model_root=" + scratch.resolve(
        "models"), "storage.database=", "run.id=" + RUN_ID);
  }

  /** Runs the setup steps and the four stages in {@code spark}, then reads the runs table. */
  public static BenchReport run(SparkSession spark, SrlmConfig cfg, Options o, Path m1, Consumer<String> progress) {
    BenchReport report = new BenchReport("stages", Machine.probe(cfg.engine().threads()));
    RunContext ctx = RunContext.open(spark, cfg, false, false);
    List<SrlmConfig.Stage> stages = cfg.loop().stages();
    SrlmConfig.Stage dpo = stages.get(0);
    progress.accept("[bench stages] setup: seed, base model (M1 = " + m1 + ")");
    StepRunner.run(ctx, dpo, new LoadSeedStep());
    StepRunner.run(ctx, dpo, new BaseModelStep());
    String stopped = null;
    int substituted = 0;
    for (String name : STAGES) {
      progress.accept("[bench stages] " + name);
      try {
        RunStep done = StepRunner.run(ctx, dpo, Recipe.step(dpo, name));
        if (name.equals("generate_prompts") && o.substitute()) {
          substituted = substituteSeedPrompts(ctx, dpo, done);
        }
      } catch (SrlmException e) {
        stopped = name + " failed: " + e.getMessage();
        break;
      }
    }
    List<RunStep> steps = ctx.ledger().steps();
    BenchReport.Section setup = report.section("setup steps", "step", "status", "seconds", "counts");
    BenchReport.Section t = report.section("stages (" + cfg.spark().master() + ", engine.threads="
        + cfg.engine().threads() + ", engine.batch_size=" + cfg.engine().batchSize() + ")", "stage", "status",
        "rows", "rows/s", "generated tokens", "tokens/s", "seconds", "model loads", "detail");
    for (RunStep s : steps) {
      double secs = s.endedAtMs() == null ? Double.NaN : (s.endedAtMs() - s.startedAtMs()) / 1000.0;
      if (!STAGES.contains(s.step())) {
        setup.row(s.step(), s.status(), secs, counts(s.counts()));
        continue;
      }
      long rows = rows(s);
      Long tokens = s.counts().get("generated_tokens");
      long loads = s.counts().entrySet().stream().filter(e -> e.getKey().startsWith("model_loads."))
          .mapToLong(Map.Entry::getValue).sum();
      t.row(s.step(), s.status(), rows, rows / secs, tokens == null ? null : tokens,
          tokens == null ? Double.NaN : tokens / secs, secs, loads, detail(s));
    }
    t.note("rows: generate_prompts = candidate prompts (requests), sample_responses = responses, judge_responses = "
        + "judgements, build_pairs = preference pairs; seconds = ended_at_ms - started_at_ms of the step's row in "
        + "the runs table (Spark jobs, executor model loads, dedup, Delta writes included)");
    t.note("settings: prompts.target_count=" + cfg.prompts().targetCount() + " (max " + cfg.prompts()
        .maxRequestsFactor() + "x requests), " + cfg.responses().numCandidates() + " responses of <= "
        + cfg.responses().sampling().maxNewTokens() + " tokens, " + cfg.judge().samples() + " judgements of <= "
        + cfg.judge().sampling().maxNewTokens() + " tokens; M1: " + (o.model() == null ? "the tiny model after "
        + o.sftSteps() + " SFT steps (" + m1 + ")" : m1.toString()));
    if (substituted > 0) {
      t.note("generate_prompts accepted fewer prompts than prompts.target_count, so the bench added " + substituted
          + " held-out seed prompts as accepted rows (generator_model " + SUBSTITUTE + ") for the next stages to "
          + "have work: the later stages' figures are real runs of those steps; turn this off with "
          + "--no-substitute");
    }
    if (stopped != null) {
      t.note("stopped: " + stopped + " (a briefly fine-tuned tiny model may write no well-formed prompt: pass "
          + "--model DIR with a better fine-tuned model, or raise --sft-steps)");
    }
    return report;
  }

  /**
   * Tops the iteration's accepted prompts up to prompts.target_count with held-out seed prompts (a small model
   * may write no well-formed task yet), so the later stages have work. Returns how many were added.
   */
  static int substituteSeedPrompts(RunContext ctx, SrlmConfig.Stage stage, RunStep generated) {
    int target = stage.settings().prompts().targetCount();
    long accepted = generated.counts().getOrDefault("accepted", 0L);
    if (accepted >= target) {
      return 0;
    }
    TableStore t = ctx.tables();
    int it = stage.iteration();
    List<PromptRow> rows = new ArrayList<>(t.collect(Catalogue.PROMPTS, TableStore.partitionIs(ctx.runId(), it)));
    List<SeedIft> seeds = new ArrayList<>(t.collect(Catalogue.SEED_IFT, TableStore.runIs(ctx.runId())));
    seeds.removeIf(x -> x.taskType().equals(BuiltinSeed.TASK_CREATION));
    seeds.sort((a, b) -> a.seedId().compareTo(b.seedId()));
    seeds.sort((a, b) -> Boolean.compare(!a.split().equals("heldout"), !b.split().equals("heldout")));
    int add = (int) Math.min(target - accepted, seeds.size());
    for (int i = 0; i < add; i++) {
      SeedIft x = seeds.get(i);
      int index = 1_000_000 + i;
      rows.add(new PromptRow(ctx.runId(), it, StableIds.id("prompt", ctx.runId(), it, "bench", i), x.prompt(),
          "accepted", null, null, x.prompt(), index, List.of(x.seedId()), SUBSTITUTE,
          StableIds.seed(ctx.seed(), it, "bench", i), 0, "none"));
    }
    t.replace(Catalogue.PROMPTS, rows, TableStore.partition(ctx.runId(), it));
    return add;
  }

  static long rows(RunStep s) {
    String key = switch (s.step()) {
      case "generate_prompts" -> "requests";
      case "sample_responses" -> "responses";
      case "judge_responses" -> "judgements";
      default -> "pairs";
    };
    return s.counts().getOrDefault(key, 0L);
  }

  static String detail(RunStep s) {
    Map<String, Long> c = s.counts();
    return switch (s.step()) {
      case "generate_prompts" -> c.getOrDefault("accepted", 0L) + " accepted" + rejected(c);
      case "sample_responses" -> c.getOrDefault("prompts", 0L) + " prompts";
      case "judge_responses" -> c.getOrDefault("parsed", 0L) + " parsed, " + c.getOrDefault("responses", 0L)
          + " responses";
      default -> c.getOrDefault("prompts", 0L) + " prompts, " + c.getOrDefault("dropped", 0L) + " dropped";
    };
  }

  private static String rejected(Map<String, Long> c) {
    List<String> parts = new ArrayList<>();
    new java.util.TreeMap<>(c).forEach((k, v) -> {
      if (k.startsWith("rejected_")) {
        parts.add(k.substring("rejected_".length()) + " " + v);
      }
    });
    return parts.isEmpty() ? "" : " (rejected: " + String.join(", ", parts) + ")";
  }

  private static String counts(Map<String, Long> counts) {
    List<String> parts = new ArrayList<>();
    new java.util.TreeMap<>(counts).forEach((k, v) -> {
      if (!k.startsWith("model_loads.")) {
        parts.add(k + "=" + v);
      }
    });
    return String.join(" ", parts);
  }
}

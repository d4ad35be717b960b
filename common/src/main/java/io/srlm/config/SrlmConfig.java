package io.srlm.config;

import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The one config tree: immutable records bound from conf/srlm.conf plus profiles, --config files and --set
 * overrides (see {@link ConfigLoader} for the precedence). Field names mirror the HOCON keys in snake_case.
 * Values are validated while binding ({@link ConfigBinder}); errors name the key and the file.
 *
 * <p>Executors never receive this tree: they get small serialisable specs derived from it.
 */
public record SrlmConfig(Run run, Storage storage, SparkConf spark, Engine engine, Model model, Seed seed,
    Prompts prompts, Responses responses, Judge judge, Pairs pairs, Train sft, Dpo dpo, Spin spin, Lora lora,
    Loop loop, Eval eval, Debug debug, Resolved resolved) implements Serializable {

  /** run.* */
  public record Run(String id, long seed) implements Serializable {}

  /**
   * storage.*: table and model roots (local, s3a://, dbfs:/).
   *
   * @param s3 storage.s3 entries (Hadoop S3A keys without the {@code fs.s3a.} prefix)
   * @param s3Defaults the keys of {@code s3} whose values are srlm's own defaults (conf/srlm.conf, not set again by
   *     a profile, file or --set): they yield to a value the cluster already configured
   */
  public record Storage(String tableRoot, String modelRoot, String database, String cacheDir,
      Map<String, String> s3, Set<String> s3Defaults) implements Serializable {
    public Storage {
      s3Defaults = Set.copyOf(s3Defaults);
    }

    /** Storage whose storage.s3 entries were all set explicitly. */
    public Storage(String tableRoot, String modelRoot, String database, String cacheDir, Map<String, String> s3) {
      this(tableRoot, modelRoot, database, cacheDir, s3, Set.of());
    }

    @Override
    public String toString() {
      return "Storage[tableRoot=" + tableRoot + ", modelRoot=" + modelRoot + ", database=" + database
          + ", cacheDir=" + cacheDir + ", s3=" + Credentials.redact(s3) + "]";
    }
  }

  /** spark.* */
  public record SparkConf(String master, String appName, Map<String, String> conf) implements Serializable {
    @Override
    public String toString() {
      return "SparkConf[master=" + master + ", appName=" + appName + ", conf=" + Credentials.redact(conf) + "]";
    }
  }

  /** engine.*: device, precision and batching of the model engine. */
  public record Engine(String device, String dtype, int threads, int batchSize) implements Serializable {}

  /** model.* */
  public record Model(String base, Tiny tiny) implements Serializable {
    public static final String BUILTIN_TINY = "builtin:tiny";

    public boolean isBuiltinTiny() {
      return BUILTIN_TINY.equals(base);
    }
  }

  /** model.tiny.*: the built-in tiny Llama. */
  public record Tiny(int vocabSize, int hiddenSize, int numLayers, int numHeads, int numKvHeads,
      int intermediateSize, int maxPosition, double ropeTheta, double rmsNormEps, long initSeed,
      int phraseTokens)
      implements Serializable {}

  /** seed.* */
  public record Seed(String source, String iftPath, String eftPath, String oasstPath, String oasstLang,
      String onBadRow, double heldoutFraction, BuiltinSeed builtin) implements Serializable {}

  /** seed.builtin.* */
  public record BuiltinSeed(int iftPerTask, int eftGroupsPerTask, int contrastGroupsPerTask,
      int referenceGroupsPerTask, int taskCreationRows) implements Serializable {}

  /** prompts.*: few-shot prompt generation. */
  public record Prompts(int targetCount, int maxRequestsFactor, int shots, int seedShots, String generator,
      String template, Sampling sampling, int minChars, int maxChars, Dedup dedup) implements Serializable {}

  /** prompts.dedup.* */
  public record Dedup(int ngram, double jaccardThreshold, int numHashTables) implements Serializable {}

  /** Sampling settings (temperature 0 = greedy; top_k 0 = off). */
  public record Sampling(double temperature, double topP, int topK, int maxNewTokens) implements Serializable {}

  /** responses.* */
  public record Responses(int numCandidates, Sampling sampling) implements Serializable {}

  /** judge.* */
  public record Judge(String mode, String template, int samples, Sampling sampling, String model,
      String rewardHead) implements Serializable {
    public boolean pairwise() {
      return "pairwise".equals(mode);
    }

    /** An external sequence-classification reward model scores the responses (no template, no sampling). */
    public boolean rewardModel() {
      return !model.isEmpty() && "sequence_classification".equals(rewardHead);
    }
  }

  /** pairs.* */
  public record Pairs(double minMargin, double lengthControlEpsilon) implements Serializable {}

  /** sft.* and the shared part of dpo.* */
  public record Train(String finetune, int epochs, int maxSteps, int batchSize, int gradAccum, double learningRate,
      double minLearningRateRatio, double weightDecay, int warmupSteps, String schedule, double maxGradNorm,
      int maxSeqLen, String onOverlong, int evalEvery, int checkpointEvery, int logEvery)
      implements Serializable {}

  /** dpo.* */
  public record Dpo(Train train, String loss, double beta, String reference, double valFraction,
      int earlyStoppingPatience, String earlyStoppingMetric, double spinLambda) implements Serializable {}

  /** spin.*: SPIN stages (Chen et al. 2024); the loss weight is dpo.spin_lambda. */
  public record Spin(int maxPrompts) implements Serializable {}

  /** lora.* */
  public record Lora(int r, double alpha, double dropout, List<String> targetModules)
      implements Serializable {}

  /** loop.* */
  public record Loop(int iterations, List<Stage> stages, boolean evaluate, boolean report, String reportDir)
      implements Serializable {}

  /**
   * One stage of the recipe, with its own settings: the stage's overrides applied on top of the global tree.
   *
   * @param type sft | self_reward_dpo | spin | external_reward_dpo
   * @param index position in the stage list (0-based)
   * @param iteration the model index this stage produces minus one (sft -> 0, first DPO -> 1, ...)
   * @param settings the effective config for this stage
   */
  public record Stage(String type, int index, int iteration, SrlmConfig settings) implements Serializable {
    public String id() {
      return String.format("s%02d.%s", index, type);
    }
  }

  /** eval.* */
  public record Eval(boolean judgeEnabled, int judgeMaxGroups, boolean taskEnabled, int taskMaxPrompts,
      int taskSamples, boolean h2hEnabled, int h2hMaxPrompts, String h2hJudgeModel, String h2hTemplate)
      implements Serializable {}

  /** debug.*: test-only fault injection. */
  public record Debug(List<String> failFirstAttempt, int haltAfterSteps, String stopAfterStep, String holdStage,
      String holdDir)
      implements Serializable {}

  /**
   * Facts about how the tree was resolved: the conf source, the flattened sorted key/value map (for hashing and
   * diffs) and its hash.
   */
  public record Resolved(ConfSource confSource, Map<String, String> flat, String hash, List<String> profiles)
      implements Serializable {
    /** {@code flat} is what run_config stores: credential-like keys are redacted here as a second defence. */
    public Resolved {
      flat = Credentials.redact(flat);
    }
  }
}

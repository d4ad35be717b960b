package io.srlm.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import io.srlm.config.SrlmConfig.Stage;
import io.srlm.errors.Errors;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Binds a merged, validated Typesafe Config onto the {@link SrlmConfig} records, checking every range. */
final class ConfigBinder {
  static final Set<String> STAGE_TYPES = Set.of("sft", "self_reward_dpo", "spin", "external_reward_dpo");
  static final Set<String> STAGE_OVERRIDABLE = Set.of("prompts", "responses", "judge", "pairs", "sft", "dpo",
      "spin", "lora", "engine", "eval");
  /** Steps whose Spark tasks debug.fail_first_attempt may fail once (test-only fault injection). */
  static final List<String> FAULT_STAGES = io.srlm.registry.StepRegistry.faultInjectable();

  private ConfigBinder() {}

  static SrlmConfig bind(Config merged, SrlmConfig.Resolved resolved, Config reference) {
    SrlmConfig base = bindSections(new ConfigReader(merged), resolved, List.of(), reference);
    List<Stage> stages = bindStages(new ConfigReader(merged), base, merged, reference);
    return new SrlmConfig(base.run(), base.storage(), base.spark(), base.engine(), base.model(), base.seed(),
        base.prompts(), base.responses(), base.judge(), base.pairs(), base.sft(), base.dpo(), base.spin(),
        base.lora(),
        new SrlmConfig.Loop(base.loop().iterations(), stages, base.loop().evaluate(), base.loop().report(),
            base.loop().reportDir()),
        base.eval(), base.debug(), resolved);
  }

  private static SrlmConfig bindSections(ConfigReader r, SrlmConfig.Resolved resolved, List<Stage> stages,
      Config reference) {
    SrlmConfig.Run run = new SrlmConfig.Run(r.str("run.id"), r.longAny("run.seed"));
    if (!run.id().isEmpty() && !run.id().matches("[A-Za-z0-9][A-Za-z0-9._-]{0,99}")) {
      throw Errors.configBadValue("run.id", r.origin("run.id"),
          "must be letters, digits, '.', '_' or '-' (at most 100, no path separators)", "'" + run.id() + "'");
    }
    SrlmConfig.Storage storage = new SrlmConfig.Storage(nonEmpty(r, "storage.table_root"),
        nonEmpty(r, "storage.model_root"), identifierOrEmpty(r, "storage.database"), r.str("storage.cache_dir"),
        r.stringMap("storage.s3"), r.unchanged("storage.s3", reference));
    SrlmConfig.SparkConf spark = new SrlmConfig.SparkConf(r.str("spark.master"), nonEmpty(r, "spark.app_name"),
        r.stringMap("spark.conf"));
    SrlmConfig.Engine engine = new SrlmConfig.Engine(device(r), r.oneOf("engine.dtype", "auto", "f32", "f16"),
        r.intIn("engine.threads", 0, 1024), r.intIn("engine.batch_size", 1, 4096));
    SrlmConfig.Tiny tiny = new SrlmConfig.Tiny(r.intIn("model.tiny.vocab_size", 262, 1 << 20),
        r.intAtLeast("model.tiny.hidden_size", 8), r.intAtLeast("model.tiny.num_layers", 1),
        r.intAtLeast("model.tiny.num_heads", 1), r.intAtLeast("model.tiny.num_kv_heads", 1),
        r.intAtLeast("model.tiny.intermediate_size", 1), r.intAtLeast("model.tiny.max_position", 16),
        r.numAboveAtMost("model.tiny.rope_theta", 0, 1e9), r.numAboveAtMost("model.tiny.rms_norm_eps", 0, 1),
        r.longAny("model.tiny.init_seed"), r.intIn("model.tiny.phrase_tokens", 0, 4096));
    if (tiny.hiddenSize() % tiny.numHeads() != 0 || tiny.numHeads() % tiny.numKvHeads() != 0) {
      throw Errors.configBadValue("model.tiny.num_heads", r.origin("model.tiny.num_heads"),
          "must divide model.tiny.hidden_size and be a multiple of model.tiny.num_kv_heads",
          tiny.numHeads());
    }
    SrlmConfig.Model model = new SrlmConfig.Model(r.str("model.base"), tiny);
    SrlmConfig.Seed seed = new SrlmConfig.Seed(r.oneOf("seed.source", "builtin", "jsonl", "oasst"),
        r.str("seed.ift_path"), r.str("seed.eft_path"), r.str("seed.oasst_path"), r.str("seed.oasst_lang"),
        r.oneOf("seed.on_bad_row", "fail", "skip"), r.numIn("seed.heldout_fraction", 0, 0.9),
        new SrlmConfig.BuiltinSeed(r.intAtLeast("seed.builtin.ift_per_task", 1),
            r.intAtLeast("seed.builtin.eft_groups_per_task", 1), r.intAtLeast("seed.builtin.contrast_groups_per_task", 0),
            r.intAtLeast("seed.builtin.reference_groups_per_task", 0), r.intAtLeast("seed.builtin.task_creation_rows", 0)));
    if (seed.source().equals("jsonl") && seed.iftPath().isEmpty()) {
      throw Errors.configBadValue("seed.ift_path", r.origin("seed.ift_path"),
          "must name a JSONL file when seed.source = jsonl", "''");
    }
    if (seed.source().equals("oasst") && seed.oasstPath().isEmpty()) {
      throw Errors.configBadValue("seed.oasst_path", r.origin("seed.oasst_path"),
          "must name an oasst *.trees.jsonl(.gz) file when seed.source = oasst", "''");
    }
    int shots = r.intAtLeast("prompts.shots", 1);
    SrlmConfig.Prompts prompts = new SrlmConfig.Prompts(r.intAtLeast("prompts.target_count", 1),
        r.intAtLeast("prompts.max_requests_factor", 1), shots, r.intIn("prompts.seed_shots", 1, shots),
        r.str("prompts.generator"), nonEmpty(r, "prompts.template"), sampling(r, "prompts"),
        r.intAtLeast("prompts.min_chars", 1), r.intAtLeast("prompts.max_chars", 1),
        new SrlmConfig.Dedup(r.intIn("prompts.dedup.ngram", 1, 8),
            r.numAboveAtMost("prompts.dedup.jaccard_threshold", 0, 1), r.intIn("prompts.dedup.num_hash_tables", 1,
            64)));
    if (prompts.maxChars() < prompts.minChars()) {
      throw Errors.configBadValue("prompts.max_chars", r.origin("prompts.max_chars"),
          "must be at least prompts.min_chars (" + prompts.minChars() + ")", prompts.maxChars());
    }
    SrlmConfig.Responses responses = new SrlmConfig.Responses(r.intIn("responses.num_candidates", 2, 64),
        sampling(r, "responses"));
    SrlmConfig.Judge judge = new SrlmConfig.Judge(r.oneOf("judge.mode", "pointwise", "pairwise"),
        nonEmpty(r, "judge.template"), r.intIn("judge.samples", 1, 64), sampling(r, "judge"), r.str("judge.model"),
        r.oneOf("judge.reward_head", "causal_lm", "sequence_classification"));
    SrlmConfig.Pairs pairs = new SrlmConfig.Pairs(r.numIn("pairs.min_margin", 0, 1e6),
        r.num("pairs.length_control_epsilon"));
    SrlmConfig.Train sft = train(r, "sft");
    SrlmConfig.Dpo dpo = new SrlmConfig.Dpo(train(r, "dpo"), r.oneOf("dpo.loss", "sigmoid", "ipo", "sigmoid_norm"),
        r.numAboveAtMost("dpo.beta", 0, 100), r.oneOf("dpo.reference", "previous", "sft"),
        r.numIn("dpo.val_fraction", 0, 0.5), r.intAtLeast("dpo.early_stopping_patience", 0),
        r.oneOf("dpo.early_stopping_metric", "val_reward_accuracy", "val_loss"),
        r.numAboveAtMost("dpo.spin_lambda", 0, 100));
    SrlmConfig.Spin spin = new SrlmConfig.Spin(r.intIn("spin.max_prompts", 1, 10_000_000));
    if (judge.pairwise() && judge.rewardModel()) {
      throw Errors.configBadValue("judge.mode", r.origin("judge.mode"), "must be pointwise when judge.reward_head "
          + "= sequence_classification (a reward model scores each response on its own; it cannot compare two)",
          "'pairwise'");
    }
    List<String> targets = r.strList("lora.target_modules");
    for (String t : targets) {
      if (!Set.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj").contains(t)) {
        throw Errors.configBadValue("lora.target_modules", r.origin("lora.target_modules"),
            "may contain only q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj", "'" + t + "'");
      }
    }
    if (targets.isEmpty()) {
      throw Errors.configBadValue("lora.target_modules", r.origin("lora.target_modules"), "must not be empty",
          "[]");
    }
    SrlmConfig.Lora lora = new SrlmConfig.Lora(r.intIn("lora.r", 1, 4096),
        r.numAboveAtMost("lora.alpha", 0, 1e6), r.numIn("lora.dropout", 0, 0.9), targets);
    SrlmConfig.Loop loop = new SrlmConfig.Loop(r.intIn("loop.iterations", 1, 1000), stages,
        r.bool("loop.evaluate"), r.bool("loop.report"), nonEmpty(r, "report.dir"));
    SrlmConfig.Eval eval = new SrlmConfig.Eval(r.bool("eval.judge.enabled"), r.intAtLeast("eval.judge.max_groups", 1),
        r.bool("eval.task_accuracy.enabled"), r.intAtLeast("eval.task_accuracy.max_prompts", 1),
        r.intIn("eval.task_accuracy.samples", 0, 64), r.bool("eval.head_to_head.enabled"),
        r.intAtLeast("eval.head_to_head.max_prompts", 1), r.str("eval.head_to_head.judge_model"),
        nonEmpty(r, "eval.head_to_head.template"));
    List<String> fail = r.strList("debug.fail_first_attempt");
    for (String f : fail) {
      if (!FAULT_STAGES.contains(f)) {
        throw Errors.configBadValue("debug.fail_first_attempt", r.origin("debug.fail_first_attempt"),
            "may contain only " + String.join(", ", FAULT_STAGES), "'" + f + "'");
      }
    }
    String holdStage = r.str("debug.hold_stage");
    if (!holdStage.isEmpty() && !Set.of("generate_prompts", "sample_responses", "judge_responses")
        .contains(holdStage)) {
      throw Errors.configBadValue("debug.hold_stage", r.origin("debug.hold_stage"),
          "must be empty or one of generate_prompts, sample_responses, judge_responses", "'" + holdStage + "'");
    }
    String holdDir = r.str("debug.hold_dir");
    if (!holdStage.isEmpty() && holdDir.isEmpty()) {
      throw Errors.configBadValue("debug.hold_dir", r.origin("debug.hold_dir"),
          "must name a folder every executor can write when debug.hold_stage is set", "''");
    }
    SrlmConfig.Debug debug = new SrlmConfig.Debug(fail, r.intAtLeast("debug.halt_after_steps", 0),
        r.str("debug.stop_after_step"), holdStage, holdDir);
    return new SrlmConfig(run, storage, spark, engine, model, seed, prompts, responses, judge, pairs, sft, dpo,
        spin, lora, loop, eval, debug, resolved);
  }

  private static SrlmConfig.Sampling sampling(ConfigReader r, String section) {
    return new SrlmConfig.Sampling(r.numIn(section + ".temperature", 0, 100),
        r.numAboveAtMost(section + ".top_p", 0, 1), r.intAtLeast(section + ".top_k", 0),
        r.intIn(section + ".max_new_tokens", 1, 1 << 20));
  }

  private static SrlmConfig.Train train(ConfigReader r, String s) {
    return new SrlmConfig.Train(r.oneOf(s + ".finetune", "lora", "full"), r.intAtLeast(s + ".epochs", 1), r.intAtLeast(s + ".max_steps", 0),
        r.intIn(s + ".batch_size", 1, 1 << 16), r.intIn(s + ".grad_accum", 1, 1 << 16),
        r.numAboveAtMost(s + ".learning_rate", 0, 10), r.numIn(s + ".min_learning_rate_ratio", 0, 1),
        r.numIn(s + ".weight_decay", 0, 10), r.intAtLeast(s + ".warmup_steps", 0),
        r.oneOf(s + ".schedule", "cosine", "linear", "constant"), r.numIn(s + ".max_grad_norm", 0, 1e9),
        r.intIn(s + ".max_seq_len", 8, 1 << 20), r.oneOf(s + ".on_overlong", "truncate", "skip"),
        r.intAtLeast(s + ".eval_every", 1), r.intAtLeast(s + ".checkpoint_every", 1),
        r.intAtLeast(s + ".log_every", 1));
  }

  private static String device(ConfigReader r) {
    String d = r.str("engine.device");
    if (!d.matches("auto|cpu|cuda|cuda:[0-9]+|gpu|gpu:[0-9]+")) {
      throw Errors.configBadValue("engine.device", r.origin("engine.device"), "must be auto, cpu, cuda or cuda:N",
          "'" + d + "'");
    }
    return d;
  }

  private static String nonEmpty(ConfigReader r, String key) {
    String v = r.str(key);
    if (v.isBlank()) {
      throw Errors.configBadValue(key, r.origin(key), "must not be empty", "''");
    }
    return v;
  }

  private static String identifierOrEmpty(ConfigReader r, String key) {
    String v = r.str(key);
    if (!v.isEmpty() && !v.matches("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?")) {
      throw Errors.configBadValue(key, r.origin(key), "must be a SQL identifier such as srlm or main.srlm",
          "'" + v + "'");
    }
    return v;
  }

  /**
   * loop.stages: strings ("sft") or objects ({type = self_reward_dpo, dpo { beta = 0.2 }}). Empty means the
   * paper's recipe: sft then loop.iterations x self_reward_dpo. Each stage's overrides are validated against the
   * reference tree like any other key, then bound into a full per-stage config.
   */
  private static List<Stage> bindStages(ConfigReader r, SrlmConfig base, Config merged, Config reference) {
    String origin = r.origin("loop.stages");
    ConfigList list;
    try {
      list = merged.getList("loop.stages");
    } catch (ConfigException.WrongType e) {
      throw Errors.configBadType("loop.stages", origin, "a list of stage names or objects", e);
    }
    List<ConfigValue> items = new ArrayList<>(list);
    if (items.isEmpty()) {
      items.add(ConfigFactory.parseString("type = sft").root());
      for (int i = 0; i < base.loop().iterations(); i++) {
        items.add(ConfigFactory.parseString("type = self_reward_dpo").root());
      }
    }
    List<Stage> out = new ArrayList<>();
    int iteration = 0;
    for (int i = 0; i < items.size(); i++) {
      ConfigValue item = items.get(i);
      String key = "loop.stages[" + i + "]";
      Config overrides;
      String type;
      if (item.valueType() == ConfigValueType.STRING) {
        type = (String) item.unwrapped();
        overrides = ConfigFactory.empty();
      } else if (item.valueType() == ConfigValueType.OBJECT) {
        Config obj = ((ConfigObject) item).toConfig();
        if (!obj.hasPath("type")) {
          throw Errors.configBadValue(key, ConfigReader.describe(item), "must have a type (" + STAGE_TYPES + ")",
              "an object with keys " + obj.root().keySet());
        }
        type = obj.getString("type");
        for (String k : obj.root().keySet()) {
          if (!k.equals("type") && !STAGE_OVERRIDABLE.contains(k)) {
            throw Errors.configBadValue(key + "." + k, ConfigReader.describe(item),
                "is not a stage setting; a stage may override only " + STAGE_OVERRIDABLE, k);
          }
        }
        overrides = obj.withoutPath("type");
        ConfigLoader.checkKnownKeys(overrides, reference);
      } else {
        throw Errors.configBadType(key, ConfigReader.describe(item), "a stage name or an object with a type", null);
      }
      if (!STAGE_TYPES.contains(type)) {
        throw Errors.configBadValue(key, ConfigReader.describe(item), "must be one of " + STAGE_TYPES,
            "'" + type + "'");
      }
      if (i == 0 && !type.equals("sft") && base.model().isBuiltinTiny()) {
        throw Errors.configBadValue("loop.stages", origin,
            "must start with sft when model.base is builtin:tiny (an untrained model cannot generate or judge)",
            "'" + type + "'");
      }
      if (!type.equals("sft")) {
        iteration++;
      } else if (iteration > 0) {
        throw Errors.configBadValue(key, ConfigReader.describe(item),
            "sft may only be the first stage (it trains M1 from the base model)", "'" + type + "'");
      }
      SrlmConfig settings = overrides.isEmpty() ? base
          : bindSections(new ConfigReader(overrides.withFallback(merged)), base.resolved(), List.of(),
              reference);
      if (type.equals("external_reward_dpo") && settings.judge().model().isBlank()) {
        throw Errors.configBadValue("judge.model", r.origin("judge.model"), "must name the reward model directory "
            + "(a causal LM judge, or a sequence-classification model with judge.reward_head = "
            + "sequence_classification) for the external_reward_dpo stage " + key + "; set it globally or in the "
            + "stage object, e.g. {type = external_reward_dpo, judge { model = \"/models/rm\" }}", "''");
      }
      out.add(new Stage(type, i, type.equals("sft") ? 0 : iteration, settings));
    }
    return List.copyOf(out);
  }
}

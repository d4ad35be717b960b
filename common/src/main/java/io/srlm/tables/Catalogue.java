package io.srlm.tables;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every Delta table the system writes, defined in one place. Each table lives at {@code <table_root>/<name>} and,
 * when {@code storage.database} is set, is registered as {@code <database>.<name>}. Loop tables are partitioned by
 * run_id and iteration, so a step's idempotent rewrite (replaceWhere on its partition) never touches another
 * run's or iteration's files, and concurrent runs do not conflict.
 */
public final class Catalogue {
  private Catalogue() {}

  private static final List<String> RUN_ITER = List.of("run_id", "iteration");
  private static final List<String> RUN = List.of("run_id");

  public static final TableDef<SeedIft> SEED_IFT = def("seed_ift", SeedIft.class, RUN,
      "Seed instruction-following rows (prompt, completion), per run");
  public static final TableDef<SeedEft> SEED_EFT = def("seed_eft", SeedEft.class, RUN,
      "Seed judging rows: rendered judge prompt and target judgement, with human rank per group");
  public static final TableDef<PromptRow> PROMPTS = def("prompts", PromptRow.class, RUN_ITER,
      "Generated prompt candidates per iteration, accepted or rejected with the reason");
  public static final TableDef<ResponseRow> RESPONSES = def("responses", ResponseRow.class, RUN_ITER,
      "Sampled candidate responses, N per accepted prompt");
  public static final TableDef<JudgementRow> JUDGEMENTS = def("judgements", JudgementRow.class, RUN_ITER,
      "LLM-as-a-judge outputs, k per response, with parsed score and parse status");
  public static final TableDef<PairwiseJudgementRow> PAIRWISE_JUDGEMENTS = def("pairwise_judgements",
      PairwiseJudgementRow.class, RUN_ITER,
      "Pairwise judge calls (judge.mode = pairwise): each pair of responses judged in both orders, with verdicts");
  public static final TableDef<PairRow> PREFERENCE_PAIRS = def("preference_pairs", PairRow.class, RUN_ITER,
      "Chosen/rejected pairs built from the judgements (or SPIN / external rewards)");
  public static final TableDef<ReferenceLogprob> REFERENCE_LOGPROBS = def("reference_logprobs",
      ReferenceLogprob.class, RUN_ITER, "Frozen reference log-probs of each pair, computed once before DPO");
  public static final TableDef<MetricRow> TRAINING_METRICS = def("training_metrics", MetricRow.class, RUN_ITER,
      "Per-step training and validation metrics of SFT and DPO");
  public static final TableDef<ModelRow> MODELS = def("models", ModelRow.class, RUN,
      "One row per trained model: path, lineage and the Delta versions it was trained from");
  public static final TableDef<RunStep> RUNS = def("runs", RunStep.class, RUN,
      "One row per step execution: status, timings, counts, input/output table versions");
  public static final TableDef<RunConfig> RUN_CONFIG = def("run_config", RunConfig.class, RUN,
      "The resolved config each run was started with");
  public static final TableDef<EvaluationRow> EVALUATIONS = def("evaluations", EvaluationRow.class, RUN_ITER,
      "Evaluation metrics per iteration and model: judge quality, task accuracy, head-to-head");
  public static final TableDef<EvalSample> EVAL_SAMPLES = def("eval_samples", EvalSample.class, RUN_ITER,
      "Per-item evaluation details behind the evaluations table");
  public static final TableDef<RejectedRow> REJECTED_ROWS = def("rejected_rows", RejectedRow.class, RUN_ITER,
      "Input rows a step skipped, and why: nothing is dropped silently");

  public static final List<TableDef<?>> ALL = List.of(SEED_IFT, SEED_EFT, PROMPTS, RESPONSES, JUDGEMENTS,
      PAIRWISE_JUDGEMENTS, PREFERENCE_PAIRS, REFERENCE_LOGPROBS, TRAINING_METRICS, MODELS, RUNS, RUN_CONFIG,
      EVALUATIONS, EVAL_SAMPLES, REJECTED_ROWS);

  public static TableDef<?> byName(String name) {
    for (TableDef<?> t : ALL) {
      if (t.name().equals(name)) {
        return t;
      }
    }
    return null;
  }

  private static <T extends Record> TableDef<T> def(String name, Class<T> type, List<String> partitionBy,
      String description) {
    Map<String, String> props = new LinkedHashMap<>();
    props.put("srlm.table", name);
    props.put("srlm.schema_version", "1");
    props.put("delta.logRetentionDuration", "interval 60 days");
    props.put("delta.deletedFileRetentionDuration", "interval 14 days");
    return new TableDef<>(name, new RowCodec<>(type), partitionBy, Map.copyOf(props), description);
  }
}

package io.srlm.steps;

import io.srlm.config.SrlmConfig;
import io.srlm.eval.Accuracy;
import io.srlm.model.SamplingParams;
import io.srlm.pipeline.Step;
import io.srlm.pipeline.StepContext;
import io.srlm.pipeline.StepResult;
import io.srlm.spark.Completion;
import io.srlm.spark.CompletionRequest;
import io.srlm.seed.BuiltinTasks;
import io.srlm.seed.Task;
import io.srlm.tables.Catalogue;
import io.srlm.tables.EvalSample;
import io.srlm.tables.EvaluationRow;
import io.srlm.tables.JudgementRow;
import io.srlm.tables.ResponseRow;
import io.srlm.tables.SeedIft;
import io.srlm.util.StableIds;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Ground-truth task accuracy of the model a stage produced, on the built-in domain whose answers can be checked:
 * greedy and sampled answers to the held-out seed prompts (overall and per task family). For a self-reward stage
 * it also checks the loop's own data: how many generated prompts are checkable tasks, how often the sampled
 * responses are right, and whether the judge's mean scores separate right from wrong responses (AUC). Prompts the
 * checker does not recognise (user seed data) are counted and skipped.
 */
public final class EvaluateTasksStep implements Step {
  public static final String NAME = "evaluate_tasks";
  static final String EVALUATION = "task_accuracy";

  @Override
  public StepResult run(StepContext ctx) {
    EvalSupport.Model evaluated = EvalSupport.model(ctx, ctx.iteration() + 1);
    List<SeedIft> checkable = new ArrayList<>();
    long unchecked = 0;
    for (SeedIft s : SeedPools.heldOut(ctx)) {
      if (BuiltinTasks.parse(s.prompt()).isEmpty()) {
        unchecked++;
      } else {
        checkable.add(s);
      }
    }
    SrlmConfig c = ctx.settings();
    int it = ctx.iteration();
    StepResult.Builder r = ctx.result();
    String modelName = evaluated.name();
    String model = evaluated.path();
    List<SeedIft> held = EvalSupport.first(checkable, c.eval().taskMaxPrompts());
    r.count("prompts", held.size()).count("unchecked_prompts", unchecked);
    List<EvaluationRow> rows = new ArrayList<>();
    List<EvalSample> samples = new ArrayList<>();
    if (!held.isEmpty()) {
      int k = c.eval().taskSamples();
      List<CompletionRequest> greedy = new ArrayList<>();
      List<CompletionRequest> sampled = new ArrayList<>();
      for (SeedIft s : held) {
        greedy.add(new CompletionRequest(s.seedId(), s.prompt(), 0L));
        for (int j = 0; j < k; j++) {
          sampled.add(new CompletionRequest(s.seedId() + "#" + j, s.prompt(),
              StableIds.seed(ctx.seed(), it, "eval-task", s.seedId(), j)));
        }
      }
      Map<String, Completion> g = EvalSupport.complete(ctx, model, greedy,
          SamplingParams.greedy(c.responses().sampling().maxNewTokens()), "evaluate_tasks_greedy");
      Map<String, Completion> sm = EvalSupport.complete(ctx, model, sampled, Generation.params(c.responses()
          .sampling()), "evaluate_tasks_sampled");
      Map<String, long[]> perFamily = new TreeMap<>();
      long gc = 0;
      long sc = 0;
      for (SeedIft s : held) {
        String answer = g.get(s.seedId()).text();
        boolean ok = BuiltinTasks.isCorrect(s.prompt(), answer);
        gc += ok ? 1 : 0;
        long[] f = perFamily.computeIfAbsent(s.taskType(), x -> new long[2]);
        f[0] += ok ? 1 : 0;
        f[1]++;
        samples.add(new EvalSample(ctx.runId(), it, modelName, "task_greedy", s.seedId(), s.prompt(), answer,
            ok ? 1.0 : 0.0, null, g.get(s.seedId()).status()));
        for (int j = 0; j < k; j++) {
          String key = s.seedId() + "#" + j;
          String a = sm.get(key).text();
          boolean sok = BuiltinTasks.isCorrect(s.prompt(), a);
          sc += sok ? 1 : 0;
          samples.add(new EvalSample(ctx.runId(), it, modelName, "task_sampled", key, s.prompt(), a,
              sok ? 1.0 : 0.0, null, sm.get(key).status()));
        }
      }
      rows.add(row(ctx, it, modelName, "greedy_accuracy", Accuracy.of(gc, held.size())));
      if (k > 0) {
        rows.add(row(ctx, it, modelName, "sampled_accuracy", Accuracy.of(sc, (long) held.size() * k)));
      }
      for (Map.Entry<String, long[]> e : perFamily.entrySet()) {
        rows.add(row(ctx, it, modelName, "greedy_accuracy." + e.getKey(), Accuracy.of(e.getValue()[0],
            e.getValue()[1])));
      }
      r.count("greedy_correct", gc).count("sampled_correct", sc);
    }
    if (it > 0) {
      selfData(ctx, it, Models.name(it), rows, r);
    }
    EvalSupport.write(ctx, it, EVALUATION, List.of("task_greedy", "task_sampled"), rows, samples, r);
    double acc = rows.stream().filter(x -> x.metric().equals("greedy_accuracy")).mapToDouble(
        EvaluationRow::value).findFirst().orElse(Double.NaN);
    return ctx.done(String.format("%s greedy accuracy %.3f on %d held-out prompts", modelName, acc, held.size()));
  }

  /**
   * The iteration's own data, judged by M_t: checkable generated prompts, response accuracy, and the AUC of the
   * judge's mean scores between right and wrong responses to the same prompt (1 = the judge always ranks a right
   * answer above a wrong one; 0.5 = chance), with the mean scores of right and wrong responses overall.
   */
  private static void selfData(StepContext ctx, int it, String dataModel, List<EvaluationRow> rows,
      StepResult.Builder r) {
    List<ResponseRow> responses = ctx.rows(Catalogue.RESPONSES, ctx.partition());
    if (responses.isEmpty()) {
      return;
    }
    Map<String, Double> meanOf = new HashMap<>();
    for (JudgementRow j : ctx.rows(Catalogue.JUDGEMENTS, ctx.partition())) {
      if (j.meanScore() != null) {
        meanOf.put(j.responseId(), j.meanScore());
      }
    }
    long checkable = 0;
    long correct = 0;
    List<Double> right = new ArrayList<>();
    List<Double> wrong = new ArrayList<>();
    // Per prompt: the judge's mean scores of its right and of its wrong responses. The AUC compares them within
    // a prompt only (what pair building does): across prompts, task difficulty and answer style would confound it.
    Map<String, List<Double>> rightOf = new HashMap<>();
    Map<String, List<Double>> wrongOf = new HashMap<>();
    java.util.Set<String> promptsSeen = new java.util.HashSet<>();
    java.util.Set<String> promptsCheckable = new java.util.HashSet<>();
    for (ResponseRow x : responses) {
      promptsSeen.add(x.promptId());
      Optional<Task> task = BuiltinTasks.parse(x.prompt());
      if (task.isEmpty()) {
        continue;
      }
      promptsCheckable.add(x.promptId());
      checkable++;
      boolean ok = BuiltinTasks.isCorrect(x.prompt(), x.response());
      correct += ok ? 1 : 0;
      Double m = meanOf.get(x.responseId());
      if (m != null) {
        (ok ? right : wrong).add(m);
        (ok ? rightOf : wrongOf).computeIfAbsent(x.promptId(), k -> new ArrayList<>()).add(m);
      }
    }
    rows.add(row(ctx, it, dataModel, "generated_prompts_checkable", Accuracy.of(promptsCheckable.size(),
        promptsSeen.size())));
    if (checkable > 0) {
      rows.add(row(ctx, it, dataModel, "generated_responses_accuracy", Accuracy.of(correct, checkable)));
    }
    double wins = 0;
    long pairs = 0;
    for (Map.Entry<String, List<Double>> e : rightOf.entrySet()) {
      for (double a : e.getValue()) {
        for (double b : wrongOf.getOrDefault(e.getKey(), List.of())) {
          wins += a > b ? 1 : a == b ? 0.5 : 0;
          pairs++;
        }
      }
    }
    if (pairs > 0) {
      rows.add(new EvaluationRow(ctx.runId(), it, dataModel, EVALUATION, "judge_truth_auc", wins / pairs, pairs,
          null, null));
    }
    if (!right.isEmpty() && !wrong.isEmpty()) {
      rows.add(new EvaluationRow(ctx.runId(), it, dataModel, EVALUATION, "judge_mean_score_right",
          right.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN), right.size(), null, null));
      rows.add(new EvaluationRow(ctx.runId(), it, dataModel, EVALUATION, "judge_mean_score_wrong",
          wrong.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN), wrong.size(), null, null));
    }
    r.count("self_responses_checkable", checkable).count("self_responses_correct", correct);
  }

  private static EvaluationRow row(StepContext ctx, int it, String model, String metric, Accuracy a) {
    return new EvaluationRow(ctx.runId(), it, model, EVALUATION, metric, a.accuracy(), a.n(), a.ci().low(),
        a.ci().high());
  }
}

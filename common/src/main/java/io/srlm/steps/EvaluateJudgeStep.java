package io.srlm.steps;

import io.srlm.config.SrlmConfig;
import io.srlm.eval.Interval;
import io.srlm.eval.JudgeGroup;
import io.srlm.eval.JudgeItem;
import io.srlm.eval.JudgeMetrics;
import io.srlm.eval.JudgeMetricsResult;
import io.srlm.eval.TruthAuc;
import io.srlm.pipeline.Step;
import io.srlm.pipeline.StepContext;
import io.srlm.pipeline.StepResult;
import io.srlm.seed.BuiltinTasks;
import io.srlm.spark.Completion;
import io.srlm.spark.CompletionRequest;
import io.srlm.prompting.JudgeTemplate;
import io.srlm.prompting.Judging;
import io.srlm.prompting.ScoreParser;
import io.srlm.tables.Catalogue;
import io.srlm.tables.EvalSample;
import io.srlm.tables.EvaluationRow;
import io.srlm.tables.SeedEft;
import io.srlm.util.StableIds;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * How good a judge the stage's model is: it scores the held-out human-ranked responses (seed_eft rows of the
 * held-out split: the built-in set's graded answers, or an OASST import's ranked siblings) with the same judge
 * prompt, sampling and parser as the loop, and the paper's metrics compare its scores with the human ranking:
 * pairwise accuracy, 5-best %, exact match %, Spearman, Kendall tau, plus the parse-failure rate; and the
 * within-prompt AUC of its scores of its own right and wrong answers to held-out prompts ({@link OwnAnswerAuc}); with
 * a self-reference template, also whether it uses its reference ({@link ReferenceAgreement}).
 */
public final class EvaluateJudgeStep implements Step {
  public static final String NAME = "evaluate_judge";

  @Override
  public StepResult run(StepContext ctx) {
    EvalSupport.Model evaluated = EvalSupport.model(ctx, ctx.iteration() + 1);
    String modelName = evaluated.name();
    String model = evaluated.path();
    SrlmConfig c = ctx.settings();
    int it = ctx.iteration();
    StepResult.Builder r = ctx.result();
    JudgeTemplate template = JudgeTemplate.load(c.resolved().confSource(), c.judge().template(), "judge.template");
    Map<String, List<SeedEft>> groups = new TreeMap<>();
    for (SeedEft e : ctx.rows(Catalogue.SEED_EFT, ctx.runRows())) {
      if (e.split().equals("heldout")) {
        groups.computeIfAbsent(e.groupId(), g -> new ArrayList<>()).add(e);
      }
    }
    if (template.kind() != JudgeTemplate.Kind.POINTWISE || groups.isEmpty()) {
      r.count("groups", 0);
      EvalSupport.write(ctx, it, JudgeMetricsResult.EVALUATION, List.of("judge"), List.of(), List.of(), r);
      return ctx.done(template.kind() != JudgeTemplate.Kind.POINTWISE ? "skipped: the judge template is pairwise"
          : "skipped: no held-out EFT groups");
    }
    List<List<SeedEft>> chosen = EvalSupport.first(new ArrayList<>(groups.values()), c.eval().judgeMaxGroups());
    int k = c.judge().samples();
    // A self-reference judge sees its own greedy answer, not the seed row's reference (the known answer).
    Map<String, String> references = SelfReference.answers(ctx, template, model,
        chosen.stream().flatMap(List::stream).map(SeedEft::question).toList(), NAME + "_reference");
    List<CompletionRequest> requests = new ArrayList<>();
    for (List<SeedEft> g : chosen) {
      for (SeedEft e : g) {
        String prompt = template.readsReference()
            ? SelfReference.render(template, references, e.question(), e.response()) : e.prompt();
        for (int j = 0; j < k; j++) {
          requests.add(new CompletionRequest(e.eftId() + "#" + j, prompt,
              StableIds.seed(ctx.seed(), it, "eval-judge", e.eftId(), j)));
        }
      }
    }
    Map<String, Completion> out = EvalSupport.complete(ctx, model, requests, Generation.params(c.judge()
        .sampling()), NAME);
    ScoreParser parser = template.parser();
    List<JudgeGroup> judged = new ArrayList<>();
    List<EvalSample> samples = new ArrayList<>();
    List<TruthAuc.Scored> checking = new ArrayList<>();
    long parsed = 0;
    for (List<SeedEft> g : chosen) {
      List<JudgeItem> items = new ArrayList<>();
      for (SeedEft e : g) {
        Judged judgedItem = judged(out, e.eftId(), k, parser);
        Judging.Mean m = judgedItem.mean();
        int n = m.parsed();
        parsed += n;
        Double mean = m.value();
        items.add(new JudgeItem(e.humanRank(), mean));
        checkingAnswer(e, mean).ifPresent(checking::add);
        samples.add(new EvalSample(ctx.runId(), it, modelName, "judge", e.eftId(), e.question() + "\n=> "
            + e.response(), judgedItem.texts(), mean, e.humanScore(), n > 0 ? "ok" : "unparsed"));
      }
      judged.add(new JudgeGroup(g.get(0).groupId(), items));
    }
    JudgeMetricsResult res = JudgeMetrics.forScale(template.scoreMax()).compute(judged);
    r.count("groups", judged.size()).count("judgements", requests.size()).count("parsed", parsed);
    List<EvaluationRow> rows = new ArrayList<>(res.toRows(ctx.runId(), it, modelName));
    TruthAuc check = TruthAuc.of(checking);
    if (check.pairs() > 0) {
      Interval ci = TruthAuc.bootstrap95(checking, 1000, StableIds.seed(ctx.seed(), it, "checking-auc-bootstrap"));
      rows.add(new EvaluationRow(ctx.runId(), it, modelName, JudgeMetricsResult.EVALUATION,
          JudgeMetricsResult.CHECKING_AUC,
          check.auc(), check.pairs(), ci.low(), ci.high()));
    }
    double agreementAuc = Double.NaN;
    if (template.readsReference()) {
      agreementAuc = referenceAgreement(ctx, template, model, modelName, chosen, rows, samples, r);
    }
    OwnAnswerAuc.Out own = OwnAnswerAuc.run(ctx, c, it, modelName, model, JudgeMetricsResult.EVALUATION, r);
    rows.addAll(own.rows());
    samples.addAll(own.samples());
    EvalSupport.write(ctx, it, JudgeMetricsResult.EVALUATION, List.of("judge", AGREEMENT_KIND, OwnAnswerAuc.KIND),
        rows, samples, r);
    double ownAuc = own.rows().isEmpty() ? Double.NaN : own.rows().get(0).value();
    return ctx.done(String.format("%s as judge on %d held-out groups: pairwise accuracy %.3f, Spearman %.3f, "
        + "parse failures %.1f%%; checking AUC %.3f (%d pairs); %sown-answer AUC %.3f", modelName, judged.size(),
        res.pairwiseAccuracy().value(), res.spearman().value(), 100 * res.parseFailureRate().value(), check.auc(),
        check.pairs(), template.readsReference() ? String.format("reference-agreement AUC %.3f; ", agreementAuc)
            : "", ownAuc));
  }

  /** The k judgements of one item: their mean and their texts, joined by a "---" line. */
  private record Judged(Judging.Mean mean, String texts) {}

  private static Judged judged(Map<String, Completion> out, String id, int k, ScoreParser parser) {
    List<ScoreParser.Parsed> ks = new ArrayList<>();
    StringBuilder texts = new StringBuilder();
    for (int j = 0; j < k; j++) {
      String text = out.get(id + "#" + j).text();
      ks.add(parser.parse(text));
      texts.append(j == 0 ? "" : "\n---\n").append(text);
    }
    return new Judged(Judging.mean(ks), texts.toString());
  }

  /** eval_samples kind of the reference-agreement probe's judgements (the prompt as input). */
  static final String AGREEMENT_KIND = "judge_reference";

  /**
   * The reference-agreement probe ({@link ReferenceAgreement}) of a self-reference judge: k judgements of each of its
   * prompts, the AUC row with a 95% bootstrap interval, one sample per prompt. Returns the AUC (NaN without pairs).
   */
  static double referenceAgreement(StepContext ctx, JudgeTemplate template, String model, String modelName,
      List<List<SeedEft>> groups, List<EvaluationRow> rows, List<EvalSample> samples, StepResult.Builder r) {
    SrlmConfig c = ctx.settings();
    int it = ctx.iteration();
    int k = c.judge().samples();
    List<ReferenceAgreement.Item> items = ReferenceAgreement.items(groups);
    List<CompletionRequest> requests = new ArrayList<>();
    Map<String, String> prompts = new HashMap<>();
    for (ReferenceAgreement.Item item : items) {
      String prompt = template.renderPointwise(item.question(), item.response(), item.reference());
      prompts.put(item.id(), prompt);
      for (int j = 0; j < k; j++) {
        requests.add(new CompletionRequest(item.id() + "#" + j, prompt,
            StableIds.seed(ctx.seed(), it, "eval-judge-agreement", item.id(), j)));
      }
    }
    Map<String, Completion> out = requests.isEmpty() ? Map.of() : EvalSupport.complete(ctx, model, requests,
        Generation.params(c.judge().sampling()), NAME + "_agreement");
    ScoreParser parser = template.parser();
    List<TruthAuc.Scored> scored = new ArrayList<>();
    for (ReferenceAgreement.Item item : items) {
      Judged j = judged(out, item.id(), k, parser);
      Double mean = j.mean().value();
      scored.add(item.scored(mean));
      samples.add(new EvalSample(ctx.runId(), it, modelName, AGREEMENT_KIND, item.id(), prompts.get(item.id()),
          j.texts(), mean, item.agrees() ? 1.0 : 0.0, mean != null ? "ok" : "unparsed"));
    }
    r.count("agreement_items", items.size());
    TruthAuc auc = TruthAuc.of(scored);
    if (auc.pairs() == 0) {
      return Double.NaN;
    }
    Interval ci = TruthAuc.bootstrap95(scored, 1000, StableIds.seed(ctx.seed(), it, "agreement-auc-bootstrap"));
    rows.add(new EvaluationRow(ctx.runId(), it, modelName, JudgeMetricsResult.EVALUATION,
        JudgeMetricsResult.REFERENCE_AGREEMENT_AUC, auc.auc(), auc.pairs(), ci.low(), ci.high()));
    return auc.auc();
  }

  /**
   * A judged held-out answer as the checking AUC compares it (right, or wrong in the right form, with the judge's
   * mean score, null when unparsed, within its group), or empty when it is not compared.
   */
  static Optional<TruthAuc.Scored> checkingAnswer(SeedEft e, Double meanScore) {
    BuiltinTasks.Checking kind = BuiltinTasks.checkingKind(e.question(), e.response());
    return kind == BuiltinTasks.Checking.OTHER ? Optional.empty()
        : Optional.of(new TruthAuc.Scored(e.groupId(), kind == BuiltinTasks.Checking.RIGHT, meanScore));
  }
}

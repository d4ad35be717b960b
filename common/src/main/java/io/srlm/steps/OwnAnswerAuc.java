package io.srlm.steps;

import io.srlm.config.SrlmConfig;
import io.srlm.eval.Interval;
import io.srlm.eval.TruthAuc;
import io.srlm.pipeline.StepContext;
import io.srlm.pipeline.StepResult;
import io.srlm.prompting.JudgeTemplate;
import io.srlm.prompting.Judging;
import io.srlm.prompting.ScoreParser;
import io.srlm.seed.BuiltinTasks;
import io.srlm.spark.Completion;
import io.srlm.spark.CompletionRequest;
import io.srlm.tables.Catalogue;
import io.srlm.tables.EvalSample;
import io.srlm.tables.EvaluationRow;
import io.srlm.tables.SeedIft;
import io.srlm.util.StableIds;
import java.util.ArrayList;
import java.util.DoubleSummaryStatistics;
import java.util.List;
import java.util.Map;

/**
 * Does the judge separate right from wrong on the model's own answers? The model samples eval.judge.truth_answers
 * answers (responses.* sampling) to the first eval.judge.truth_prompts held-out seed prompts the built-in checker
 * knows, judges each judge.samples times with judge.template, and {@link TruthAuc} compares the mean scores of its
 * right and wrong answers within each prompt. Rows (evaluation judge): own_answer_auc (n = pairs, with a 95%
 * bootstrap interval over prompts), own_answer_auc_prompts, own_answer_accuracy, own_answer_mean_score_right and
 * _wrong; samples of kind {@link #KIND}.
 */
final class OwnAnswerAuc {
  static final String KIND = "judge_own";

  private OwnAnswerAuc() {}

  record Out(List<EvaluationRow> rows, List<EvalSample> samples) {}

  static Out run(StepContext ctx, SrlmConfig c, int it, String modelName, String model, String evaluation,
      StepResult.Builder r) {
    EftSettings e = EftSettings.of(c);
    List<EvaluationRow> rows = new ArrayList<>();
    List<EvalSample> samples = new ArrayList<>();
    JudgeTemplate judge = JudgeTemplate.load(c.resolved().confSource(), c.judge().template(), "judge.template");
    if (e.truthPrompts() == 0 || judge.kind() != JudgeTemplate.Kind.POINTWISE) {
      return new Out(rows, samples);
    }
    List<SeedIft> held = new ArrayList<>();
    for (SeedIft s : ctx.rows(Catalogue.SEED_IFT, ctx.runRows())) {
      if (s.split().equals("heldout") && BuiltinTasks.parse(s.prompt()).isPresent()) {
        held.add(s);
      }
    }
    held.sort((a, b) -> a.seedId().compareTo(b.seedId()));
    held = held.subList(0, Math.min(held.size(), e.truthPrompts()));
    List<CompletionRequest> asks = new ArrayList<>();
    for (SeedIft s : held) {
      for (int j = 0; j < e.truthAnswers(); j++) {
        asks.add(new CompletionRequest(s.seedId() + "#" + j, s.prompt(), StableIds.seed(ctx.seed(), it, "own-auc",
            s.seedId(), j)));
      }
    }
    Map<String, Completion> answers = EvalSupport.complete(ctx, model, asks, Generation.params(c.responses()
        .sampling()), "judge_own_answers");
    int k = c.judge().samples();
    Map<String, String> references = SelfReference.answers(ctx, judge, model,
        held.stream().map(SeedIft::prompt).toList(), "judge_own_reference");
    List<CompletionRequest> judgeAsks = new ArrayList<>();
    for (CompletionRequest a : asks) {
      String key = a.key();
      for (int j = 0; j < k; j++) {
        judgeAsks.add(new CompletionRequest(key + "#" + j, SelfReference.render(judge, references, a.user(),
            answers.get(key).text()), StableIds.seed(ctx.seed(), it, "own-auc-judge", key, j)));
      }
    }
    Map<String, Completion> verdicts = EvalSupport.complete(ctx, model, judgeAsks, Generation.params(c.judge()
        .sampling()), "judge_own_scores");
    ScoreParser parser = judge.parser();
    List<TruthAuc.Scored> scored = new ArrayList<>();
    long right = 0;
    // The mean judge score of the right answers and of the wrong ones (answers with a score only).
    DoubleSummaryStatistics rightScores = new DoubleSummaryStatistics();
    DoubleSummaryStatistics wrongScores = new DoubleSummaryStatistics();
    for (CompletionRequest a : asks) {
      String key = a.key();
      String text = answers.get(key).text();
      boolean ok = BuiltinTasks.isCorrect(a.user(), text);
      right += ok ? 1 : 0;
      List<ScoreParser.Parsed> ks = new ArrayList<>();
      for (int j = 0; j < k; j++) {
        ks.add(parser.parse(verdicts.get(key + "#" + j).text()));
      }
      Double mean = Judging.mean(ks).value();
      if (mean != null) {
        (ok ? rightScores : wrongScores).accept(mean);
      }
      String promptId = key.substring(0, key.lastIndexOf('#'));
      scored.add(new TruthAuc.Scored(promptId, ok, mean));
      samples.add(new EvalSample(ctx.runId(), it, modelName, KIND, key, a.user(), text, mean,
          ok ? 1.0 : 0.0, mean == null ? "unparsed" : "ok"));
    }
    TruthAuc auc = TruthAuc.of(scored);
    Interval ci = TruthAuc.bootstrap95(scored, 1000, StableIds.seed(ctx.seed(), it, "own-auc-bootstrap"));
    rows.add(new EvaluationRow(ctx.runId(), it, modelName, evaluation, "own_answer_auc", auc.auc(), auc.pairs(),
        ci == null ? null : ci.low(), ci == null ? null : ci.high()));
    rows.add(new EvaluationRow(ctx.runId(), it, modelName, evaluation, "own_answer_auc_prompts", auc.prompts(),
        held.size(), null, null));
    rows.add(new EvaluationRow(ctx.runId(), it, modelName, evaluation, "own_answer_accuracy",
        asks.isEmpty() ? Double.NaN : (double) right / asks.size(), asks.size(), null, null));
    rows.add(new EvaluationRow(ctx.runId(), it, modelName, evaluation, "own_answer_mean_score_right",
        meanOrNaN(rightScores), rightScores.getCount(), null, null));
    rows.add(new EvaluationRow(ctx.runId(), it, modelName, evaluation, "own_answer_mean_score_wrong",
        meanOrNaN(wrongScores), wrongScores.getCount(), null, null));
    r.count("own_answer_pairs", auc.pairs());
    return new Out(rows, samples);
  }

  private static double meanOrNaN(DoubleSummaryStatistics s) {
    return s.getCount() == 0 ? Double.NaN : s.getAverage();
  }
}

package io.srlm.steps;

import io.srlm.config.SrlmConfig;
import io.srlm.eval.HeadToHead;
import io.srlm.pipeline.Step;
import io.srlm.pipeline.StepContext;
import io.srlm.pipeline.StepResult;
import io.srlm.prompting.JudgeTemplate;
import io.srlm.prompting.Judging;
import io.srlm.prompting.ScoreParser;
import io.srlm.seed.BuiltinTasks;
import io.srlm.spark.Completion;
import io.srlm.spark.CompletionRequest;
import io.srlm.tables.EvalSample;
import io.srlm.tables.EvaluationRow;
import io.srlm.tables.SeedIft;
import io.srlm.util.StableIds;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * M_t+1 against M_t on the held-out prompts. Each model samples its answers with its own seeds. A judge model
 * (eval.head_to_head.judge_model; else M1, a fixed judge, with eval.head_to_head.fixed_judge, or the newest
 * model) compares them: with a pairwise template each pair is judged in both orders and only a consistent verdict
 * counts (disagreements and ties are ties), cancelling position bias; with a pointwise template each model's
 * eval.head_to_head.answers answers are scored judge.samples times each and the means of all scores compared. The
 * tie rate is reported beside the win rate and its 95% interval. Where the
 * built-in checker knows the task, the ground-truth head-to-head is reported too.
 */
public final class HeadToHeadStep implements Step {
  public static final String NAME = "head_to_head";
  static final String EVALUATION = "head_to_head";

  @Override
  public StepResult run(StepContext ctx) {
    if (ctx.iteration() == 0 && ctx.settings().model().isBuiltinTiny()) {
      EvalSupport.write(ctx, 0, EVALUATION, List.of(NAME), List.of(), List.of(), ctx.result());
      return ctx.done("skipped: M0 is the untrained built-in model");
    }
    SrlmConfig c = ctx.settings();
    int it = ctx.iteration();
    StepResult.Builder r = ctx.result();
    EvalSupport.Model newer = EvalSupport.model(ctx, it + 1);
    EvalSupport.Model older = EvalSupport.model(ctx, it);
    String newName = newer.name();
    String oldName = older.name();
    String label = newName + " vs " + oldName;
    EftSettings e = EftSettings.of(c);
    String judgeName = c.eval().h2hJudgeModel().isEmpty() ? (e.h2hFixedJudge() ? Models.name(1) : newName)
        : c.eval().h2hJudgeModel();
    String judge = c.eval().h2hJudgeModel().isEmpty() ? Models.require(ctx, judgeName).path() : judgeName;
    label += ", judge " + (c.eval().h2hJudgeModel().isEmpty() ? judgeName : "external");
    JudgeTemplate template = JudgeTemplate.load(c.resolved().confSource(), c.eval().h2hTemplate(),
        "eval.head_to_head.template");
    List<SeedIft> held = EvalSupport.first(SeedPools.heldOut(ctx), c.eval().h2hMaxPrompts());
    boolean pairwise = template.kind() == JudgeTemplate.Kind.PAIRWISE;
    // Pointwise: m answers per model, each model with its own seeds, and the mean of all their scores decides.
    int m = pairwise ? 1 : e.h2hAnswers();
    var params = Generation.params(c.responses().sampling());
    Map<String, Completion> newAns = EvalSupport.complete(ctx, newer.path(), answerAsks(ctx, it, held, newName, m),
        params, NAME + "_new");
    Map<String, Completion> oldAns = EvalSupport.complete(ctx, older.path(), answerAsks(ctx, it, held, oldName, m),
        params, NAME + "_old");
    int k = pairwise ? 1 : c.judge().samples() * m;
    Map<String, String> references = SelfReference.answers(ctx, template, judge,
        held.stream().map(SeedIft::prompt).toList(), NAME + "_reference");
    List<CompletionRequest> judgeAsks = new ArrayList<>();
    for (SeedIft s : held) {
      String a = newAns.get(answerKey(s.seedId(), 0)).text();
      String b = oldAns.get(answerKey(s.seedId(), 0)).text();
      for (int j = 0; j < k; j++) {
        if (!pairwise) {
          a = newAns.get(answerKey(s.seedId(), j / c.judge().samples())).text();
          b = oldAns.get(answerKey(s.seedId(), j / c.judge().samples())).text();
        }
        long seed = StableIds.seed(ctx.seed(), it, "h2h-judge", s.seedId(), j);
        if (pairwise) {
          judgeAsks.add(new CompletionRequest(s.seedId() + "#ab", template.renderPairwise(s.prompt(), a, b), seed));
          judgeAsks.add(new CompletionRequest(s.seedId() + "#ba", template.renderPairwise(s.prompt(), b, a), seed));
        } else {
          judgeAsks.add(new CompletionRequest(s.seedId() + "#new" + j,
              SelfReference.render(template, references, s.prompt(), a), seed));
          judgeAsks.add(new CompletionRequest(s.seedId() + "#old" + j,
              SelfReference.render(template, references, s.prompt(), b), seed));
        }
      }
    }
    Map<String, Completion> verdicts = EvalSupport.complete(ctx, judge, judgeAsks, Generation.params(c.judge()
        .sampling()), NAME + "_judge");
    ScoreParser parser = template.parser();
    List<Double> outcomes = new ArrayList<>();
    List<Double> truth = new ArrayList<>();
    List<EvalSample> samples = new ArrayList<>();
    long unparsed = 0;
    for (SeedIft s : held) {
      double outcome;
      if (pairwise) {
        ScoreParser.Parsed ab = parser.parse(verdicts.get(s.seedId() + "#ab").text());
        ScoreParser.Parsed ba = parser.parse(verdicts.get(s.seedId() + "#ba").text());
        unparsed += (ab.ok() ? 0 : 1) + (ba.ok() ? 0 : 1);
        outcome = Judging.bothOrders(ab.choice(), ba.choice()).firstScore();
      } else {
        List<ScoreParser.Parsed> pn = new ArrayList<>();
        List<ScoreParser.Parsed> po = new ArrayList<>();
        for (int j = 0; j < k; j++) {
          pn.add(parser.parse(verdicts.get(s.seedId() + "#new" + j).text()));
          po.add(parser.parse(verdicts.get(s.seedId() + "#old" + j).text()));
        }
        Judging.Mean mn = Judging.mean(pn);
        Judging.Mean mo = Judging.mean(po);
        unparsed += 2L * k - mn.parsed() - mo.parsed();
        outcome = !mn.scored() || !mo.scored() ? 0.5 : Math.signum(mn.value() - mo.value()) * 0.5 + 0.5;
      }
      outcomes.add(outcome);
      StringBuilder a = new StringBuilder();
      StringBuilder b = new StringBuilder();
      int na = 0;
      int ob = 0;
      for (int j = 0; j < m; j++) {
        String x = newAns.get(answerKey(s.seedId(), j)).text();
        String y = oldAns.get(answerKey(s.seedId(), j)).text();
        a.append(j == 0 ? "" : " | ").append(x);
        b.append(j == 0 ? "" : " | ").append(y);
        na += BuiltinTasks.isCorrect(s.prompt(), x) ? 1 : 0;
        ob += BuiltinTasks.isCorrect(s.prompt(), y) ? 1 : 0;
      }
      Double truthOutcome = null;
      if (BuiltinTasks.parse(s.prompt()).isPresent()) {
        truthOutcome = na == ob ? 0.5 : na > ob ? 1.0 : 0.0;
        truth.add(truthOutcome);
      }
      samples.add(new EvalSample(ctx.runId(), it, label, NAME, s.seedId(), s.prompt(), newName + ": " + a + "\n"
          + oldName + ": " + b, outcome, truthOutcome, "ok"));
    }
    List<EvaluationRow> rows = new ArrayList<>();
    HeadToHead h = HeadToHead.ofOutcomes(outcomes);
    rows.add(new EvaluationRow(ctx.runId(), it, label, EVALUATION, "win_rate", h.winRate(), h.n(), h.ci().low(),
        h.ci().high()));
    rows.add(new EvaluationRow(ctx.runId(), it, label, EVALUATION, "wins", h.wins(), h.n(), null, null));
    rows.add(new EvaluationRow(ctx.runId(), it, label, EVALUATION, "ties", h.ties(), h.n(), null, null));
    rows.add(new EvaluationRow(ctx.runId(), it, label, EVALUATION, "losses", h.losses(), h.n(), null, null));
    rows.add(new EvaluationRow(ctx.runId(), it, label, EVALUATION, "judge_unparsed", unparsed, h.n(), null, null));
    rows.add(new EvaluationRow(ctx.runId(), it, label, EVALUATION, "tie_rate", h.tieRate(), h.n(), null, null));
    rows.addAll(truthRows(ctx.runId(), it, label, truth));
    EvalSupport.write(ctx, it, EVALUATION, List.of(NAME), rows, samples, r);
    r.count("prompts", held.size()).count("wins", h.wins()).count("ties", h.ties()).count("losses", h.losses());
    return ctx.done(String.format("%s (%s): %d wins, %d ties, %d losses (win rate %.3f, 95%% CI %.3f-%.3f)",
        label, judgeName, h.wins(), h.ties(), h.losses(), h.winRate(), h.ci().low(), h.ci().high()));
  }

  /**
   * The head-to-head the grader would give (outcome per checkable prompt: 1 when the newer model has more right
   * answers among its m, 0 when fewer, 1/2 when as many): its win rate with a 95% Wilson interval, and its tie rate,
   * the share of prompts on which no correctness judge could pick a winner (the floor under the judge's tie rate).
   * None without a checkable prompt.
   */
  static List<EvaluationRow> truthRows(String runId, int it, String label, List<Double> truth) {
    if (truth.isEmpty()) {
      return List.of();
    }
    HeadToHead g = HeadToHead.ofOutcomes(truth);
    return List.of(
        new EvaluationRow(runId, it, label, EVALUATION, "truth_win_rate", g.winRate(), g.n(), g.ci().low(),
            g.ci().high()),
        new EvaluationRow(runId, it, label, EVALUATION, "truth_tie_rate", g.tieRate(), g.n(), null, null));
  }

  /** m sampled answers per prompt for one model, seeded by the model's name (the two models sample apart). */
  private static List<CompletionRequest> answerAsks(StepContext ctx, int it, List<SeedIft> held, String model,
      int m) {
    List<CompletionRequest> asks = new ArrayList<>();
    for (SeedIft s : held) {
      for (int j = 0; j < m; j++) {
        asks.add(new CompletionRequest(answerKey(s.seedId(), j), s.prompt(),
            StableIds.seed(ctx.seed(), it, "h2h", model, s.seedId(), j)));
      }
    }
    return asks;
  }

  private static String answerKey(String seedId, int j) {
    return seedId + "#a" + j;
  }
}

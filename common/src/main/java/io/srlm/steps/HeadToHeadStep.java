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
import io.srlm.tables.Catalogue;
import io.srlm.tables.EvalSample;
import io.srlm.tables.EvaluationRow;
import io.srlm.tables.SeedIft;
import io.srlm.tables.TableStore;
import io.srlm.util.StableIds;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * M_t+1 against M_t on the held-out prompts. Both answer every prompt with the same seed. A judge model
 * (eval.head_to_head.judge_model, or the newest model) compares them: with a pairwise template each pair is
 * judged in both orders and only a consistent verdict counts (disagreements and ties are ties), cancelling
 * position bias; with a pointwise template each answer is scored on its own and the means compared. Where the
 * built-in checker knows the task, the ground-truth head-to-head is reported too.
 */
public final class HeadToHeadStep implements Step {
  public static final String NAME = "head_to_head";
  static final String EVALUATION = "head_to_head";

  @Override
  public StepResult run(StepContext ctx) {
    SrlmConfig c = ctx.settings();
    int it = ctx.iteration();
    StepResult.Builder r = ctx.result();
    String newName = Models.name(it + 1);
    String oldName = Models.name(it);
    String label = newName + " vs " + oldName;
    if (it == 0 && c.model().isBuiltinTiny()) {
      EvalSupport.write(ctx, it, EVALUATION, List.of(NAME), List.of(), List.of(), r);
      return ctx.done("skipped: M0 is the untrained built-in model");
    }
    String newModel = Models.require(ctx, newName).path();
    String oldModel = Models.require(ctx, oldName).path();
    String judge = c.eval().h2hJudgeModel().isEmpty() ? newModel : c.eval().h2hJudgeModel();
    JudgeTemplate template = JudgeTemplate.load(c.resolved().confSource(), c.eval().h2hTemplate(),
        "eval.head_to_head.template");
    List<SeedIft> held = new ArrayList<>();
    for (SeedIft s : ctx.rows(Catalogue.SEED_IFT, ctx.runRows())) {
      if (s.split().equals("heldout") && !s.taskType().equals("task_creation")) {
        held.add(s);
      }
    }
    held.sort((a, b) -> a.seedId().compareTo(b.seedId()));
    if (held.size() > c.eval().h2hMaxPrompts()) {
      held = held.subList(0, c.eval().h2hMaxPrompts());
    }
    List<Row> asks = new ArrayList<>();
    for (SeedIft s : held) {
      asks.add(RowFactory.create(s.seedId(), s.prompt(), StableIds.seed(ctx.seed(), it, "h2h", s.seedId())));
    }
    var params = Generation.params(c.responses().sampling());
    Map<String, Row> newAns = EvalSupport.complete(ctx, c, newModel, asks, params, NAME + "_new", r);
    Map<String, Row> oldAns = EvalSupport.complete(ctx, c, oldModel, asks, params, NAME + "_old", r);
    boolean pairwise = template.kind() == JudgeTemplate.Kind.PAIRWISE;
    int k = pairwise ? 1 : c.judge().samples();
    List<Row> judgeAsks = new ArrayList<>();
    for (SeedIft s : held) {
      String a = newAns.get(s.seedId()).getString(1);
      String b = oldAns.get(s.seedId()).getString(1);
      for (int j = 0; j < k; j++) {
        long seed = StableIds.seed(ctx.seed(), it, "h2h-judge", s.seedId(), j);
        if (pairwise) {
          judgeAsks.add(RowFactory.create(s.seedId() + "#ab", template.renderPairwise(s.prompt(), a, b), seed));
          judgeAsks.add(RowFactory.create(s.seedId() + "#ba", template.renderPairwise(s.prompt(), b, a), seed));
        } else {
          judgeAsks.add(RowFactory.create(s.seedId() + "#new" + j, template.renderPointwise(s.prompt(), a), seed));
          judgeAsks.add(RowFactory.create(s.seedId() + "#old" + j, template.renderPointwise(s.prompt(), b), seed));
        }
      }
    }
    Map<String, Row> verdicts = EvalSupport.complete(ctx, c, judge, judgeAsks, Generation.params(c.judge()
        .sampling()), NAME + "_judge", r);
    ScoreParser parser = template.parser();
    List<Double> outcomes = new ArrayList<>();
    List<Double> truth = new ArrayList<>();
    List<EvalSample> samples = new ArrayList<>();
    long unparsed = 0;
    for (SeedIft s : held) {
      double outcome;
      if (pairwise) {
        ScoreParser.Parsed ab = parser.parse(verdicts.get(s.seedId() + "#ab").getString(1));
        ScoreParser.Parsed ba = parser.parse(verdicts.get(s.seedId() + "#ba").getString(1));
        unparsed += (ab.ok() ? 0 : 1) + (ba.ok() ? 0 : 1);
        outcome = Judging.bothOrders(ab.choice(), ba.choice()).firstScore();
      } else {
        double[] m = new double[4]; // new sum, new n, old sum, old n
        for (int j = 0; j < k; j++) {
          ScoreParser.Parsed pn = parser.parse(verdicts.get(s.seedId() + "#new" + j).getString(1));
          ScoreParser.Parsed po = parser.parse(verdicts.get(s.seedId() + "#old" + j).getString(1));
          unparsed += (pn.ok() ? 0 : 1) + (po.ok() ? 0 : 1);
          if (pn.ok()) {
            m[0] += pn.score();
            m[1]++;
          }
          if (po.ok()) {
            m[2] += po.score();
            m[3]++;
          }
        }
        outcome = m[1] == 0 || m[3] == 0 ? 0.5 : Math.signum(m[0] / m[1] - m[2] / m[3]) * 0.5 + 0.5;
      }
      outcomes.add(outcome);
      String a = newAns.get(s.seedId()).getString(1);
      String b = oldAns.get(s.seedId()).getString(1);
      Double truthOutcome = null;
      if (BuiltinTasks.parse(s.prompt()).isPresent()) {
        boolean na = BuiltinTasks.isCorrect(s.prompt(), a);
        boolean ob = BuiltinTasks.isCorrect(s.prompt(), b);
        truthOutcome = na == ob ? 0.5 : na ? 1.0 : 0.0;
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
    if (!truth.isEmpty()) {
      HeadToHead g = HeadToHead.ofOutcomes(truth);
      rows.add(new EvaluationRow(ctx.runId(), it, label, EVALUATION, "truth_win_rate", g.winRate(), g.n(),
          g.ci().low(), g.ci().high()));
    }
    EvalSupport.write(ctx, it, EVALUATION, List.of(NAME), rows, samples, r);
    r.count("prompts", held.size()).count("wins", h.wins()).count("ties", h.ties()).count("losses", h.losses());
    return ctx.done(String.format("%s: %d wins, %d ties, %d losses (win rate %.3f, 95%% CI %.3f-%.3f)", label,
        h.wins(), h.ties(), h.losses(), h.winRate(), h.ci().low(), h.ci().high()));
  }
}

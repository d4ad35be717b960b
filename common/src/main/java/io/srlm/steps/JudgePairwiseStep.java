package io.srlm.steps;

import io.srlm.pipeline.Step;
import io.srlm.pipeline.StepContext;
import io.srlm.pipeline.StepResult;
import io.srlm.prompting.JudgeTemplate;
import io.srlm.prompting.ScoreParser;
import io.srlm.spark.Completion;
import io.srlm.spark.CompletionRequest;
import io.srlm.tables.Catalogue;
import io.srlm.tables.JudgementRow;
import io.srlm.tables.PairwiseJudgementRow;
import io.srlm.tables.ResponseRow;
import io.srlm.util.StableIds;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The pairwise judge (judge.mode = pairwise; DataDreamer's JudgeGenerationPairsWithPrompt), used instead of
 * pointwise judging: on the executors, the judge (the policy, or judge.model) compares every pair of a prompt's
 * responses with a pairwise template ({prompt}, {response_a}, {response_b}; "Winner: A|B|tie"), once in each order.
 * The raw calls go to pairwise_judgements; each response gets one judgements row whose score and mean_score are its
 * consistent wins ({@link PairwiseTally}), so {@link BuildPairsStep} pairs most wins against fewest, dropping ties.
 */
public final class JudgePairwiseStep implements Step {
  public static final String NAME = "judge_pairwise";

  private record Call(String key, String comparisonId, ResponseRow first, ResponseRow second, String order,
      long seed) {
    ResponseRow a() {
      return order.equals("ab") ? first : second;
    }

    ResponseRow b() {
      return order.equals("ab") ? second : first;
    }
  }

  @Override
  public StepResult run(StepContext ctx) {
    IterationInputs.JudgeInputs in = IterationInputs.judging(ctx, JudgeTemplate.Kind.PAIRWISE, "must be a "
        + "pairwise template (with {response_a} and {response_b}, e.g. pairwise-ab) when judge.mode = pairwise");
    Map<String, List<ResponseRow>> byPrompt = new TreeMap<>();
    for (ResponseRow x : in.responses()) {
      byPrompt.computeIfAbsent(x.promptId(), k -> new ArrayList<>()).add(x);
    }
    int it = ctx.iteration();
    JudgeTemplate template = in.template();
    List<Call> calls = new ArrayList<>();
    List<CompletionRequest> requests = new ArrayList<>();
    PairwiseTally tally = new PairwiseTally();
    for (List<ResponseRow> group : byPrompt.values()) {
      group.sort(Comparator.comparingInt(ResponseRow::sampleIndex));
      for (int i = 0; i < group.size(); i++) {
        tally.of(group.get(i).responseId());
        for (int j = i + 1; j < group.size(); j++) {
          ResponseRow x = group.get(i);
          ResponseRow y = group.get(j);
          String cmp = StableIds.id("cmp", x.responseId(), y.responseId());
          for (String order : List.of("ab", "ba")) {
            Call call = new Call(StableIds.id("pairwise", cmp, order, in.judgeKey()), cmp, x, y, order,
                StableIds.seed(ctx.seed(), it, cmp, order));
            calls.add(call);
            requests.add(new CompletionRequest(call.key(), template.renderPairwise(x.prompt(),
                call.a().response(), call.b().response()), call.seed()));
          }
        }
      }
    }
    Map<String, Completion> out = Generation.run(ctx, in.judge(), requests, in.sampling(), NAME, ctx.faults());
    ScoreParser parser = template.parser();
    Map<String, ScoreParser.Parsed> parsed = new HashMap<>();
    Map<String, Map<String, ScoreParser.Choice>> byComparison = new HashMap<>();
    for (Call call : calls) {
      ScoreParser.Parsed p = IterationInputs.parse(parser, out.get(call.key()));
      parsed.put(call.key(), p);
      byComparison.computeIfAbsent(call.comparisonId(), k -> new HashMap<>()).put(call.order(), p.choice());
    }
    StepResult.Builder r = ctx.result();
    Map<String, PairwiseTally.Outcome> outcomes = new HashMap<>();
    for (Call call : calls) {
      if (call.order().equals("ab")) {
        Map<String, ScoreParser.Choice> v = byComparison.get(call.comparisonId());
        PairwiseTally.Outcome o = PairwiseTally.outcome(v.get("ab"), v.get("ba"));
        outcomes.put(call.comparisonId(), o);
        tally.add(call.first().responseId(), call.second().responseId(), o);
        r.add("comparisons_" + o.column(), 1);
      }
    }
    List<PairwiseJudgementRow> raw = new ArrayList<>();
    for (Call call : calls) {
      Completion o = out.get(call.key());
      ScoreParser.Parsed p = parsed.get(call.key());
      PairwiseTally.Outcome oc = outcomes.get(call.comparisonId());
      String winner = oc == PairwiseTally.Outcome.FIRST ? call.first().responseId()
          : oc == PairwiseTally.Outcome.SECOND ? call.second().responseId() : null;
      String status = IterationInputs.status(o, p);
      raw.add(new PairwiseJudgementRow(ctx.runId(), it, call.key(), call.comparisonId(), call.first().promptId(),
          call.a().responseId(), call.b().responseId(), call.order(), call.seed(), o.text(),
          p.ok() ? verdict(p.choice()) : null, status, oc.column(), winner, in.judge(), template.name(),
          o.completionTokens(), o.finishReasonOrNone()));
      r.add("status_" + status, 1);
    }
    raw.sort(Comparator.comparing(PairwiseJudgementRow::judgementId));
    List<JudgementRow> rows = new ArrayList<>();
    for (ResponseRow x : in.responses()) {
      PairwiseTally.Counts n = tally.of(x.responseId());
      Double score = n.score();
      rows.add(new JudgementRow(ctx.runId(), it, StableIds.id("pairwise-score", x.responseId(), in.judgeKey()),
          x.responseId(), x.promptId(), 0, 0L, n.summary(), score, score == null ? "no_verdict" : "ok", score,
          n.verdicts(), in.judge(), template.name(), 0, "none"));
    }
    rows.sort(Comparator.comparing(JudgementRow::judgementId));
    long scored = rows.stream().filter(x -> x.score() != null).count();
    r.count("judge_calls", raw.size()).count("responses", in.responses().size()).count("responses_scored", scored);
    ctx.replacePartition(Catalogue.PAIRWISE_JUDGEMENTS, raw);
    ctx.replacePartition(Catalogue.JUDGEMENTS, rows);
    long parsedOk = raw.stream().filter(x -> x.verdict() != null).count();
    return ctx.done(String.format("%d pairwise judge calls for %d responses (parse rate %.1f%%, %d consistent wins)",
        raw.size(), in.responses().size(), 100.0 * parsedOk / Math.max(1, raw.size()), r.count("comparisons_win")));
  }

  private static String verdict(ScoreParser.Choice c) {
    return switch (c) {
      case A -> "A";
      case B -> "B";
      case TIE -> "tie";
    };
  }
}

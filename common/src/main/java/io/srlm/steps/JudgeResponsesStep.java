package io.srlm.steps;

import io.srlm.pipeline.Step;
import io.srlm.pipeline.StepContext;
import io.srlm.pipeline.StepResult;
import io.srlm.prompting.JudgeTemplate;
import io.srlm.prompting.Judging;
import io.srlm.prompting.ScoreParser;
import io.srlm.spark.Completion;
import io.srlm.spark.CompletionRequest;
import io.srlm.tables.Catalogue;
import io.srlm.tables.JudgementRow;
import io.srlm.tables.ResponseRow;
import io.srlm.util.StableIds;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * LLM-as-a-judge on the executors: every response is judged judge.samples times (default 3, sampled) with the
 * configured template (the paper's additive 5-point prompt by default), by the policy itself or by judge.model.
 * Scores come from the template's regex and range; an output that does not parse keeps its text and a
 * parse_status and never becomes a score. Each response's mean over its valid scores is stored on its rows. With a
 * self-reference template the judge first answers each prompt greedily ({@link SelfReference}).
 */
public final class JudgeResponsesStep implements Step {
  public static final String NAME = "judge_responses";

  @Override
  public StepResult run(StepContext ctx) {
    IterationInputs.JudgeInputs in = IterationInputs.judging(ctx, JudgeTemplate.Kind.POINTWISE, "must be a "
        + "pointwise template for pointwise judging; use judge.mode = pairwise for a pairwise one");
    int k = ctx.settings().judge().samples();
    int it = ctx.iteration();
    List<ResponseRow> responses = in.responses();
    JudgeTemplate template = in.template();
    List<CompletionRequest> requests = new ArrayList<>();
    Map<String, ResponseRow> responseOf = new HashMap<>();
    Map<String, Integer> indexOf = new HashMap<>();
    Map<String, Long> seedOf = new HashMap<>();
    Map<String, String> references = SelfReference.answers(ctx, template, in.judge(),
        responses.stream().map(ResponseRow::prompt).toList(), NAME + "_reference");
    for (ResponseRow x : responses) {
      String user = SelfReference.render(template, references, x.prompt(), x.response());
      for (int j = 0; j < k; j++) {
        String id = StableIds.id("judge", x.responseId(), j, in.judgeKey());
        long seed = StableIds.seed(ctx.seed(), it, x.responseId(), "judge", j);
        requests.add(new CompletionRequest(id, user, seed));
        responseOf.put(id, x);
        indexOf.put(id, j);
        seedOf.put(id, seed);
      }
    }
    ScoreParser parser = template.parser();
    List<Completion> out = List.copyOf(Generation.run(ctx, in.judge(), requests, in.sampling(), NAME,
        ctx.faults()).values());
    Map<String, List<ScoreParser.Parsed>> samplesOf = new HashMap<>(); // response id -> its k parsed samples
    Map<String, ScoreParser.Parsed> parsed = new HashMap<>();
    for (Completion o : out) {
      String id = o.key();
      ScoreParser.Parsed p = IterationInputs.parse(parser, o);
      parsed.put(id, p);
      samplesOf.computeIfAbsent(responseOf.get(id).responseId(), x -> new ArrayList<>()).add(p);
    }
    Map<String, Judging.Mean> means = new HashMap<>();
    samplesOf.forEach((response, samples) -> means.put(response, Judging.mean(samples)));
    StepResult.Builder r = ctx.result();
    List<JudgementRow> rows = new ArrayList<>();
    for (Completion o : out) {
      String id = o.key();
      ResponseRow x = responseOf.get(id);
      ScoreParser.Parsed p = parsed.get(id);
      Judging.Mean mean = means.get(x.responseId());
      String status = IterationInputs.status(o, p);
      rows.add(new JudgementRow(ctx.runId(), it, id, x.responseId(), x.promptId(), indexOf.get(id), seedOf.get(id),
          o.text(), p.score(), status, mean.value(), mean.parsed(), in.judge(), template.name(),
          o.completionTokens(), o.finishReasonOrNone()));
      r.add("status_" + status, 1);
    }
    rows.sort((a, b) -> a.judgementId().compareTo(b.judgementId()));
    long ok = rows.stream().filter(x -> x.score() != null).count();
    long scored = means.values().stream().filter(Judging.Mean::scored).count();
    r.count("judgements", rows.size()).count("parsed", ok).count("responses", responses.size())
        .count("responses_scored", scored);
    ctx.replacePartition(Catalogue.JUDGEMENTS, rows);
    return ctx.done(String.format("%d judgements of %d responses, parse rate %.1f%%", rows.size(), responses.size(),
        100.0 * ok / Math.max(1, rows.size())));
  }
}

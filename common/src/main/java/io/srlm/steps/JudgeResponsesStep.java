package io.srlm.steps;

import io.srlm.config.SrlmConfig;
import io.srlm.pipeline.Step;
import io.srlm.pipeline.StepContext;
import io.srlm.pipeline.StepResult;
import io.srlm.prompting.JudgeTemplate;
import io.srlm.prompting.Judging;
import io.srlm.prompting.ScoreParser;
import io.srlm.spark.Faults;
import io.srlm.tables.Catalogue;
import io.srlm.tables.JudgementRow;
import io.srlm.tables.ResponseRow;
import io.srlm.tables.TableStore;
import io.srlm.util.StableIds;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * LLM-as-a-judge on the executors: every response is judged judge.samples times (default 3, sampled) with the
 * configured template (the paper's additive 5-point prompt by default), by the policy itself or by judge.model.
 * Scores come from the template's regex and range; an output that does not parse keeps its text and a
 * parse_status and never becomes a score. Each response's mean over its valid scores is stored on its rows.
 */
public final class JudgeResponsesStep implements Step {
  public static final String NAME = "judge_responses";

  @Override
  public StepResult run(StepContext ctx) {
    SrlmConfig c = ctx.settings();
    int it = ctx.iteration();
    StepResult.Builder r = ctx.result();
    List<ResponseRow> responses = ctx.rows(Catalogue.RESPONSES, ctx.partition(), "run sample-responses first");
    JudgeTemplate template = IterationInputs.judgeTemplate(c, JudgeTemplate.Kind.POINTWISE, "must be a pointwise "
        + "template for pointwise judging; use judge.mode = pairwise for a pairwise one");
    String judge = IterationInputs.judgeModel(ctx);
    int k = c.judge().samples();
    List<Row> requests = new ArrayList<>();
    Map<String, ResponseRow> responseOf = new HashMap<>();
    Map<String, Integer> indexOf = new HashMap<>();
    Map<String, Long> seedOf = new HashMap<>();
    for (ResponseRow x : responses) {
      String user = template.renderPointwise(x.prompt(), x.response());
      for (int j = 0; j < k; j++) {
        String id = StableIds.id("judge", x.responseId(), j, Models.judgeKey(c.judge().model(), it));
        long seed = StableIds.seed(ctx.seed(), it, x.responseId(), "judge", j);
        requests.add(RowFactory.create(id, user, seed));
        responseOf.put(id, x);
        indexOf.put(id, j);
        seedOf.put(id, seed);
      }
    }
    ScoreParser parser = template.parser();
    List<Row> out = List.copyOf(Generation.run(ctx, judge, requests, Generation.params(c.judge().sampling()),
        NAME, ctx.faults()).values());
    Map<String, List<ScoreParser.Parsed>> samplesOf = new HashMap<>(); // response id -> its k parsed samples
    Map<String, ScoreParser.Parsed> parsed = new HashMap<>();
    for (Row o : out) {
      String id = o.getString(0);
      ScoreParser.Parsed p = Generation.ok(o) ? parser.parse(o.getString(1))
          : new ScoreParser.Parsed(ScoreParser.Status.EMPTY, null, null);
      parsed.put(id, p);
      samplesOf.computeIfAbsent(responseOf.get(id).responseId(), x -> new ArrayList<>()).add(p);
    }
    Map<String, Judging.Mean> means = new HashMap<>();
    samplesOf.forEach((response, samples) -> means.put(response, Judging.mean(samples)));
    List<JudgementRow> rows = new ArrayList<>();
    for (Row o : out) {
      String id = o.getString(0);
      ResponseRow x = responseOf.get(id);
      ScoreParser.Parsed p = parsed.get(id);
      Judging.Mean mean = means.get(x.responseId());
      String status = Generation.ok(o) ? p.status().column() : "prompt_too_long";
      rows.add(new JudgementRow(ctx.runId(), it, id, x.responseId(), x.promptId(), indexOf.get(id), seedOf.get(id),
          o.getString(1), p.score(), status, mean.value(), mean.parsed(), judge, template.name(), o.getInt(3),
          o.getString(4).isEmpty() ? "none" : o.getString(4)));
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

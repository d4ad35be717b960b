package io.srlm.steps;

import io.srlm.config.SrlmConfig;
import io.srlm.errors.Errors;
import io.srlm.pipeline.Step;
import io.srlm.pipeline.StepContext;
import io.srlm.pipeline.StepResult;
import io.srlm.prompting.JudgeTemplate;
import io.srlm.seed.BuiltinTasks;
import io.srlm.seed.Grade;
import io.srlm.seed.ModelEft;
import io.srlm.seed.Task;
import io.srlm.spark.Completion;
import io.srlm.spark.CompletionRequest;
import io.srlm.tables.Catalogue;
import io.srlm.tables.SeedEft;
import io.srlm.tables.SeedIft;
import io.srlm.util.StableIds;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.functions;

/**
 * Model-written EFT rows ({@link ModelEft}), for any seed source. Ranked groups come from (1) M1's own sampled
 * answers to train-split seed prompts the built-in grader can check, graded (the mistakes the model really makes),
 * and (2) ranked train-split seed_eft groups (the built-in set's graded answers, OASST's human ranks). M1 judges
 * every answer judge.samples times with judge.template; agreeing groups become seed_eft rows of source model_eft,
 * graded groups that disagree become fallback_eft rows when eft.fallback is on. Rows of earlier attempts of this
 * step are replaced. Held-out prompts are never used.
 */
public final class BuildEftStep implements Step {
  @Override
  public StepResult run(StepContext ctx) {
    SrlmConfig c = ctx.settings();
    EftSettings e = EftSettings.of(c);
    StepResult.Builder r = ctx.result();
    JudgeTemplate judge = JudgeTemplate.load(c.resolved().confSource(), c.judge().template(), "judge.template");
    if (judge.kind() != JudgeTemplate.Kind.POINTWISE) {
      return ctx.done("skipped: model-written EFT needs a pointwise judge.template");
    }
    if (judge.readsReference()) {
      throw Errors.configBadValue("judge.template", "config", "must show no {reference} answer when eft.enabled = "
          + "true (model-written EFT makes no reference answers; set eft.enabled = false or another template)",
          judge.name());
    }
    String model = Models.require(ctx, Models.name(1)).path();

    List<SeedIft> prompts = new ArrayList<>();
    for (SeedIft s : ctx.rows(Catalogue.SEED_IFT, ctx.runRows())) {
      if (s.split().equals("train") && BuiltinTasks.parse(s.prompt()).isPresent()) {
        prompts.add(s);
      }
    }
    prompts.sort(Comparator.comparingLong(s -> StableIds.seed(ctx.seed(), "eft-pick", s.seedId())));
    prompts = prompts.subList(0, Math.min(prompts.size(), e.prompts()));
    List<CompletionRequest> asks = new ArrayList<>();
    for (SeedIft s : prompts) {
      for (int j = 0; j < e.answers(); j++) {
        asks.add(new CompletionRequest(s.seedId() + "#" + j, s.prompt(),
            StableIds.seed(ctx.seed(), "eft-answer", s.seedId(), j)));
      }
    }
    Map<String, Completion> answers = EvalSupport.complete(ctx, model, asks, Generation.params(c.responses()
        .sampling()), ctx.step() + "_answers");
    List<ModelEft.Group> groups = new ArrayList<>();
    long correct = 0;
    long unranked = 0;
    for (SeedIft s : prompts) {
      Task task = BuiltinTasks.parse(s.prompt()).orElseThrow();
      Map<String, Grade> graded = new LinkedHashMap<>();
      for (int j = 0; j < e.answers(); j++) {
        Completion o = answers.get(s.seedId() + "#" + j);
        if (o.ok()) {
          Grade g = BuiltinTasks.grade(task, o.text());
          correct += g.score() == 5 ? 1 : 0;
          graded.putIfAbsent(o.text(), g);
        }
      }
      List<Double> scores = new ArrayList<>();
      graded.values().forEach(g -> scores.add((double) g.score()));
      List<ModelEft.Answer> list = new ArrayList<>();
      int i = 0;
      for (Map.Entry<String, Grade> a : graded.entrySet()) {
        double known = judge.scoreMin() + a.getValue().score() / 5.0 * (judge.scoreMax() - judge.scoreMin());
        list.add(new ModelEft.Answer(a.getKey(), known, rank(scores, i++), a.getValue().justification()));
      }
      if (list.stream().mapToInt(ModelEft.Answer::rank).distinct().count() < 2) {
        unranked++; // all its answers graded alike: no ranking for the judgements to agree with, not judged
        continue;
      }
      groups.add(new ModelEft.Group(ctx.runId(), "grader", s.seedId(), "train", s.taskType(), s.prompt(), list));
    }
    int own = groups.size();
    groups.addAll(seedGroups(ctx, e.seedGroups()));

    List<CompletionRequest> judgeAsks = new ArrayList<>();
    int k = c.judge().samples();
    for (int g = 0; g < groups.size(); g++) {
      ModelEft.Group grp = groups.get(g);
      for (int a = 0; a < grp.answers().size(); a++) {
        for (int j = 0; j < k; j++) {
          judgeAsks.add(new CompletionRequest(g + "#" + a + "#" + j, judge.renderPointwise(grp.question(),
              grp.answers().get(a).response()), StableIds.seed(ctx.seed(), "eft-judge", grp.origin(), grp.key(),
              a, j)));
        }
      }
    }
    Map<String, Completion> verdicts = EvalSupport.complete(ctx, model, judgeAsks, Generation.params(c.judge()
        .sampling()), ctx.step() + "_judge");
    List<SeedEft> rows = new ArrayList<>();
    Map<ModelEft.Outcome, Long> outcomes = new EnumMap<>(ModelEft.Outcome.class);
    long ownAgreed = 0;
    for (int g = 0; g < groups.size(); g++) {
      ModelEft.Group grp = groups.get(g);
      List<List<String>> texts = new ArrayList<>();
      for (int a = 0; a < grp.answers().size(); a++) {
        List<String> samples = new ArrayList<>();
        for (int j = 0; j < k; j++) {
          samples.add(verdicts.get(g + "#" + a + "#" + j).text());
        }
        texts.add(samples);
      }
      ModelEft.Result res = ModelEft.build(judge, grp, texts, e.fallback() && g < own);
      outcomes.merge(res.outcome(), 1L, Long::sum);
      ownAgreed += g < own && res.outcome() == ModelEft.Outcome.AGREED ? 1 : 0;
      rows.addAll(res.rows());
    }
    ctx.replace(Catalogue.SEED_EFT, rows, ctx.runRows().and(functions.col("source").isin(ModelEft.SOURCE_AGREED,
        ModelEft.SOURCE_FALLBACK)));
    long agreedRows = rows.stream().filter(x -> x.source().equals(ModelEft.SOURCE_AGREED)).count();
    r.count("groups_graded_unranked", unranked).count("prompts", prompts.size()).count("answers", asks.size())
        .count("answers_correct", correct)
        .count("groups_graded", own).count("groups_seed", groups.size() - own).count("groups_graded_agreed",
            ownAgreed).count("rows_model_eft", agreedRows).count("rows_fallback_eft", rows.size() - agreedRows);
    outcomes.forEach((o, n) -> r.count("groups_" + o.name().toLowerCase(java.util.Locale.ROOT), n));
    return ctx.done(String.format("M1 judged %d ranked groups (%d of its own graded answers, %d seed; %d graded "
        + "groups without ranking skipped): %d agreed (%d rows), %d fallback, %d dropped", groups.size(), own,
        groups.size() - own, unranked,
        outcomes.getOrDefault(ModelEft.Outcome.AGREED, 0L), agreedRows,
        outcomes.getOrDefault(ModelEft.Outcome.FALLBACK, 0L),
        outcomes.getOrDefault(ModelEft.Outcome.DROPPED_DISAGREED, 0L)
            + outcomes.getOrDefault(ModelEft.Outcome.DROPPED_NO_RANKING, 0L)));
  }

  /** Ranked train-split groups of the seed (any source), a seeded choice of at most {@code max}. */
  private static List<ModelEft.Group> seedGroups(StepContext ctx, int max) {
    Map<String, List<SeedEft>> byGroup = new LinkedHashMap<>();
    if (max > 0) {
      for (SeedEft s : ctx.rows(Catalogue.SEED_EFT, ctx.runRows())) {
        if (s.split().equals("train") && !s.source().equals(ModelEft.SOURCE_AGREED)
            && !s.source().equals(ModelEft.SOURCE_FALLBACK)) {
          byGroup.computeIfAbsent(s.groupId(), g -> new ArrayList<>()).add(s);
        }
      }
    }
    List<String> ids = new ArrayList<>(byGroup.keySet());
    ids.sort(Comparator.comparingLong(id -> StableIds.seed(ctx.seed(), "eft-seed-pick", id)));
    List<ModelEft.Group> out = new ArrayList<>();
    for (String id : ids.subList(0, Math.min(ids.size(), max))) {
      List<SeedEft> rows = byGroup.get(id);
      rows.sort(Comparator.comparing(SeedEft::eftId));
      List<ModelEft.Answer> answers = new ArrayList<>();
      for (SeedEft s : rows) {
        answers.add(new ModelEft.Answer(s.response(), s.humanScore(), s.humanRank(), ""));
      }
      SeedEft first = rows.get(0);
      out.add(new ModelEft.Group(ctx.runId(), first.source(), id, "train", first.taskType(), first.question(),
          answers));
    }
    return out;
  }

  private static int rank(List<Double> scores, int i) {
    int n = 0;
    for (double s : scores) {
      n += s > scores.get(i) ? 1 : 0;
    }
    return n;
  }
}

package io.srlm.steps;

import io.srlm.config.SrlmConfig;
import io.srlm.errors.Errors;
import io.srlm.model.SamplingParams;
import io.srlm.pipeline.Step;
import io.srlm.pipeline.StepContext;
import io.srlm.pipeline.StepResult;
import io.srlm.prompting.TaskPrompt;
import io.srlm.spark.Completion;
import io.srlm.spark.CompletionRequest;
import io.srlm.tables.Catalogue;
import io.srlm.tables.PromptRow;
import io.srlm.tables.SeedIft;
import io.srlm.tables.TableStore;
import io.srlm.util.StableIds;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.sql.functions;

/**
 * Few-shot prompt generation (self-instruction creation). Each request shows 8 example tasks in the paper's
 * format, 6 from the seed IFT prompts and 2 from prompts generated in earlier iterations (8 seed prompts while
 * there are none), sampled with temperature 0.6 and top-p 0.9 by M_t (or a fixed prompts.generator model) on the
 * executors. A candidate is kept only if it is exactly one well-formed task within the length limits and is not
 * a near-duplicate of a seed prompt, an earlier prompt or another candidate. Requests are issued in rounds until
 * prompts.target_count prompts are accepted or prompts.target_count x prompts.max_requests_factor requests were
 * made. Every candidate is written to the prompts table with its status and reason.
 */
public final class GeneratePromptsStep implements Step {
  public static final String NAME = "generate_prompts";

  @Override
  public StepResult run(StepContext ctx) {
    List<SeedIft> seeds = SeedPools.train(ctx);
    SrlmConfig c = ctx.settings();
    int it = ctx.iteration();
    StepResult.Builder r = ctx.result();
    if (seeds.size() < c.prompts().seedShots()) {
      throw Errors.tableEmpty("seed_ift", TableStore.runOnly(ctx.runId()), "prompt generation needs at least "
          + c.prompts().seedShots() + " seed prompts (prompts.seed_shots); load more seed data");
    }
    List<PromptRow> earlier = new ArrayList<>(ctx.rows(Catalogue.PROMPTS, ctx.runRows()
        .and(functions.col("iteration").lt(it)).and(functions.col("status").equalTo("accepted"))));
    earlier.sort((a, b) -> a.promptId().compareTo(b.promptId()));
    String generator = c.prompts().generator().isEmpty() ? Models.require(ctx, Models.name(it)).path()
        : c.prompts().generator();
    TaskPrompt template = TaskPrompt.load(c.resolved().confSource(), c.prompts().template());
    SamplingParams params = Generation.params(c.prompts().sampling());
    int target = c.prompts().targetCount();
    int maxRequests = target * c.prompts().maxRequestsFactor();
    List<NearDuplicates.Text> refs = new ArrayList<>();
    for (SeedIft x : seeds) {
      refs.add(new NearDuplicates.Text(x.seedId(), x.prompt(), "seed", 0));
    }
    for (PromptRow x : earlier) {
      refs.add(new NearDuplicates.Text(x.promptId(), x.prompt(), "earlier", 0));
    }
    List<PromptRow> cands = new ArrayList<>();
    Map<String, NearDuplicates.Match> dups = Map.of();
    int next = 0;
    int accepted = 0;
    long t0 = System.nanoTime();
    while (accepted < target && next < maxRequests) {
      int n = Math.min(maxRequests - next, Math.max(16, 2 * (target - accepted)));
      List<CompletionRequest> requests = new ArrayList<>();
      Map<String, List<String>> shotIds = new HashMap<>();
      Map<String, Integer> indexOf = new HashMap<>();
      for (int i = next; i < next + n; i++) {
        String id = StableIds.id("prompt", ctx.runId(), it, i);
        Random rnd = new Random(StableIds.seed(ctx.seed(), it, "prompt-shots", i));
        int fromEarlier = earlier.isEmpty() ? 0 : Math.min(c.prompts().shots() - c.prompts().seedShots(),
            earlier.size());
        List<String> ids = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        for (int k : pick(rnd, seeds.size(), c.prompts().shots() - fromEarlier)) {
          ids.add(seeds.get(k).seedId());
          texts.add(seeds.get(k).prompt());
        }
        for (int k : pick(rnd, earlier.size(), fromEarlier)) {
          ids.add(earlier.get(k).promptId());
          texts.add(earlier.get(k).prompt());
        }
        List<Integer> order = new ArrayList<>();
        for (int k = 0; k < texts.size(); k++) {
          order.add(k);
        }
        Collections.shuffle(order, rnd);
        List<String> shuffledTexts = new ArrayList<>();
        List<String> shuffledIds = new ArrayList<>();
        for (int k : order) {
          shuffledTexts.add(texts.get(k));
          shuffledIds.add(ids.get(k));
        }
        shotIds.put(id, shuffledIds);
        indexOf.put(id, i);
        requests.add(new CompletionRequest(id, template.render(shuffledTexts),
            StableIds.seed(ctx.seed(), it, "prompt", i)));
      }
      List<Completion> outputs = List.copyOf(Generation.run(ctx, generator, requests, params, NAME,
          ctx.faults()).values());
      for (Completion o : outputs) {
        String id = o.key();
        String raw = o.text();
        String reason = null;
        String prompt = raw;
        if (!o.ok()) {
          reason = "request_too_long";
        } else {
          var task = template.extract(raw);
          if (task.isEmpty()) {
            reason = "malformed";
          } else {
            prompt = task.get();
            if (prompt.length() < c.prompts().minChars()) {
              reason = "too_short";
            } else if (prompt.length() > c.prompts().maxChars()) {
              reason = "too_long";
            }
          }
        }
        cands.add(new PromptRow(ctx.runId(), it, id, prompt, reason == null ? "accepted" : "rejected", reason, null,
            raw, indexOf.get(id), shotIds.get(id), generator, StableIds.seed(ctx.seed(), it, "prompt",
            indexOf.get(id)), o.completionTokens(), o.finishReasonOrNone()));
      }
      cands.sort((a, b) -> Integer.compare(a.requestIndex(), b.requestIndex()));
      List<NearDuplicates.Text> texts = new ArrayList<>(refs);
      for (PromptRow p : cands) {
        if (p.rejectReason() == null) {
          texts.add(new NearDuplicates.Text(p.promptId(), p.prompt(), "candidate", p.requestIndex()));
        }
      }
      dups = NearDuplicates.find(ctx.spark(), texts, c.prompts().dedup().ngram(),
          c.prompts().dedup().jaccardThreshold(), c.prompts().dedup().numHashTables(),
          StableIds.seed(ctx.seed(), it, "minhash"));
      accepted = 0;
      for (PromptRow p : cands) {
        if (p.rejectReason() == null && !dups.containsKey(p.promptId())) {
          accepted++;
        }
      }
      next += n;
    }
    List<PromptRow> rows = new ArrayList<>();
    int kept = 0;
    for (PromptRow p : cands) {
      String reason = p.rejectReason();
      String of = null;
      if (reason == null && dups.containsKey(p.promptId())) {
        reason = dups.get(p.promptId()).reason();
        of = dups.get(p.promptId()).of();
      }
      if (reason == null) {
        if (kept >= target) {
          reason = "over_target";
        } else {
          kept++;
        }
      }
      rows.add(new PromptRow(p.runId(), p.iteration(), p.promptId(), p.prompt(), reason == null ? "accepted"
          : "rejected", reason, of, p.rawOutput(), p.requestIndex(), p.shotIds(), p.generatorModel(), p.seed(),
          p.completionTokens(), p.finishReason()));
      r.add(reason == null ? "accepted" : "rejected_" + reason, 1);
    }
    r.count("requests", cands.size());
    ctx.replacePartition(Catalogue.PROMPTS, rows);
    double secs = (System.nanoTime() - t0) / 1e9;
    return ctx.done(String.format("%d of %d candidate prompts accepted (target %d), %,.0f tokens/s", kept,
        cands.size(), target, r.count("generated_tokens") / Math.max(secs, 1e-9)));
  }

  /** k distinct indices from [0, n), in random order. */
  static List<Integer> pick(Random rnd, int n, int k) {
    List<Integer> all = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      all.add(i);
    }
    Collections.shuffle(all, rnd);
    return all.subList(0, Math.min(k, n));
  }
}

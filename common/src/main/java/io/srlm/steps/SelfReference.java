package io.srlm.steps;

import io.srlm.model.SamplingParams;
import io.srlm.pipeline.StepContext;
import io.srlm.prompting.JudgeTemplate;
import io.srlm.spark.Completion;
import io.srlm.spark.CompletionRequest;
import io.srlm.spark.Faults;
import io.srlm.util.StableIds;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Self-reference judging (a judge template with {reference}): before it judges, the judge model answers each
 * question greedily, and that answer is the reference its judge prompt shows. It is the judge's own answer, made
 * like any other of its answers (greedy, responses.max_new_tokens): no grader and no known answer reaches the judge.
 * MT-Bench's reference-guided judging with the judge's own answer as the reference (Zheng et al., 2023, 3.4).
 */
final class SelfReference {
  private SelfReference() {}

  /**
   * The judge model's greedy answer to each distinct question, by question; empty when the template shows no
   * reference (then nothing is generated: pairwise templates never do).
   *
   * @param judgeModel the model that judges (and so answers)
   * @param label the generation's label in logs and counters
   */
  static Map<String, String> answers(StepContext ctx, JudgeTemplate template, String judgeModel,
      Collection<String> questions, String label) {
    Map<String, String> out = new LinkedHashMap<>();
    if (!template.readsReference()) {
      return out;
    }
    List<String> distinct = new ArrayList<>(new LinkedHashSet<>(questions));
    List<CompletionRequest> asks = new ArrayList<>();
    for (String q : distinct) {
      asks.add(new CompletionRequest(StableIds.id("self-reference", q), q, 0L));
    }
    Map<String, Completion> got = Generation.run(ctx, judgeModel, asks,
        SamplingParams.greedy(ctx.settings().responses().sampling().maxNewTokens()), label, Faults.NONE);
    for (int i = 0; i < distinct.size(); i++) {
      out.put(distinct.get(i), got.get(asks.get(i).key()).text().strip());
    }
    ctx.result().count(label + "_answers", out.size());
    return out;
  }

  /** The judge prompt for one response, with the question's reference when the template shows one. */
  static String render(JudgeTemplate template, Map<String, String> references, String question, String response) {
    return template.renderPointwise(question, response, references.get(question));
  }
}

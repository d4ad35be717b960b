package io.srlm.steps;

import io.srlm.config.SrlmConfig;
import io.srlm.errors.Errors;
import io.srlm.pipeline.StepContext;
import io.srlm.prompting.JudgeTemplate;

/** What the judging steps share: the judge's template and the judge model. */
final class IterationInputs {
  private IterationInputs() {}

  /** judge.template, which must be of {@code kind}; otherwise an error naming the key with {@code fix}. */
  static JudgeTemplate judgeTemplate(SrlmConfig c, JudgeTemplate.Kind kind, String fix) {
    JudgeTemplate template = JudgeTemplate.load(c.resolved().confSource(), c.judge().template(), "judge.template");
    if (template.kind() != kind) {
      throw Errors.configBadValue("judge.template", "(config)", fix, template.name());
    }
    return template;
  }

  /** The judge's model path: judge.model, or the iteration's policy M_t when that is empty. */
  static String judgeModel(StepContext ctx) {
    String external = ctx.settings().judge().model();
    return external.isEmpty() ? Models.require(ctx, Models.name(ctx.iteration())).path() : external;
  }
}

package io.srlm.steps;

import io.srlm.config.SrlmConfig;
import io.srlm.errors.Errors;
import io.srlm.model.SamplingParams;
import io.srlm.pipeline.StepContext;
import io.srlm.prompting.JudgeTemplate;
import io.srlm.prompting.ScoreParser;
import io.srlm.spark.Completion;
import io.srlm.tables.Catalogue;
import io.srlm.tables.ResponseRow;
import java.util.List;

/** What the judging steps share: their inputs (responses, the judge's template, the judge model) and parsing. */
final class IterationInputs {
  private IterationInputs() {}

  /**
   * What an LLM-judging step judges and with what.
   *
   * @param responses this iteration's responses (never empty)
   * @param template judge.template
   * @param judge the judge's model path ({@link #judgeModel})
   * @param judgeKey the judge's identity in row ids ({@link Models#judgeKey})
   * @param sampling the judge's sampling (judge.sampling)
   */
  record JudgeInputs(List<ResponseRow> responses, JudgeTemplate template, String judge, String judgeKey,
      SamplingParams sampling) {}

  /**
   * This iteration's responses (failing when there are none), judge.template (which must be of {@code kind},
   * else an error with {@code fix}) and the judge model, in that order.
   */
  static JudgeInputs judging(StepContext ctx, JudgeTemplate.Kind kind, String fix) {
    List<ResponseRow> responses = ctx.rows(Catalogue.RESPONSES, ctx.partition(), "run sample-responses first");
    JudgeTemplate template = judgeTemplate(ctx.settings(), kind, fix);
    String judge = judgeModel(ctx);
    return new JudgeInputs(responses, template, judge, Models.judgeKey(ctx.settings().judge().model(),
        ctx.iteration()), Generation.params(ctx.settings().judge().sampling()));
  }

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

  /** The judge's verdict in {@code o}: parsed by {@code parser}, or EMPTY when nothing was generated. */
  static ScoreParser.Parsed parse(ScoreParser parser, Completion o) {
    return o.ok() ? parser.parse(o.text()) : new ScoreParser.Parsed(ScoreParser.Status.EMPTY, null, null);
  }

  /** The parse_status of a judge call: the parse's status, or prompt_too_long when nothing was generated. */
  static String status(Completion o, ScoreParser.Parsed p) {
    return o.ok() ? p.status().column() : "prompt_too_long";
  }
}

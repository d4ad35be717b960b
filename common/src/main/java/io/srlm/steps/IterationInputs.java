package io.srlm.steps;

import io.srlm.config.SrlmConfig;
import io.srlm.errors.Errors;
import io.srlm.pipeline.RunContext;
import io.srlm.pipeline.StepResult;
import io.srlm.prompting.JudgeTemplate;
import io.srlm.tables.Catalogue;
import io.srlm.tables.ResponseRow;
import io.srlm.tables.TableStore;
import java.util.List;

/** What the judging steps read: this iteration's responses, the judge's template and the judge model. */
final class IterationInputs {
  private IterationInputs() {}

  /**
   * The responses of (run, iteration) at the table's current version, which is recorded as read; an error naming
   * the table and partition, with {@code fix}, when there are none.
   */
  static List<ResponseRow> responses(RunContext ctx, int iteration, StepResult.Builder r, String fix) {
    TableStore t = ctx.tables();
    long v = t.version(Catalogue.RESPONSES);
    r.read(Catalogue.RESPONSES.name(), v);
    List<ResponseRow> rows = v < 0 ? List.of() : t.collect(Catalogue.RESPONSES,
        t.readVersion(Catalogue.RESPONSES, v).where(TableStore.partitionIs(ctx.runId(), iteration)));
    if (rows.isEmpty()) {
      throw Errors.tableEmpty("responses", TableStore.partition(ctx.runId(), iteration), fix);
    }
    return rows;
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
  static String judgeModel(RunContext ctx, SrlmConfig c, int iteration) {
    return c.judge().model().isEmpty() ? Models.require(ctx, Models.name(iteration)).path() : c.judge().model();
  }
}

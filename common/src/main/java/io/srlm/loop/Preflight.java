package io.srlm.loop;

import io.srlm.config.SrlmConfig;
import io.srlm.errors.Errors;
import io.srlm.model.io.HfModelConfig;
import io.srlm.pipeline.RunContext;
import io.srlm.prompting.JudgeTemplate;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks, before the loop runs anything, what config loading cannot: for every stage that judges, that its judge
 * template exists and suits judge.mode, and that an external judge.model is a readable HF directory. A recipe that
 * would fail in its fifth stage fails now, naming the stage and the key.
 */
final class Preflight {
  private Preflight() {}

  static void check(RunContext ctx, List<SrlmConfig.Stage> stages) {
    Set<String> checkedModels = new HashSet<>();
    for (SrlmConfig.Stage s : stages) {
      if (!s.type().equals("self_reward_dpo") && !s.type().equals("external_reward_dpo")) {
        continue;
      }
      SrlmConfig.Judge j = s.settings().judge();
      String where = "loop.stages[" + s.index() + "] (" + s.type() + ")";
      if (!j.rewardModel()) {
        JudgeTemplate t = JudgeTemplate.load(s.settings().resolved().confSource(), j.template(), "judge.template");
        boolean wantPairwise = j.pairwise();
        if ((t.kind() == JudgeTemplate.Kind.PAIRWISE) != wantPairwise) {
          throw Errors.configBadValue("judge.template", where, "must be a " + (wantPairwise ? "pairwise" : "pointwise")
              + " template when judge.mode = " + j.mode() + (wantPairwise ? " (e.g. pairwise-ab)"
              : " (e.g. additive-5pt); or change judge.mode"), "'" + t.name() + "' (" + t.kind().name()
              .toLowerCase(java.util.Locale.ROOT) + ")");
        }
      }
      if (!j.model().isEmpty() && checkedModels.add(j.model())) {
        try {
          readable(ctx, j.model());
        } catch (RuntimeException | java.io.IOException e) {
          throw Errors.error(io.srlm.errors.ErrorCode.CONFIG, "judge.model of " + where + " is not a usable model "
              + "directory: " + e.getMessage(), "point judge.model at an HF model directory (config.json, "
              + "safetensors, tokenizer files)", e, "key", "judge.model", "model", j.model());
        }
      }
    }
  }

  /** A local directory's config.json is parsed; a remote one (s3a://, dbfs:/) must have one (nothing is copied). */
  private static void readable(RunContext ctx, String location) throws java.io.IOException {
    if (!io.srlm.util.Locations.isRemote(location)) {
      HfModelConfig.read(java.nio.file.Path.of(location));
      return;
    }
    org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(location, HfModelConfig.FILE);
    if (!p.getFileSystem(ctx.models().hadoop()).exists(p)) {
      throw new java.io.FileNotFoundException(p + " does not exist");
    }
  }
}

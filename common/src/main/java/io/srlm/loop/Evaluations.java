package io.srlm.loop;

import io.srlm.config.SrlmConfig;
import io.srlm.pipeline.Step;
import io.srlm.steps.EvaluateJudgeStep;
import io.srlm.steps.EvaluateTasksStep;
import io.srlm.steps.HeadToHeadStep;
import java.util.ArrayList;
import java.util.List;

/** The evaluation steps run after a stage, as eval.* enables them. */
final class Evaluations {
  private Evaluations() {}

  static List<Step> steps(SrlmConfig.Stage stage) {
    SrlmConfig.Eval e = stage.settings().eval();
    List<Step> out = new ArrayList<>();
    if (e.judgeEnabled()) {
      out.add(new EvaluateJudgeStep());
    }
    if (e.taskEnabled()) {
      out.add(new EvaluateTasksStep());
    }
    if (e.h2hEnabled()) {
      out.add(new HeadToHeadStep());
    }
    return out;
  }
}

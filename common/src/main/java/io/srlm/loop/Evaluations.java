package io.srlm.loop;

import io.srlm.config.SrlmConfig;
import io.srlm.pipeline.Step;
import java.util.List;

/** The evaluation steps run after a stage (filled in by the evaluation issue). */
final class Evaluations {
  private Evaluations() {}

  static List<Step> steps(SrlmConfig.Stage stage) {
    return List.of();
  }
}

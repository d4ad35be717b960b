package io.srlm.variants;

import io.srlm.testing.LocalSpark;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The recipe variants, checked on the one five-stage {@link VariantRun}. They are nested in one test class so that
 * surefire hands them to one test JVM together: split over two JVMs, each would run the whole loop.
 */
@ExtendWith(LocalSpark.class)
class VariantRecipesTest {
  @Nested
  class Spin extends SpinRecipeChecks {}

  @Nested
  class ExternalReward extends ExternalRewardChecks {}

  @Nested
  class PairwiseJudge extends PairwiseJudgeChecks {}

  @Nested
  class CustomJudge extends CustomJudgeChecks {}
}

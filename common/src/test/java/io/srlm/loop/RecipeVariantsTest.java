package io.srlm.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.srlm.config.ConfigLoader;
import io.srlm.config.SrlmConfig;
import io.srlm.pipeline.Step;
import io.srlm.testing.TestConf;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every stage type has its steps, the judging step follows judge.*, and recipes that cannot run are refused when
 * the config loads (or, for judge templates, before the loop runs anything), naming the key and the stage.
 */
class RecipeVariantsTest {
  private static SrlmConfig load(String... sets) {
    return ConfigLoader.from(TestConf.conf()).profiles("tiny").setAll(List.of(sets)).load();
  }

  private static List<String> names(SrlmConfig.Stage s) {
    return Recipe.steps(s, false).stream().map(Step::name).toList();
  }

  @Test
  void everyStageTypeHasItsSteps() {
    SrlmConfig c = load("loop.stages=[sft, self_reward_dpo, spin, {type = external_reward_dpo, judge { model = "
        + "\"/models/rm\", reward_head = sequence_classification }}, {type = self_reward_dpo, judge { mode = "
        + "pairwise, template = pairwise-ab }}, {type = external_reward_dpo, judge { model = \"/models/judge\" }}]");
    List<SrlmConfig.Stage> s = c.loop().stages();
    assertThat(s).extracting(SrlmConfig.Stage::iteration).containsExactly(0, 1, 2, 3, 4, 5);
    // Model-written EFT is opt-in: off in the tiny profile; with eft.enabled build_eft and train_eft follow train_sft.
    assertThat(names(s.get(0))).containsExactly("seed", "base_model", "train_sft");
    assertThat(names(load("loop.stages=[sft]", "eft.enabled=true").loop().stages().get(0)))
        .containsExactly("seed", "base_model", "train_sft", "build_eft", "train_eft");
    assertThat(names(s.get(1))).containsExactly("generate_prompts", "sample_responses", "judge_responses",
        "build_pairs", "train_dpo");
    assertThat(names(s.get(2))).containsExactly("spin_generate", "build_spin_pairs", "train_dpo");
    assertThat(names(s.get(3))).containsExactly("generate_prompts", "sample_responses", "score_rewards",
        "build_pairs", "train_dpo");
    assertThat(names(s.get(4))).contains("judge_pairwise").doesNotContain("judge_responses");
    assertThat(names(s.get(5))).contains("judge_responses");
    assertThat(Recipe.step(s.get(2), "build_spin_pairs").name()).isEqualTo("build_spin_pairs");
    assertThatThrownBy(() -> Recipe.step(s.get(2), "judge_responses"))
        .hasMessageContaining("spin stage, which has no step judge_responses")
        .hasMessageContaining("spin_generate, build_spin_pairs, train_dpo");
  }

  @Test
  void perStageSpinSettingsAndRanges() {
    SrlmConfig c = load("loop.stages=[sft, {type = spin, spin { max_prompts = 7 }}, spin]", "spin.max_prompts=50");
    assertThat(c.loop().stages().get(1).settings().spin().maxPrompts()).isEqualTo(7);
    assertThat(c.loop().stages().get(2).settings().spin().maxPrompts()).isEqualTo(50);
    assertThatThrownBy(() -> load("spin.max_prompts=0")).hasMessageContaining("spin.max_prompts");
    assertThatThrownBy(() -> load("dpo.spin_lambda=0")).hasMessageContaining("dpo.spin_lambda");
    assertThat(load("debug.fail_first_attempt=[spin_generate, judge_pairwise]").debug().failFirstAttempt())
        .containsExactly("spin_generate", "judge_pairwise");
  }

  @Test
  void recipesThatCannotRunAreRefusedAtLoad() {
    assertThatThrownBy(() -> load("loop.stages=[spin]"))
        .hasMessageContaining("must start with sft when model.base is builtin:tiny");
    assertThatThrownBy(() -> load("loop.stages=[sft, external_reward_dpo]"))
        .hasMessageContaining("Config key 'judge.model' must name the reward model directory")
        .hasMessageContaining("external_reward_dpo stage loop.stages[1]");
    assertThat(load("judge.model=/models/rm", "loop.stages=[sft, external_reward_dpo]").loop().stages()).hasSize(2);
    assertThatThrownBy(() -> load("judge.model=/models/rm", "judge.reward_head=sequence_classification",
        "judge.mode=pairwise")).hasMessageContaining("judge.mode").hasMessageContaining("must be pointwise");
    assertThatThrownBy(() -> load("loop.stages=[sft, {type = spin, spin { max_prompts = -1 }}]"))
        .hasMessageContaining("spin.max_prompts");
  }

  @Test
  void judgeTemplatesThatDoNotSuitTheModeFailBeforeAnythingRuns() {
    SrlmConfig pairwiseWithPointwise = load("loop.stages=[sft, self_reward_dpo, {type = self_reward_dpo, "
        + "judge { mode = pairwise }}]");
    assertThatThrownBy(() -> Preflight.check(null, pairwiseWithPointwise.loop().stages()))
        .hasMessageContaining("judge.template").hasMessageContaining("loop.stages[2] (self_reward_dpo)")
        .hasMessageContaining("must be a pairwise template when judge.mode = pairwise");
    SrlmConfig pointwiseWithPairwise = load("loop.stages=[sft, self_reward_dpo]", "judge.template=pairwise-ab");
    assertThatThrownBy(() -> Preflight.check(null, pointwiseWithPairwise.loop().stages()))
        .hasMessageContaining("must be a pointwise template when judge.mode = pointwise");
    assertThatThrownBy(() -> Preflight.check(null, load("loop.stages=[sft, self_reward_dpo]",
        "judge.template=no-such-judge").loop().stages())).hasMessageContaining("no-such-judge");
    Preflight.check(null, load("loop.stages=[sft, self_reward_dpo, spin]", "judge.mode=pairwise",
        "judge.template=pairwise-ab").loop().stages());
  }
}

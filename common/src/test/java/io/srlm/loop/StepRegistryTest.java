package io.srlm.loop;

import static org.assertj.core.api.Assertions.assertThat;

import io.srlm.pipeline.Step;
import io.srlm.registry.StepDef;
import io.srlm.registry.StepRegistry;
import io.srlm.tables.Catalogue;
import io.srlm.tables.TableDef;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The step registry is the one list of steps: every row names a step class that exists and reports the row's id,
 * real tables, unique ids/verbs/mains, and the fault-injectable steps are its executor steps.
 */
class StepRegistryTest {
  @Test
  void everyRowNamesAStepClassWhoseNameIsTheRowsId() {
    for (StepDef d : StepRegistry.STEPS_IN_ORDER) {
      Step s = Recipe.instantiate(d);
      assertThat(s.name()).as(d.stepClass()).isEqualTo(d.id());
      assertThat(StepRegistry.byClass(s.getClass().getName())).contains(d);
    }
  }

  @Test
  void rowsAreUniqueAndNameOnlyCatalogueTables() {
    Set<String> tables = new HashSet<>();
    Catalogue.ALL.stream().map(TableDef::name).forEach(tables::add);
    Set<String> ids = new HashSet<>();
    Set<String> verbs = new HashSet<>();
    Set<String> jobs = new HashSet<>();
    for (StepDef d : StepRegistry.STEPS_IN_ORDER) {
      assertThat(ids.add(d.id())).as("duplicate id " + d.id()).isTrue();
      assertThat(verbs.add(d.verb())).as("duplicate verb " + d.verb()).isTrue();
      // Rows without their own main (job = null) share the generic StepJob.
      assertThat(d.job() == null || jobs.add(d.job())).as("duplicate job " + d.job()).isTrue();
      assertThat(tables).as(d.id() + " reads").containsAll(d.reads());
      assertThat(tables).as(d.id() + " writes").containsAll(d.writes()).isNotEmpty();
      assertThat(d.writes()).as(d.id() + " writes something").isNotEmpty();
      assertThat(d.stageTypes()).as(d.id()).isNotEmpty().isSubsetOf("sft", "self_reward_dpo", "spin",
          "external_reward_dpo");
    }
  }

  @Test
  void faultInjectionNamesAreTheLoopsExecutorSteps() {
    assertThat(StepRegistry.faultInjectable()).containsExactlyInAnyOrder("generate_prompts", "sample_responses",
        "judge_responses", "build_pairs", "judge_pairwise", "score_rewards", "spin_generate", "build_spin_pairs", "build_eft");
    List<String> order = StepRegistry.STEPS_IN_ORDER.stream().map(StepDef::id).toList();
    assertThat(order.subList(0, 3)).containsExactly("seed", "base_model", "train_sft");
  }
}

package io.srlm.steps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.srlm.config.SrlmConfig;
import io.srlm.errors.ErrorCode;
import io.srlm.errors.SrlmException;
import io.srlm.loop.Recipe;
import io.srlm.model.SamplingParams;
import io.srlm.pipeline.RunContext;
import io.srlm.pipeline.StepContext;
import io.srlm.pipeline.StepResult;
import io.srlm.pipeline.StepRunner;
import io.srlm.prompting.JudgeTemplate;
import io.srlm.spark.Completion;
import io.srlm.spark.CompletionRequest;
import io.srlm.eval.JudgeMetricsResult;
import io.srlm.tables.Catalogue;
import io.srlm.tables.EvalSample;
import io.srlm.tables.EvaluationRow;
import io.srlm.tables.SeedEft;
import io.srlm.tables.JudgementRow;
import io.srlm.tables.ResponseRow;
import io.srlm.tables.RunStep;
import io.srlm.tables.TableStore;
import io.srlm.testing.LocalSpark;
import io.srlm.testing.TestConf;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Self-reference judging on local[2] with the test model: the loop's judging step first has the judge model answer
 * each prompt greedily, one answer per distinct prompt, and the references are exactly those greedy answers; with
 * a template without {reference} nothing is generated for them.
 */
@ExtendWith(LocalSpark.class)
class SelfReferenceJudgingTest {
  @TempDir
  static Path dir;

  @Test
  void theJudgeAnswersEachPromptGreedilyAndThoseAnswersAreTheReferences() {
    SrlmConfig cfg = TestConf.loop(dir, "run.id=selfref", "judge.template=additive-5pt-self-reference");
    RunContext ctx = RunContext.open(LocalSpark.session(), cfg, false, false);
    SrlmConfig.Stage stage = cfg.loop().stages().get(0);
    StepRunner.run(ctx, stage, new LoadSeedStep());
    StepRunner.run(ctx, stage, new BaseModelStep());
    StepRunner.run(ctx, stage, Recipe.step(stage, "generate_prompts"));
    StepRunner.run(ctx, stage, Recipe.step(stage, "sample_responses"));
    RunStep judged = StepRunner.run(ctx, stage, Recipe.step(stage, "judge_responses"));

    List<ResponseRow> responses = ctx.tables().collect(Catalogue.RESPONSES, TableStore.partitionIs("selfref", 1));
    List<String> prompts = responses.stream().map(ResponseRow::prompt).distinct().toList();
    assertThat(prompts).isNotEmpty();
    assertThat(judged.counts()).containsEntry("judge_responses_reference_answers", (long) prompts.size());
    List<JudgementRow> judgements = ctx.tables().collect(Catalogue.JUDGEMENTS, TableStore.partitionIs("selfref", 1));
    assertThat(judgements).hasSize(2 * responses.size());
    assertThat(judgements).allMatch(j -> j.template().equals("additive-5pt-self-reference"));

    Map<String, String> references = new LinkedHashMap<>();
    Map<String, String> greedy = new LinkedHashMap<>();
    Map<String, String> none = new LinkedHashMap<>();
    List<ReferenceAgreement.Item> agreementItems = new ArrayList<>();
    List<EvaluationRow> agreementRows = new ArrayList<>();
    List<EvalSample> agreementSamples = new ArrayList<>();
    double[] agreementAuc = {Double.NaN};
    StepRunner.run(ctx, stage, new io.srlm.pipeline.Step() {
      @Override
      public String name() {
        return "probe";
      }

      @Override
      public StepResult run(StepContext s) {
        String model = EvalSupport.model(s, 1).path();
        JudgeTemplate self = JudgeTemplate.load(cfg.resolved().confSource(), "additive-5pt-self-reference", "t");
        JudgeTemplate plain = JudgeTemplate.load(cfg.resolved().confSource(), "additive-5pt-compact", "t");
        references.putAll(SelfReference.answers(s, self, model, prompts, "probe"));
        none.putAll(SelfReference.answers(s, plain, model, prompts, "probe_plain"));
        List<CompletionRequest> asks = new ArrayList<>();
        for (int i = 0; i < prompts.size(); i++) {
          asks.add(new CompletionRequest("q" + i, prompts.get(i), 12345L + i));
        }
        Map<String, Completion> out = EvalSupport.complete(s, model, asks,
            SamplingParams.greedy(cfg.responses().sampling().maxNewTokens()), "probe_greedy");
        for (int i = 0; i < prompts.size(); i++) {
          greedy.put(prompts.get(i), out.get("q" + i).text().strip());
        }
        Map<String, List<SeedEft>> byGroup = new TreeMap<>();
        for (SeedEft e : s.rows(Catalogue.SEED_EFT, s.runRows())) {
          if (e.split().equals("heldout")) {
            byGroup.computeIfAbsent(e.groupId(), g -> new ArrayList<>()).add(e);
          }
        }
        List<List<SeedEft>> groups = EvalSupport.first(new ArrayList<>(byGroup.values()), 6);
        agreementItems.addAll(ReferenceAgreement.items(groups));
        agreementAuc[0] = EvaluateJudgeStep.referenceAgreement(s, self, model, "M1", groups, agreementRows,
            agreementSamples, s.result());
        return s.done("probed");
      }
    });
    assertThat(references).isEqualTo(greedy);
    assertThat(none).isEmpty();

    // The reference-agreement probe: every prompt shows its item's reference and response, judged judge.samples
    // times, and the AUC row counts the compared pairs.
    assertThat(agreementItems).hasSizeGreaterThanOrEqualTo(8);
    JudgeTemplate self = JudgeTemplate.load(cfg.resolved().confSource(), "additive-5pt-self-reference", "t");
    assertThat(agreementSamples).hasSameSizeAs(agreementItems);
    for (int i = 0; i < agreementItems.size(); i++) {
      ReferenceAgreement.Item item = agreementItems.get(i);
      EvalSample sample = agreementSamples.get(i);
      assertThat(sample.kind()).isEqualTo(EvaluateJudgeStep.AGREEMENT_KIND);
      assertThat(sample.itemId()).isEqualTo(item.id());
      assertThat(sample.input()).isEqualTo(self.renderPointwise(item.question(), item.response(), item.reference()))
          .contains("<reference>" + item.reference() + "</reference>");
      assertThat(sample.reference()).isEqualTo(item.agrees() ? 1.0 : 0.0);
      assertThat(sample.output().split("\n---\n", -1)).hasSize(cfg.judge().samples());
    }
    assertThat(agreementRows).singleElement().satisfies(row -> {
      assertThat(row.metric()).isEqualTo(JudgeMetricsResult.REFERENCE_AGREEMENT_AUC);
      assertThat(row.value()).isEqualTo(agreementAuc[0]).isBetween(0.0, 1.0);
      assertThat(row.n()).isPositive().isLessThanOrEqualTo(agreementItems.size() / 2);
    });
  }

  /** Model-written EFT makes no reference answers: with a self-reference template it stops before it writes. */
  @Test
  void modelWrittenEftRefusesASelfReferenceTemplateNamingTheKey() {
    SrlmConfig cfg = TestConf.loop(dir, "run.id=selfref-eft", "judge.template=additive-5pt-self-reference",
        "eft.enabled=true", "seed.builtin.ift_per_task=20", "seed.builtin.eft_groups_per_task=4",
        "seed.builtin.task_creation_rows=10");
    RunContext ctx = RunContext.open(LocalSpark.session(), cfg, false, false);
    SrlmConfig.Stage stage = cfg.loop().stages().get(0);
    StepRunner.run(ctx, stage, new LoadSeedStep());
    long eftRows = ctx.tables().collect(Catalogue.SEED_EFT, TableStore.partitionIs("selfref-eft", 0)).size();
    assertThatThrownBy(() -> StepRunner.run(ctx, stage, new BuildEftStep()))
        .isInstanceOfSatisfying(SrlmException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFIG))
        .hasMessageContaining("judge.template").hasMessageContaining("eft.enabled")
        .hasMessageContaining("additive-5pt-self-reference");
    assertThat(ctx.tables().collect(Catalogue.SEED_EFT, TableStore.partitionIs("selfref-eft", 0)))
        .as("nothing written").hasSize((int) eftRows);
  }
}

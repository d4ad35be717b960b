package io.srlm.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Generation as the loop uses it: a row's sampled tokens are the same whether it runs alone or in a batch of 32
 * (rows of different lengths and budgets, so padding and dropping finished rows both happen), and generate() and
 * score() give back every array they allocated.
 */
class GenerationEngineTest {
  private static List<GenerationRequest> requests(int n, SamplingParams base) {
    Random r = new Random(5);
    List<GenerationRequest> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int[] ids = new int[1 + r.nextInt(12)];
      for (int j = 0; j < ids.length; j++) {
        ids[j] = 1 + r.nextInt(60);
      }
      SamplingParams p = new SamplingParams(base.temperature(), base.topP(), base.topK(), 4 + r.nextInt(20),
          List.of());
      out.add(new GenerationRequest(ids, 1000L + i, p));
    }
    return out;
  }

  @Test
  void sameRowAndSeedGiveTheSameTokensAloneAndInABatchOf32() {
    ModelArch arch = RandomWeights.arch(true, true, false, null);
    Map<String, float[]> w = RandomWeights.weights(arch, 13);
    try (NDManager m = NDManager.newBaseManager(); LlamaModel model = RandomWeights.model(arch, w, m.newSubManager())) {
      for (SamplingParams p : List.of(new SamplingParams(0.7, 0.9, 0, 1, List.of()),
          new SamplingParams(1.0, 1.0, 10, 1, List.of()), SamplingParams.greedy(1))) {
        List<GenerationRequest> reqs = requests(32, p);
        List<Generation> batched = new Generator(model, new FakeCodec(), 32).generate(reqs);
        List<Generation> alone = new Generator(model, new FakeCodec(), 1).generate(reqs);
        for (int i = 0; i < reqs.size(); i++) {
          assertThat(batched.get(i).tokenIds()).as("row %d, %s", i, p).containsExactly(alone.get(i).tokenIds());
          assertThat(batched.get(i).tokenIds()).hasSize(reqs.get(i).params().maxNewTokens());
        }
      }
    }
  }

  @Test
  void generateAndScoreFreeEverythingTheyAllocate() {
    ModelArch arch = RandomWeights.arch(true, false, true, null);
    Map<String, float[]> w = RandomWeights.weights(arch, 17);
    try (NDManager m = NDManager.newBaseManager(); LlamaModel model = RandomWeights.model(arch, w, m.newSubManager())) {
      BaseNDManager root = (BaseNDManager) model.manager();
      int before = root.getManagedArrays().size();
      List<GenerationRequest> reqs = requests(12, new SamplingParams(0.7, 0.9, 0, 1, List.of()));
      List<Generation> out = new Generator(model, new FakeCodec(), 5).generate(reqs);
      assertThat(out).hasSize(12);
      assertThat(root.getManagedArrays()).as("arrays left after generate()").hasSize(before);
      new Generator(model, new FakeCodec(), 4).generate(requests(6, SamplingParams.greedy(1)));
      assertThat(root.getManagedArrays()).as("arrays left after greedy generate()").hasSize(before);
      List<int[]> prompts = new ArrayList<>();
      List<int[]> completions = new ArrayList<>();
      for (GenerationRequest r : reqs) {
        prompts.add(r.promptIds());
        completions.add(new int[] {3, 4, 5});
      }
      assertThat(new Scorer(model, 0, 4).score(prompts, completions)).hasSize(12);
      assertThat(root.getManagedArrays()).as("arrays left after score()").hasSize(before);
    }
  }
}

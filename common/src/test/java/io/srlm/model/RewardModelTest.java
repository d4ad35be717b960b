package io.srlm.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.srlm.testing.SeqClsCheckpoint;
import io.srlm.testing.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sequence-classification reward model: a random LlamaForSequenceClassification checkpoint scores
 * conversations of different lengths in one left-padded batch, and each reward equals the hand computation
 * score.weight . h_last, where h_last is the final (normed) hidden state of the conversation's last token from the
 * independent plain-Java forward ({@link ReferenceLlama}).
 */
class RewardModelTest {
  @TempDir
  Path dir;

  @Test
  void rewardIsTheScoreHeadAppliedToTheLastTokensHiddenState() {
    SeqClsCheckpoint.Written w = SeqClsCheckpoint.write(dir.resolve("rm"), 21);
    List<String[]> convs = List.of(new String[] {"Add 2 and 3.", "5"},
        new String[] {"Reverse the words: red blue green yellow.", "yellow green blue red, which is the answer."},
        new String[] {"Count the words: a b c.", "There are three words in the sentence given above."});
    try (RewardModel rm = RewardModel.load(w.dir(), EngineOptions.cpu())) {
      assertThat(rm.numLabels()).isEqualTo(1);
      List<int[]> seqs = new ArrayList<>();
      for (String[] c : convs) {
        seqs.add(rm.inputIds(c[0], c[1]));
      }
      assertThat(seqs.stream().map(s -> s.length).distinct().count()).as("lengths differ: padding is exercised")
          .isEqualTo(3);
      double[] rewards = rm.rewards(seqs, 8);
      ReferenceLlama ref = reference(w);
      for (int i = 0; i < seqs.size(); i++) {
        int[] ids = seqs.get(i);
        double expected = ref.logits(ids)[ids.length - 1][0];
        assertThat(rewards[i]).as("conversation " + i).isCloseTo(expected, within(1e-3 * Math.max(1,
            Math.abs(expected))));
      }
      assertThat(rewards[0]).isNotEqualTo(rewards[1]);
      double[] one = rm.rewards(List.of(seqs.get(1)), 1);
      assertThat(one[0]).as("batch-independent").isCloseTo(rewards[1], within(1e-4));
    }
  }

  @Test
  void aCausalLmDirectoryIsRefusedWithTheFixNamed() {
    assertThatThrownBy(() -> RewardModel.load(TestModels.m1(), EngineOptions.cpu()))
        .hasMessageContaining("not a sequence-classification model")
        .hasMessageContaining("judge.reward_head = causal_lm");
  }

  @Test
  void numLabelsMustMatchTheHead() throws Exception {
    SeqClsCheckpoint.Written w = SeqClsCheckpoint.write(dir.resolve("rm2"), 3);
    Path cfg = w.dir().resolve("config.json");
    Files.writeString(cfg, Files.readString(cfg).replace("\"num_labels\" : 1", "\"num_labels\" : 2"));
    assertThatThrownBy(() -> RewardModel.load(w.dir(), EngineOptions.cpu()))
        .hasMessageContaining("num_labels").hasMessageContaining("score.weight has 1 rows");
  }

  /**
   * The plain-Java forward with an untied LM head whose row 0 is score.weight (and the rest zero): logit 0 of the
   * last position is then exactly the reward.
   */
  private static ReferenceLlama reference(SeqClsCheckpoint.Written w) {
    int d = SeqClsCheckpoint.HIDDEN;
    ModelArch arch = new ModelArch("llama", w.vocabSize(), d, SeqClsCheckpoint.FFN, SeqClsCheckpoint.LAYERS,
        SeqClsCheckpoint.HEADS, SeqClsCheckpoint.KV_HEADS, d / SeqClsCheckpoint.HEADS, w.rmsNormEps(), w.ropeTheta(),
        null, w.maxPosition(), false, false, false, false, null);
    Map<String, float[]> weights = new java.util.HashMap<>(w.weights());
    float[] head = new float[w.vocabSize() * d];
    System.arraycopy(w.weights().get("score.weight"), 0, head, 0, d);
    weights.put("lm_head.weight", head);
    return new ReferenceLlama(arch, weights);
  }
}

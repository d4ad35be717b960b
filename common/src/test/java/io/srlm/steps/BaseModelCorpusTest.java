package io.srlm.steps;

import static org.assertj.core.api.Assertions.assertThat;

import io.srlm.tables.SeedEft;
import io.srlm.tables.SeedIft;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The built-in model's tokenizer corpus does not depend on the order in which the seed tables' rows were read. */
class BaseModelCorpusTest {
  static SeedIft ift(String id) {
    return new SeedIft("r", 0, id, "builtin", "train", "sort", "prompt " + id, "completion " + id);
  }

  static SeedEft eft(String id) {
    return new SeedEft("r", 0, id, "builtin", "train", "sort", "g", "q", "a", 3.0, 1, "judge " + id, "score " + id);
  }

  @Test
  void theCorpusIsInIdOrderWhateverTheReadOrder() {
    List<SeedIft> ift = new ArrayList<>();
    List<SeedEft> eft = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      ift.add(ift(String.format("ift-%03d", i)));
      eft.add(eft(String.format("eft-%03d", i)));
    }
    List<String> inOrder = BaseModelStep.corpus(ift, eft);
    assertThat(inOrder).hasSize(160).startsWith("prompt ift-000", "completion ift-000", "prompt ift-001")
        .endsWith("judge eft-039", "score eft-039");
    for (long seed = 1; seed <= 5; seed++) { // as a Delta read may return them: in another file order
      List<SeedIft> i2 = new ArrayList<>(ift);
      List<SeedEft> e2 = new ArrayList<>(eft);
      Collections.shuffle(i2, new Random(seed));
      Collections.shuffle(e2, new Random(seed + 100));
      assertThat(BaseModelStep.corpus(i2, e2)).isEqualTo(inOrder);
    }
  }
}

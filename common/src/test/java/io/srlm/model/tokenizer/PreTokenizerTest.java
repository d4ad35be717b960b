package io.srlm.model.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class PreTokenizerTest {

  @Test
  void digitsAreSinglePiecesAndTheRestFollowsTheGpt2Regex() {
    assertThat(PreTokenizer.split("I'm 42!")).containsExactly("I", "'m", " ", "4", "2", "!");
    assertThat(PreTokenizer.split("a   b")).containsExactly("a", "  ", " b");
    assertThat(PreTokenizer.split("x\n\ny ")).containsExactly("x", "\n", "\n", "y", " ");
    assertThat(PreTokenizer.split("Score: 5")).containsExactly("Score", ":", " ", "5");
    assertThat(PreTokenizer.split("½٣x")).containsExactly("½", "٣", "x");
    assertThat(PreTokenizer.split("a\u00a0b")).containsExactly("a", "\u00a0", "b");
    assertThat(PreTokenizer.split("")).isEmpty();
  }

  @Test
  void specialTokensAreCutOutLeftmostThenLongest() {
    List<PreTokenizer.Segment> s = PreTokenizer.splitSpecial("<|user|><s>x</s>", SpecialTokens.DEFAULT.all());
    assertThat(s).containsExactly(new PreTokenizer.Segment("<|user|>", 3), new PreTokenizer.Segment("<s>", 1),
        new PreTokenizer.Segment("x", -1), new PreTokenizer.Segment("</s>", 2));
    assertThat(PreTokenizer.splitSpecial("a<s>b", List.of("<s", "<s>"))).containsExactly(
        new PreTokenizer.Segment("a", -1), new PreTokenizer.Segment("<s>", 1), new PreTokenizer.Segment("b", -1));
  }

  @Test
  void byteLevelTable() {
    assertThat(ByteLevel.encode(" \n!é")).isEqualTo("ĠĊ!Ã©");
    assertThat(ByteLevel.decode("ĠĊ!Ã©")).isEqualTo(" \n!é");
    for (int b = 0; b < 256; b++) {
      assertThat(ByteLevel.byteOf(ByteLevel.charOf(b))).isEqualTo(b);
    }
  }
}

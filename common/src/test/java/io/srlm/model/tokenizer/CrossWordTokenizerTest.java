package io.srlm.model.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built-in model's tokenizer: mined phrases as added tokens, and words, digits and spaces as separate BPE
 * pieces. HF's binding must split and merge exactly like the trainer and the reference encoder; recurring template
 * text must collapse; and a word must be the same token wherever it appears.
 */
class CrossWordTokenizerTest {
  @TempDir
  static Path dir;

  private static BpeModel model;
  private static BpeEncoder reference;
  private static Tokenizer tokenizer;

  @BeforeAll
  static void trainAndLoad() {
    List<String> texts = new ArrayList<>(TestCorpus.texts(600_000, 21));
    for (int i = 0; i < 50; i++) {
      texts.add("Ünïcödé café — naïve “quotes” 東京タワー 😀😀 \t\ttabs\r\n    indented 'll 've don't ½ Ⅻ ٣٤");
    }
    List<String> phrases = PhraseMiner.mine(texts, SpecialTokens.DEFAULT.all(), 25, 128);
    model = ByteLevelBpeTrainer.train(texts, 1024, SpecialTokens.DEFAULT, false, phrases);
    reference = new BpeEncoder(model);
    HfTokenizerFiles.write(model, dir, 4096);
    tokenizer = Tokenizer.load(dir);
  }

  @AfterAll
  static void close() {
    tokenizer.close();
  }

  @Test
  void hfBindingMatchesTheReferenceEncoderAndRoundTrips() {
    assertThat(model.wordBoundaries()).isFalse();
    assertThat(model.phrases()).isNotEmpty().anyMatch(p -> p.contains(" "));
    List<String> samples = new ArrayList<>(TokenizerTest.samples());
    for (String p : model.phrases()) {
      samples.add("x" + p + "y " + p + p);
    }
    for (String text : samples) {
      int[] ids = tokenizer.encode(text);
      assertThat(ids).as("encode(%s)", text).containsExactly(reference.encode(text));
      assertThat(tokenizer.decode(ids, false)).as("decode(encode(%s))", text).isEqualTo(text);
      assertThat(tokenizer.decode(ids, true)).as("phrases are not special").isEqualTo(text.replaceAll(
          "<s>|</s>|<pad>|<\\|user\\|>|<\\|assistant\\|>|<\\|system\\|>", ""));
    }
    assertThat(tokenizer.vocabSize()).isEqualTo(model.vocabSize());
  }

  @Test
  void theJudgeTemplateCollapsesAndWordsAreTheSameTokenEverywhere() {
    int bytes = TestCorpus.JUDGE.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    int tokens = tokenizer.encode(TestCorpus.JUDGE).length;
    assertThat(tokens).as("judge template: %d bytes -> %d tokens", bytes, tokens).isLessThan(bytes / 8);
    int[] alone = tokenizer.encode("garden");
    int[] inList = tokenizer.encode("river garden stone");
    int[] afterColon = tokenizer.encode("Sort these words: garden");
    // The same ids wherever the word stands: alone, after a space, after a phrase token.
    assertThat(inList).containsSequence(alone);
    assertThat(java.util.Arrays.copyOfRange(afterColon, afterColon.length - alone.length, afterColon.length))
        .containsExactly(alone);
  }
}

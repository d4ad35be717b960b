package io.srlm.model.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.srlm.errors.SrlmException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The built-in tokenizer through DJL's HF tokenizers binding, checked against the Java reference encoder. */
class TokenizerTest {
  @TempDir
  static Path dir;

  private static BpeModel model;
  private static BpeEncoder reference;
  private static Tokenizer tokenizer;

  @BeforeAll
  static void trainAndLoad() {
    List<String> texts = new ArrayList<>(TestCorpus.texts(600_000, 21));
    // Some text outside the task domain, so that merges of multi-byte characters and whitespace exist.
    for (int i = 0; i < 50; i++) {
      texts.add("Ünïcödé café — naïve “quotes” 東京タワー 😀😀 \t\ttabs\r\n    indented 'll 've don't ½ Ⅻ ٣٤");
    }
    model = ByteLevelBpeTrainer.train(texts, 1024, SpecialTokens.DEFAULT);
    reference = new BpeEncoder(model);
    HfTokenizerFiles.write(model, dir, 4096);
    tokenizer = Tokenizer.load(dir);
  }

  @AfterAll
  static void close() {
    tokenizer.close();
  }

  static List<String> samples() {
    List<String> s = new ArrayList<>(List.of(
        "", " ", "a", "What is 17 + 25?", "42", "  leading spaces", "trailing spaces   ", "a  b   c    d",
        "line one\nline two\r\nline three\n\n\n", "\ttab\t\tinside", "don't we'll they're I'm she'd it's YOU'RE",
        "1234567890 3.14159 -7 1e10 0x1F", "x=1;y=2;z=[3,4]", "Punctuation!?... (brackets) {braces} <angle>",
        "Score: 5", TestCorpus.JUDGE, "Café naïve straße façade", "東京は日本の首都です。", "Привет, мир!",
        "مرحبا بالعالم ١٢٣", "emoji 😀👍🏽 family 👨‍👩‍👧", "combining e\u0301 a\u0308", "nbsp\u00a0here",
        "ideographic\u3000space", "nel\u0085line", "line\u2028separator", "½ ⅓ Ⅻ ² ٣", "   ", "\n", "!!!",
        "<s>", "</s>", "<pad>", "<|user|>hi<|assistant|>ho</s>", "<s><s>", "<|user", "user|>", "<|usr|>",
        "a<|system|>b", "x</s>y<s>z"));
    Random r = new Random(99);
    String pool = "abcXYZ019 \t\n.,;:'\"!?-_()[]{}<>|/\\+*=&%$#@~`éüñßçø東京😀\u00a0\u3000ー٣";
    for (int i = 0; i < 400; i++) {
      StringBuilder b = new StringBuilder();
      int len = r.nextInt(40);
      for (int j = 0; j < len; j++) {
        int cp = pool.codePointAt(pool.offsetByCodePoints(0, r.nextInt(pool.codePointCount(0, pool.length()))));
        b.appendCodePoint(cp);
      }
      s.add(b.toString());
    }
    return s;
  }

  @Test
  void hfBindingMatchesTheReferenceEncoder() {
    for (String text : samples()) {
      assertThat(tokenizer.encode(text)).as("encode(%s)", text).containsExactly(reference.encode(text));
    }
  }

  @Test
  void decodeInvertsEncode() {
    for (String text : samples()) {
      int[] ids = tokenizer.encode(text);
      assertThat(tokenizer.decode(ids, false)).as("decode(encode(%s))", text).isEqualTo(text);
      assertThat(reference.decode(ids)).isEqualTo(text);
    }
  }

  @Test
  void unpairedSurrogatesBecomeReplacementCharacters() {
    for (String text : List.of("a\uD800b", "\uDFFF", "x\uD83D")) {
      assertThat(tokenizer.encode(text)).containsExactly(reference.encode(text));
    }
    assertThat(tokenizer.decode(tokenizer.encode("a\uD800b"), false)).isEqualTo("a\uFFFDb");
  }

  @Test
  void usableFromSeveralThreads() {
    List<String> texts = samples();
    List<int[]> expected = texts.stream().map(reference::encode).toList();
    java.util.stream.IntStream.range(0, 4 * texts.size()).parallel().forEach(i -> {
      int k = i % texts.size();
      assertThat(tokenizer.encode(texts.get(k))).containsExactly(expected.get(k));
      assertThat(tokenizer.renderChat(List.of(ChatMessage.user(texts.get(k))), true))
          .isEqualTo("<s><|user|>" + texts.get(k) + "<|assistant|>");
    });
  }

  @Test
  void specialTokensInTextMapToTheirIds() {
    int[] ids = tokenizer.encode("<s><|user|>hi<|assistant|>ok</s>");
    assertThat(ids[0]).isEqualTo(1);
    assertThat(ids[1]).isEqualTo(3);
    assertThat(ids[ids.length - 1]).isEqualTo(2);
    assertThat(tokenizer.encode("<|system|>")).containsExactly(5);
    assertThat(tokenizer.encode("<pad>")).containsExactly(0);
    assertThat(tokenizer.encode("<|user")).doesNotContain(3);
    assertThat(tokenizer.decode(ids, true)).isEqualTo("hiok");
    assertThat(tokenizer.decode(ids, false)).isEqualTo("<s><|user|>hi<|assistant|>ok</s>");
  }

  @Test
  void longTextIsNotTruncated() {
    StringBuilder b = new StringBuilder();
    while (b.length() < 3000) {
      b.append("0123456789");
    }
    String text = b.toString();
    int[] ids = tokenizer.encode(text);
    assertThat(ids).hasSize(3000); // one token per digit
    assertThat(tokenizer.decode(ids, false)).isEqualTo(text);
    String prose = String.join(" ", java.util.Collections.nCopies(600, TestCorpus.JUDGE));
    int[] proseIds = tokenizer.encodePrompt(prose);
    assertThat(proseIds.length).isGreaterThan(2000);
    assertThat(tokenizer.decode(proseIds, true)).isEqualTo(prose);
  }

  @Test
  void vocabularyAndSpecialIds() {
    assertThat(tokenizer.vocabSize()).isEqualTo(1024);
    assertThat(tokenizer.bosId()).hasValue(1);
    assertThat(tokenizer.eosIds()).containsExactly(2);
    assertThat(tokenizer.padId()).isZero();
    assertThat(tokenizer.addsBosToken()).isTrue();
    assertThat(tokenizer.addsEosToken()).isFalse();
    assertThat(tokenizer.chatTemplate().source()).isEqualTo(ChatTemplate.BUILTIN);
  }

  @Test
  void encodePromptAddsBosOnce() {
    int[] plain = tokenizer.encode("What is 1 + 1?");
    int[] prompt = tokenizer.encodePrompt("What is 1 + 1?");
    assertThat(prompt[0]).isEqualTo(1);
    assertThat(java.util.Arrays.copyOfRange(prompt, 1, prompt.length)).containsExactly(plain);
    assertThat(tokenizer.encodePrompt("<s>What is 1 + 1?")).containsExactly(prompt);
    assertThat(tokenizer.encodePrompt("")).containsExactly(1);
  }

  @Test
  void chatWithTheBuiltinTemplate() {
    List<ChatMessage> chat = List.of(ChatMessage.user("What is 2 + 3?"), ChatMessage.assistant("5"),
        ChatMessage.user("And 4 + 4?"));
    String text = tokenizer.renderChat(chat, true);
    assertThat(text).isEqualTo("<s><|user|>What is 2 + 3?<|assistant|>5</s><|user|>And 4 + 4?<|assistant|>");
    int[] ids = tokenizer.encodeChat(chat, true);
    assertThat(ids).containsExactly(tokenizer.encode(text));
    assertThat(ids[0]).isEqualTo(1);
    assertThat(ids[1]).isEqualTo(3);
    assertThat(ids[ids.length - 1]).isEqualTo(4);
    assertThat(java.util.Arrays.stream(ids).filter(id -> id == 1).count()).isEqualTo(1);
  }

  @Test
  void judgePromptIsCompact() {
    String judged = TestCorpus.JUDGE.replace("{prompt}", "What is 12 + 30?").replace("{response}", "42");
    int[] ids = tokenizer.encode(judged);
    assertThat(ids).containsExactly(reference.encode(judged));
    assertThat((double) ids.length / judged.length()).isLessThan(0.3);
  }

  @Test
  void useAfterCloseIsAnError() {
    Tokenizer t = Tokenizer.load(dir);
    t.close();
    t.close(); // idempotent
    assertThatThrownBy(() -> t.encode("x")).isInstanceOf(SrlmException.class).hasMessageContaining("after close()");
  }
}

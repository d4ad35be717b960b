package io.srlm.model.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.srlm.errors.ErrorCode;
import io.srlm.errors.SrlmException;
import io.srlm.util.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ByteLevelBpeTrainerTest {

  @Test
  void idsStartWithSpecialTokensThenBytesAndReachTheRequestedSize() {
    BpeModel m = ByteLevelBpeTrainer.train(TestCorpus.texts(600_000, 1), 1024, SpecialTokens.DEFAULT);

    assertThat(m.vocabSize()).isEqualTo(1024);
    assertThat(m.vocab().subList(0, 6)).containsExactly("<pad>", "<s>", "</s>", "<|user|>", "<|assistant|>",
        "<|system|>");
    assertThat(m.firstByteId()).isEqualTo(6);
    assertThat(m.vocab().get(6 + 'a')).isEqualTo("a");
    assertThat(m.vocab().get(6 + ' ')).isEqualTo("Ġ");
    assertThat(m.vocab().get(6 + '\n')).isEqualTo("Ċ");
    assertThat(m.vocab().get(6 + 255)).isEqualTo("ÿ");
    assertThat(m.vocab()).doesNotHaveDuplicates();
    assertThat(m.merges()).hasSizeGreaterThanOrEqualTo(1024 - 262);
    // Special tokens inside the training text are not learned from.
    assertThat(m.vocab().subList(6, m.vocabSize())).noneMatch(t -> t.contains("<|"));
  }

  @Test
  void sameCorpusGivesTheSameTokenizerWhateverTheOrder(@TempDir Path dir) throws Exception {
    List<String> texts = TestCorpus.texts(200_000, 7);
    List<String> shuffled = new ArrayList<>(texts);
    Collections.shuffle(shuffled, new Random(3));

    BpeModel a = ByteLevelBpeTrainer.train(texts, 800, SpecialTokens.DEFAULT);
    BpeModel b = ByteLevelBpeTrainer.train(shuffled, 800, SpecialTokens.DEFAULT);
    assertThat(b).isEqualTo(a);

    HfTokenizerFiles.write(a, dir.resolve("a"), 512);
    HfTokenizerFiles.write(b, dir.resolve("b"), 512);
    for (String f : List.of("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json")) {
      assertThat(Files.readString(dir.resolve("b").resolve(f))).isEqualTo(Files.readString(dir.resolve("a")
          .resolve(f)));
    }
  }

  @Test
  void tiesGoToTheLexicographicallySmallestPair() {
    // "ab" and "cd" occur equally often: "a"+"b" wins, then "c"+"d".
    BpeModel m = ByteLevelBpeTrainer.train(List.of("cd ab cd ab"), 264, SpecialTokens.DEFAULT);
    assertThat(m.merges()).containsExactly(new BpeModel.Merge("a", "b"), new BpeModel.Merge("c", "d"));
  }

  @Test
  void mostFrequentPairIsMergedFirst() {
    BpeModel m = ByteLevelBpeTrainer.train(List.of("xy xy xy ab"), 263, SpecialTokens.DEFAULT);
    assertThat(m.merges()).containsExactly(new BpeModel.Merge("x", "y"));
    assertThat(m.vocab().get(262)).isEqualTo("xy");
  }

  @Test
  void incrementalCountsGiveTheSameMergesAsRecountingEveryStep() {
    List<String> texts = new ArrayList<>(TestCorpus.texts(20_000, 8));
    texts.add("aaaa aaa aaaaaaa abab ababab bababa aabbaabb x<s>y<|user|>z  \n\n  \t  café 😀😀 12 345");
    BpeModel m = ByteLevelBpeTrainer.train(texts, 700, SpecialTokens.DEFAULT);
    assertThat(m.merges()).containsExactlyElementsOf(naiveMerges(texts, 700, SpecialTokens.DEFAULT));
  }

  /** Textbook BPE: recount every pair after each merge. Slow, obviously right. */
  static List<BpeModel.Merge> naiveMerges(List<String> texts, int vocabSize, SpecialTokens specials) {
    Map<List<String>, Long> words = new HashMap<>();
    for (String text : texts) {
      for (PreTokenizer.Segment seg : PreTokenizer.splitSpecial(text, specials.all())) {
        if (!seg.isSpecial()) {
          for (String piece : PreTokenizer.split(seg.text())) {
            List<String> symbols = new ArrayList<>();
            ByteLevel.encode(piece).chars().forEach(c -> symbols.add(String.valueOf((char) c)));
            words.merge(symbols, 1L, Long::sum);
          }
        }
      }
    }
    Set<String> vocab = new HashSet<>(specials.all());
    for (int b = 0; b < 256; b++) {
      vocab.add(String.valueOf(ByteLevel.charOf(b)));
    }
    List<BpeModel.Merge> merges = new ArrayList<>();
    while (vocab.size() < vocabSize) {
      Map<BpeModel.Merge, Long> counts = new HashMap<>();
      words.forEach((w, n) -> {
        for (int i = 0; i + 1 < w.size(); i++) {
          counts.merge(new BpeModel.Merge(w.get(i), w.get(i + 1)), n, Long::sum);
        }
      });
      BpeModel.Merge best = counts.keySet().stream().min(Comparator.comparing((BpeModel.Merge p) -> -counts.get(p))
          .thenComparing(BpeModel.Merge::left).thenComparing(BpeModel.Merge::right)).orElse(null);
      if (best == null) {
        break;
      }
      merges.add(best);
      vocab.add(best.merged());
      Map<List<String>, Long> merged = new HashMap<>();
      words.forEach((w, n) -> {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < w.size(); i++) {
          if (i + 1 < w.size() && w.get(i).equals(best.left()) && w.get(i + 1).equals(best.right())) {
            out.add(best.merged());
            i++;
          } else {
            out.add(w.get(i));
          }
        }
        merged.merge(out, n, Long::sum);
      });
      words = merged;
    }
    return merges;
  }

  @Test
  void smallCorpusStopsWhenNothingIsLeftToMerge() {
    BpeModel m = ByteLevelBpeTrainer.train(List.of("abc"), 1024, SpecialTokens.DEFAULT);
    assertThat(m.vocab().subList(262, m.vocabSize())).containsExactly("ab", "abc");
  }

  @Test
  void tooSmallVocabIsAClearError() {
    assertThatThrownBy(() -> ByteLevelBpeTrainer.train(List.of("x"), 100, SpecialTokens.DEFAULT))
        .isInstanceOf(SrlmException.class)
        .hasMessageContaining("vocab size of 100 is too small")
        .hasMessageContaining("at least 262")
        .extracting(e -> ((SrlmException) e).code()).isEqualTo(ErrorCode.TOKENIZER);
  }

  @Test
  void trainsOnTwoMegabytesInAFewSeconds() {
    // Half the built-in style corpus, half made-up prose with many distinct words (the slow case for BPE).
    List<String> texts = new ArrayList<>(TestCorpus.texts(1_000_000, 11));
    Random r = new Random(12);
    for (int total = 0; total < 1_000_000; ) {
      StringBuilder paragraph = new StringBuilder();
      while (paragraph.length() < 1000) {
        paragraph.append(TestCorpus.pseudoWord(r)).append(r.nextInt(12) == 0 ? ".\n" : " ");
      }
      texts.add(paragraph.toString());
      total += paragraph.length();
    }
    long start = System.nanoTime();
    BpeModel m = ByteLevelBpeTrainer.train(texts, 1024, SpecialTokens.DEFAULT);
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf("BPE training on %d chars to %d tokens: %.2f s%n",
        texts.stream().mapToInt(String::length).sum(), m.vocabSize(), seconds);
    assertThat(m.vocabSize()).isEqualTo(1024);
    // Generous bound: the build machine is shared; typical runs take well under this.
    assertThat(seconds).isLessThan(15);
  }

  @Test
  void judgeTemplateCompressesToWellUnderAThirdOfItsBytes() {
    BpeModel m = ByteLevelBpeTrainer.train(TestCorpus.texts(300_000, 5), 1024, SpecialTokens.DEFAULT);
    String judged = TestCorpus.JUDGE.replace("{prompt}", "What is 12 + 30?").replace("{response}", "42");
    int bytes = judged.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    int tokens = new BpeEncoder(m).encode(judged).length;
    double ratio = (double) tokens / bytes;
    System.out.printf("Judge prompt: %d bytes -> %d tokens (ratio %.3f), %d pre-tokens%n", bytes, tokens, ratio,
        PreTokenizer.split(judged).size());
    // Every pre-token of the paragraph became one token: the most the pre-tokenizer allows.
    assertThat(tokens).isEqualTo(PreTokenizer.split(judged).size());
    assertThat(ratio).isLessThan(0.3);
  }

  @Test
  void writesTheHfFileLayout(@TempDir Path dir) throws Exception {
    BpeModel m = ByteLevelBpeTrainer.train(TestCorpus.texts(50_000, 2), 400, SpecialTokens.DEFAULT);
    HfTokenizerFiles.write(m, dir, 2048);

    var tok = Json.MAPPER.readTree(dir.resolve("tokenizer.json").toFile());
    assertThat(tok.get("version").asText()).isEqualTo("1.0");
    assertThat(tok.get("truncation").isNull()).isTrue();
    assertThat(tok.get("padding").isNull()).isTrue();
    assertThat(tok.get("normalizer").isNull()).isTrue();
    assertThat(tok.get("post_processor").isNull()).isTrue();
    assertThat(tok.get("added_tokens")).hasSize(6);
    assertThat(tok.get("added_tokens").get(4).get("content").asText()).isEqualTo("<|assistant|>");
    assertThat(tok.get("added_tokens").get(4).get("id").asInt()).isEqualTo(4);
    assertThat(tok.get("added_tokens").get(4).get("special").asBoolean()).isTrue();
    assertThat(tok.at("/pre_tokenizer/type").asText()).isEqualTo("Sequence");
    assertThat(tok.at("/pre_tokenizer/pretokenizers/0/type").asText()).isEqualTo("Digits");
    assertThat(tok.at("/pre_tokenizer/pretokenizers/0/individual_digits").asBoolean()).isTrue();
    assertThat(tok.at("/pre_tokenizer/pretokenizers/1/type").asText()).isEqualTo("ByteLevel");
    assertThat(tok.at("/pre_tokenizer/pretokenizers/1/add_prefix_space").asBoolean()).isFalse();
    assertThat(tok.at("/decoder/type").asText()).isEqualTo("ByteLevel");
    assertThat(tok.at("/model/type").asText()).isEqualTo("BPE");
    assertThat(tok.at("/model/byte_fallback").asBoolean()).isFalse();
    assertThat(tok.at("/model/unk_token").isNull()).isTrue();
    assertThat(tok.at("/model/vocab")).hasSize(400);
    assertThat(tok.at("/model/vocab/Ġ").asInt()).isEqualTo(6 + 32);
    assertThat(tok.at("/model/merges/0").asText()).isEqualTo(m.merges().get(0).left() + " "
        + m.merges().get(0).right());

    var cfg = Json.MAPPER.readTree(dir.resolve("tokenizer_config.json").toFile());
    assertThat(cfg.get("bos_token").asText()).isEqualTo("<s>");
    assertThat(cfg.get("eos_token").asText()).isEqualTo("</s>");
    assertThat(cfg.get("pad_token").asText()).isEqualTo("<pad>");
    assertThat(cfg.get("add_bos_token").asBoolean()).isTrue();
    assertThat(cfg.get("add_eos_token").asBoolean()).isFalse();
    assertThat(cfg.get("model_max_length").asInt()).isEqualTo(2048);
    assertThat(cfg.get("tokenizer_class").asText()).isEqualTo("PreTrainedTokenizerFast");
    assertThat(cfg.get("chat_template").asText()).isEqualTo(ChatTemplate.BUILTIN);

    var map = Json.MAPPER.readTree(dir.resolve("special_tokens_map.json").toFile());
    assertThat(map.get("eos_token").asText()).isEqualTo("</s>");
    assertThat(map.get("additional_special_tokens")).hasSize(3);
  }
}

package io.srlm.model.tokenizer;

import io.srlm.errors.Errors;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains a byte-level BPE tokenizer for the built-in tiny model, so that its long, repetitive prompts (the judge
 * template, task prompts) cost few tokens while any byte sequence stays encodable (there is no unknown token).
 *
 * <p>The training text is split exactly as HF tokenizers will split it at run time (see {@link PreTokenizer}): the
 * special tokens are cut out, each digit is a piece of its own, the rest follows the GPT-2 regex, and the bytes are
 * mapped through the GPT-2 byte-to-unicode table. Merges are counted over the unique pre-tokens weighted by their
 * counts. Each step merges the most frequent adjacent pair; ties go to the lexicographically smallest pair (left
 * token, then right token, by {@link String#compareTo}), so the same corpus always yields the same tokenizer.
 * Training stops when the vocabulary reaches the requested size, or earlier when no adjacent pair is left (a corpus
 * too small for the size; a warning is logged).
 *
 * <p>Write the result with {@link HfTokenizerFiles#write}; {@link BpeEncoder} is a reference encoder for it.
 */
public final class ByteLevelBpeTrainer {
  private static final Logger LOG = LoggerFactory.getLogger(ByteLevelBpeTrainer.class);

  /** Bits per token id in a pair key; vocabularies are limited to 2^21 tokens. */
  private static final int PAIR_BITS = 21;

  /** The largest vocabulary the trainer accepts. */
  public static final int MAX_VOCAB_SIZE = 1 << PAIR_BITS;

  private ByteLevelBpeTrainer() {}

  /**
   * Trains a tokenizer.
   *
   * @param texts training texts (special tokens inside them are recognised and not learned from)
   * @param vocabSize the target vocabulary size, special and byte tokens included
   * @param specials the special tokens, which take the first ids
   * @return the trained model
   */
  public static BpeModel train(List<String> texts, int vocabSize, SpecialTokens specials) {
    return train(texts, vocabSize, specials, true);
  }

  /**
   * Trains a tokenizer; with {@code wordBoundaries} false, merges may span spaces (see
   * {@link BpeModel#wordBoundaries()}).
   */
  public static BpeModel train(List<String> texts, int vocabSize, SpecialTokens specials, boolean wordBoundaries) {
    return train(texts, vocabSize, specials, wordBoundaries, List.of());
  }

  /**
   * Trains a tokenizer whose {@code phrases} are added tokens (see {@link BpeModel#phrases()}); they count towards
   * {@code vocabSize}, are cut out of the text before counting, and take the ids after the merges.
   */
  public static BpeModel train(List<String> texts, int vocabSize, SpecialTokens specials, boolean wordBoundaries,
      List<String> phrases) {
    List<String> specialList = specials.all();
    int firstByte = specialList.size();
    if (vocabSize < firstByte + 256) {
      throw Errors.tokenizer("tokenizer.json", "a vocab size of " + vocabSize + " is too small: the "
          + firstByte + " special tokens and the 256 byte tokens need " + (firstByte + 256),
          "set a vocab size of at least " + (firstByte + 256) + " (1024 suits the built-in model)");
    }
    if (vocabSize - phrases.size() < firstByte + 256) {
      throw Errors.tokenizer("tokenizer.json", phrases.size() + " phrase tokens leave no room in a vocab of "
          + vocabSize, "raise the vocab size or use fewer phrases");
    }
    if (vocabSize > MAX_VOCAB_SIZE) {
      throw Errors.tokenizer("tokenizer.json", "a vocab size of " + vocabSize + " is too large for the trainer",
          "set a vocab size of at most " + MAX_VOCAB_SIZE);
    }
    List<String> vocab = new ArrayList<>(vocabSize);
    Map<String, Integer> ids = new HashMap<>();
    for (String s : specialList) {
      ids.put(s, vocab.size());
      vocab.add(s);
    }
    for (int b = 0; b < 256; b++) {
      String token = String.valueOf(ByteLevel.charOf(b));
      if (ids.containsKey(token)) {
        throw Errors.tokenizer("tokenizer.json", "the special token '" + token + "' is also a byte token",
            "use special tokens of more than one character, such as <|name|>");
      }
      ids.put(token, vocab.size());
      vocab.add(token);
    }
    List<String> cutOut = new ArrayList<>(specialList);
    cutOut.addAll(phrases);
    Words words = countWords(texts, cutOut, firstByte, wordBoundaries);
    List<BpeModel.Merge> merges = new ArrayList<>();
    int bpeSize = vocabSize - phrases.size();
    new Merger(words, vocab, ids, merges).run(bpeSize);
    if (vocab.size() < bpeSize) {
      LOG.warn("BPE training stopped at {} tokens (asked for {}): the corpus has no adjacent pairs left to merge",
          vocab.size(), vocabSize);
    }
    return new BpeModel(specials, vocab, merges, wordBoundaries, phrases);
  }

  /** Unique pre-tokens as byte-token ids, with their counts. */
  private record Words(int[][] symbols, long[] counts) {}

  private static Words countWords(List<String> texts, List<String> specials, int firstByte, boolean regex) {
    // The word order does not matter: counts add up the same and ties are broken by the token strings.
    Map<String, long[]> counts = new HashMap<>();
    for (String text : texts) {
      for (PreTokenizer.Segment segment : PreTokenizer.splitSpecial(text, specials)) {
        if (segment.isSpecial()) {
          continue;
        }
        for (String piece : PreTokenizer.split(segment.text(), regex)) {
          counts.computeIfAbsent(piece, k -> new long[1])[0]++;
        }
      }
    }
    int[][] symbols = new int[counts.size()][];
    long[] wordCounts = new long[counts.size()];
    int w = 0;
    for (Map.Entry<String, long[]> e : counts.entrySet()) {
      byte[] bytes = ByteLevel.wellFormed(e.getKey()).getBytes(StandardCharsets.UTF_8);
      int[] s = new int[bytes.length];
      for (int i = 0; i < s.length; i++) {
        s[i] = firstByte + (bytes[i] & 0xFF);
      }
      symbols[w] = s;
      wordCounts[w] = e.getValue()[0];
      w++;
    }
    return new Words(symbols, wordCounts);
  }

  /** The merge loop: pair counts, the words each pair occurs in, and a max-heap of candidate pairs. */
  private static final class Merger {
    private final int[][] words;
    private final long[] wordCounts;
    private final List<String> vocab;
    private final Map<String, Integer> ids;
    private final List<BpeModel.Merge> merges;
    private final Map<Long, Long> pairCounts = new HashMap<>();
    private final Map<Long, List<Integer>> pairWords = new HashMap<>();
    private final PriorityQueue<Candidate> heap;
    private final int[] visited;

    /** A heap entry; its count may be stale and is checked against pairCounts when polled. */
    private record Candidate(long count, int left, int right) {}

    Merger(Words w, List<String> vocab, Map<String, Integer> ids, List<BpeModel.Merge> merges) {
      this.words = w.symbols();
      this.wordCounts = w.counts();
      this.vocab = vocab;
      this.ids = ids;
      this.merges = merges;
      this.visited = new int[words.length];
      Comparator<Candidate> order = Comparator.comparingLong(Candidate::count).reversed()
          .thenComparing(c -> vocab.get(c.left()))
          .thenComparing(c -> vocab.get(c.right()));
      this.heap = new PriorityQueue<>(order);
    }

    void run(int vocabSize) {
      for (int w = 0; w < words.length; w++) {
        int[] s = words[w];
        for (int i = 0; i + 1 < s.length; i++) {
          long key = key(s[i], s[i + 1]);
          pairCounts.merge(key, wordCounts[w], Long::sum);
          List<Integer> list = pairWords.computeIfAbsent(key, k -> new ArrayList<>());
          if (list.isEmpty() || list.get(list.size() - 1) != w) {
            list.add(w);
          }
        }
      }
      pairCounts.forEach((k, c) -> heap.add(new Candidate(c, left(k), right(k))));
      int step = 0;
      while (vocab.size() < vocabSize && !heap.isEmpty()) {
        Candidate top = heap.poll();
        long key = key(top.left(), top.right());
        long current = pairCounts.getOrDefault(key, 0L);
        if (current != top.count()) {
          if (current > 0) {
            heap.add(new Candidate(current, top.left(), top.right()));
          }
          continue;
        }
        merge(top.left(), top.right(), ++step);
      }
    }

    private void merge(int a, int b, int step) {
      String merged = vocab.get(a) + vocab.get(b);
      Integer existing = ids.get(merged);
      int c;
      if (existing != null) {
        c = existing;
      } else {
        c = vocab.size();
        vocab.add(merged);
        ids.put(merged, c);
      }
      merges.add(new BpeModel.Merge(vocab.get(a), vocab.get(b)));
      List<Integer> affected = pairWords.remove(key(a, b));
      Set<Long> grown = new LinkedHashSet<>();
      for (int w : affected) {
        if (visited[w] == step) {
          continue;
        }
        visited[w] = step;
        int[] old = words[w];
        int[] updated = replace(old, a, b, c, wordCounts[w], grown);
        if (updated == old) {
          continue;
        }
        for (int i = 0; i + 1 < updated.length; i++) {
          if (updated[i] == c || updated[i + 1] == c) {
            // Only pairs with the new token can be new to this word.
            pairWords.computeIfAbsent(key(updated[i], updated[i + 1]), x -> new ArrayList<>()).add(w);
          }
        }
        words[w] = updated;
      }
      pairCounts.remove(key(a, b));
      for (long k : grown) {
        Long count = pairCounts.get(k);
        if (count != null) {
          heap.add(new Candidate(count, left(k), right(k)));
        }
      }
    }

    /**
     * Replaces each non-overlapping (a, b), left to right, by c, and updates the counts of the neighbouring pairs by
     * {@code n} (the word's count); pairs that gain are added to {@code grown}. Returns {@code s} itself when the word
     * has no (a, b). The count of (a, b) itself is left to the caller.
     */
    private int[] replace(int[] s, int a, int b, int c, long n, Set<Long> grown) {
      int[] out = null;
      int len = 0;
      int i = 0;
      while (i < s.length) {
        if (i + 1 < s.length && s[i] == a && s[i + 1] == b) {
          if (out == null) {
            out = new int[s.length - 1];
            System.arraycopy(s, 0, out, 0, i);
            len = i;
          }
          if (len > 0) {
            int prev = out[len - 1];
            add(key(prev, a), -n, null);
            add(key(prev, c), n, grown);
          }
          if (i + 2 < s.length) {
            int next = s[i + 2];
            add(key(b, next), -n, null);
            add(key(c, next), n, grown);
          }
          out[len++] = c;
          i += 2;
        } else {
          if (out != null) {
            out[len++] = s[i];
          }
          i++;
        }
      }
      if (out == null) {
        return s;
      }
      return len == out.length ? out : Arrays.copyOf(out, len);
    }

    private void add(long key, long delta, Set<Long> grown) {
      long count = pairCounts.getOrDefault(key, 0L) + delta;
      if (count == 0) {
        pairCounts.remove(key);
      } else {
        pairCounts.put(key, count);
      }
      if (grown != null) {
        grown.add(key);
      }
    }

    /**
     * A pair as one long. Not {@code a << 32 | b}: {@link Long#hashCode} would then be {@code a ^ b}, and the pair map
     * would degrade into a few tree bins. With 21 bits, keys of vocabularies under 2048 tokens hash uniquely.
     */
    private static long key(int a, int b) {
      return ((long) a << PAIR_BITS) | b;
    }

    private static int left(long key) {
      return (int) (key >>> PAIR_BITS);
    }

    private static int right(long key) {
      return (int) (key & ((1L << PAIR_BITS) - 1));
    }
  }
}

package io.srlm.model.tokenizer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A plain-Java reference encoder for a {@link BpeModel}, for cross-checking what HF tokenizers does with the
 * {@code tokenizer.json} that {@link HfTokenizerFiles} writes. Special tokens are cut out first (leftmost, then
 * longest), the rest is pre-tokenized like {@link PreTokenizer}, mapped to byte-level characters, and each pre-token's
 * symbols are merged by rank: the lowest-ranked adjacent pair first, the leftmost on ties, until no merge applies.
 * Not optimised; use {@link Tokenizer} at run time.
 */
public final class BpeEncoder {
  private final BpeModel model;
  private final List<String> specials;
  private final Map<String, Integer> ids = new HashMap<>();
  /** (left id, right id) to {rank, merged id}. */
  private final Map<Long, int[]> ranks = new HashMap<>();

  public BpeEncoder(BpeModel model) {
    this.model = model;
    this.specials = model.addedTokens();
    List<String> vocab = model.vocab();
    for (int i = 0; i < vocab.size(); i++) {
      ids.putIfAbsent(vocab.get(i), i);
    }
    List<BpeModel.Merge> merges = model.merges();
    for (int r = 0; r < merges.size(); r++) {
      BpeModel.Merge m = merges.get(r);
      ranks.putIfAbsent(key(ids.get(m.left()), ids.get(m.right())), new int[] {r, ids.get(m.merged())});
    }
  }

  /** Encodes {@code text}; special tokens in it map to their ids, nothing is added. */
  public int[] encode(String text) {
    List<Integer> out = new ArrayList<>();
    for (PreTokenizer.Segment segment : PreTokenizer.splitSpecial(text, specials)) {
      if (segment.isSpecial()) {
        int k = segment.special();
        out.add(k < model.specialTokens().all().size() ? k : model.phraseId(k - model.specialTokens().all().size()));
        continue;
      }
      for (String piece : PreTokenizer.split(segment.text(), model.wordBoundaries())) {
        out.addAll(mergeWord(piece));
      }
    }
    return out.stream().mapToInt(Integer::intValue).toArray();
  }

  /** Decodes ids to text, special tokens included. */
  public String decode(int[] tokenIds) {
    StringBuilder byteLevel = new StringBuilder();
    StringBuilder text = new StringBuilder();
    for (int id : tokenIds) {
      int nSpecial = model.specialTokens().all().size();
      if (id < nSpecial || id >= model.vocab().size()) {
        String added = id < nSpecial ? specials.get(id) : model.phrases().get(id - model.vocab().size());
        text.append(ByteLevel.decode(byteLevel.toString())).append(added);
        byteLevel.setLength(0);
      } else {
        byteLevel.append(model.vocab().get(id));
      }
    }
    return text.append(ByteLevel.decode(byteLevel.toString())).toString();
  }

  private List<Integer> mergeWord(String piece) {
    String chars = ByteLevel.encode(piece);
    List<Integer> symbols = new ArrayList<>(chars.length());
    for (int i = 0; i < chars.length(); i++) {
      symbols.add(model.firstByteId() + ByteLevel.byteOf(chars.charAt(i)));
    }
    while (symbols.size() > 1) {
      int bestAt = -1;
      int[] best = null;
      for (int i = 0; i + 1 < symbols.size(); i++) {
        int[] rank = ranks.get(key(symbols.get(i), symbols.get(i + 1)));
        if (rank != null && (best == null || rank[0] < best[0])) {
          best = rank;
          bestAt = i;
        }
      }
      if (best == null) {
        break;
      }
      symbols.set(bestAt, best[1]);
      symbols.remove(bestAt + 1);
    }
    return symbols;
  }

  /** A pair as one long; shifted by 21 rather than 32 bits so that {@link Long#hashCode} spreads small ids. */
  private static long key(int a, int b) {
    return ((long) a << 21) ^ b;
  }
}

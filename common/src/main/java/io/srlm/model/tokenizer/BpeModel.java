package io.srlm.model.tokenizer;

import io.srlm.errors.Errors;
import java.util.List;

/**
 * A trained byte-level BPE tokenizer: the vocabulary in id order and the merges in rank order. Ids: the special tokens
 * first (their raw text), then the 256 byte tokens in byte order (as GPT-2 byte-level characters), then one token
 * per merge that produced a new string.
 *
 * @param specialTokens the special tokens, ids {@code 0 .. specialTokens.all().size() - 1}
 * @param vocab token strings by id
 * @param merges merges by rank (rank 0 first)
 * @param wordBoundaries true: text is pre-split with the GPT-2 regex (words keep their leading space, the usual
 *     byte-level BPE); false: words, single digits, punctuation runs and whitespace runs are separate pieces, so a
 *     word is the same token wherever it appears (after a space, at the start of an answer...)
 * @param phrases recurring multi-word phrases (template lines, task phrasings) that are added tokens: matched in
 *     the raw text like special tokens, one token each, ids following the BPE vocabulary; empty for none
 */
public record BpeModel(SpecialTokens specialTokens, List<String> vocab, List<Merge> merges,
    boolean wordBoundaries, List<String> phrases) {

  /** A model with word boundaries (GPT-2 regex pre-tokenization) and no phrase tokens. */
  public BpeModel(SpecialTokens specialTokens, List<String> vocab, List<Merge> merges) {
    this(specialTokens, vocab, merges, true, List.of());
  }

  /**
   * One merge: the two adjacent tokens (byte-level strings) that become one.
   *
   * @param left left token
   * @param right right token
   */
  public record Merge(String left, String right) {
    /** The token the merge produces. */
    public String merged() {
      return left + right;
    }

    /** The merge as HF tokenizers writes it: {@code "left right"} (byte-level tokens never contain a space). */
    @Override
    public String toString() {
      return left + " " + right;
    }
  }

  public BpeModel {
    vocab = List.copyOf(vocab);
    merges = List.copyOf(merges);
    phrases = List.copyOf(phrases);
    List<String> specials = specialTokens.all();
    if (vocab.size() < specials.size() + 256 || !vocab.subList(0, specials.size()).equals(specials)) {
      throw Errors.internal("a BPE vocabulary must start with the special tokens and the 256 byte tokens", null);
    }
  }

  /** Number of tokens, including the special tokens and the phrase tokens. */
  public int vocabSize() {
    return vocab.size() + phrases.size();
  }

  /** Id of phrase {@code i}. */
  public int phraseId(int i) {
    return vocab.size() + i;
  }

  /** Special tokens then phrases: every string matched in raw text before pre-tokenization, in id order. */
  public List<String> addedTokens() {
    List<String> out = new java.util.ArrayList<>(specialTokens.all());
    out.addAll(phrases);
    return out;
  }

  /** Id of the first byte token (byte {@code b} has id {@code firstByteId() + b}). */
  public int firstByteId() {
    return specialTokens.all().size();
  }
}

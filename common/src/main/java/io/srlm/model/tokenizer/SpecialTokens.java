package io.srlm.model.tokenizer;

import io.srlm.errors.Errors;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The special tokens of a tokenizer trained by {@link ByteLevelBpeTrainer}. They take the first ids, in the order of
 * {@link #all()}: pad, bos, eos, then the additional tokens.
 *
 * @param pad padding token ({@code <pad>} by default)
 * @param bos beginning-of-sequence token ({@code <s>})
 * @param eos end-of-sequence token ({@code </s>})
 * @param additional further special tokens, e.g. the chat role markers
 */
public record SpecialTokens(String pad, String bos, String eos, List<String> additional) {

  /** The chat role markers used by {@link ChatTemplate#BUILTIN}. */
  public static final String SYSTEM = "<|system|>";

  public static final String USER = "<|user|>";
  public static final String ASSISTANT = "<|assistant|>";

  /**
   * The built-in model's special tokens, with ids {@code <pad>}=0, {@code <s>}=1, {@code </s>}=2, {@code <|user|>}=3,
   * {@code <|assistant|>}=4, {@code <|system|>}=5.
   */
  public static final SpecialTokens DEFAULT =
      new SpecialTokens("<pad>", "<s>", "</s>", List.of(USER, ASSISTANT, SYSTEM));

  public SpecialTokens {
    additional = List.copyOf(additional);
    List<String> all = new ArrayList<>();
    all.add(pad);
    all.add(bos);
    all.add(eos);
    all.addAll(additional);
    Set<String> seen = new HashSet<>();
    for (String token : all) {
      if (token == null || token.isEmpty()) {
        throw Errors.tokenizer("tokenizer.json", "a special token is empty",
            "give every special token (pad, bos, eos and the additional ones) a non-empty text");
      }
      if (!seen.add(token)) {
        throw Errors.tokenizer("tokenizer.json", "the special token '" + token + "' is listed twice",
            "list each special token once");
      }
    }
  }

  /** All special tokens in id order: pad, bos, eos, then {@link #additional()}. */
  public List<String> all() {
    List<String> all = new ArrayList<>(3 + additional.size());
    all.add(pad);
    all.add(bos);
    all.add(eos);
    all.addAll(additional);
    return List.copyOf(all);
  }
}

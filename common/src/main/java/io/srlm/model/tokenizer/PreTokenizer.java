package io.srlm.model.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The split that HF tokenizers applies for the pre-tokenizer that {@link HfTokenizerFiles} writes:
 * {@code Sequence[Digits(individual_digits=true), ByteLevel(add_prefix_space=false, use_regex=true)]}, after the
 * special tokens have been cut out. Every numeric character (Unicode categories Nd, Nl, No, as Rust's
 * {@code char::is_numeric}) becomes its own piece; the rest is split with the GPT-2 regex. Java's {@code \s} is made
 * Unicode-aware to match the regex engine HF tokenizers uses.
 */
final class PreTokenizer {
  /** The GPT-2 pre-tokenization regex, as used by HF's ByteLevel pre-tokenizer. */
  private static final Pattern GPT2 = Pattern.compile(
      "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+",
      Pattern.UNICODE_CHARACTER_CLASS);

  /**
   * Word mode without leading spaces: a run of letters, one numeric character, a run of other non-space characters,
   * or a run of whitespace is each a piece (HF: Split with this pattern, behavior Isolated).
   */
  static final Pattern ISOLATED_WORDS = Pattern.compile("\\p{L}+|\\p{N}|[^\\s\\p{L}\\p{N}]+|\\s+",
      Pattern.UNICODE_CHARACTER_CLASS);

  private PreTokenizer() {}

  /** A piece of text: either a special token (with its index in the special token list) or ordinary text. */
  record Segment(String text, int special) {
    boolean isSpecial() {
      return special >= 0;
    }
  }

  /**
   * Cuts the special tokens out of {@code text}, as HF's added-vocabulary matcher does: at the leftmost position where
   * any special token starts, the longest one wins.
   */
  static List<Segment> splitSpecial(String text, List<String> specials) {
    List<Segment> out = new ArrayList<>();
    int pos = 0;
    while (pos < text.length()) {
      int bestAt = -1;
      int best = -1;
      for (int s = 0; s < specials.size(); s++) {
        int at = text.indexOf(specials.get(s), pos);
        if (at >= 0 && (bestAt < 0 || at < bestAt
            || (at == bestAt && specials.get(s).length() > specials.get(best).length()))) {
          bestAt = at;
          best = s;
        }
      }
      if (bestAt < 0) {
        out.add(new Segment(text.substring(pos), -1));
        break;
      }
      if (bestAt > pos) {
        out.add(new Segment(text.substring(pos, bestAt), -1));
      }
      out.add(new Segment(specials.get(best), best));
      pos = bestAt + specials.get(best).length();
    }
    return out;
  }

  /** Splits ordinary text (no special tokens) into pre-tokens, in order; their concatenation is {@code text}. */
  static List<String> split(String text) {
    return split(text, true);
  }

  /**
   * Like {@link #split(String)} when {@code regex} is true. When false, the text is cut into {@link #ISOLATED_WORDS}
   * pieces (HF: Sequence[Split(ISOLATED_WORDS, Isolated), ByteLevel(use_regex=false)]).
   */
  static List<String> split(String text, boolean regex) {
    if (!regex) {
      List<String> out = new ArrayList<>();
      Matcher m = ISOLATED_WORDS.matcher(text);
      int last = 0;
      while (m.find()) {
        if (m.start() > last) {
          out.add(text.substring(last, m.start()));
        }
        out.add(m.group());
        last = m.end();
      }
      if (last < text.length()) {
        out.add(text.substring(last));
      }
      return out;
    }
    return digits(text, true);
  }

  /** Numeric characters become pieces; the text between is split with the GPT-2 regex or kept whole. */
  private static List<String> digits(String text, boolean regex) {
    List<String> out = new ArrayList<>();
    int start = 0;
    int i = 0;
    while (i < text.length()) {
      int cp = text.codePointAt(i);
      int n = Character.charCount(cp);
      if (isNumeric(cp)) {
        if (start < i) {
          rest(text.substring(start, i), regex, out);
        }
        out.add(text.substring(i, i + n));
        start = i + n;
      }
      i += n;
    }
    if (start < text.length()) {
      rest(text.substring(start), regex, out);
    }
    return out;
  }

  private static boolean isNumeric(int cp) {
    int type = Character.getType(cp);
    return type == Character.DECIMAL_DIGIT_NUMBER || type == Character.LETTER_NUMBER
        || type == Character.OTHER_NUMBER;
  }

  private static void rest(String piece, boolean regex, List<String> out) {
    if (regex) {
      splitRegex(piece, out);
    } else {
      out.add(piece);
    }
  }

  /** Isolated split: matches and the gaps between them are pieces. */
  private static void splitRegex(String piece, List<String> out) {
    Matcher m = GPT2.matcher(piece);
    int last = 0;
    while (m.find()) {
      if (m.start() > last) {
        out.add(piece.substring(last, m.start()));
      }
      if (m.end() > m.start()) {
        out.add(piece.substring(m.start(), m.end()));
      }
      last = m.end();
    }
    if (last < piece.length()) {
      out.add(piece.substring(last));
    }
  }
}

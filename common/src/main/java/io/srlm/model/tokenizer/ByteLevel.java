package io.srlm.model.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The GPT-2 byte-to-unicode table used by HF tokenizers' ByteLevel pre-tokenizer and decoder: every byte maps to one
 * printable character, so that BPE tokens are ordinary strings. Printable Latin-1 bytes ({@code !..~},
 * {@code ¡..¬}, {@code ®..ÿ}) map to themselves; the other 68 bytes map, in byte order, to U+0100 onwards (so a space
 * becomes {@code Ġ} and a newline {@code Ċ}).
 */
final class ByteLevel {
  /** Character i is the image of byte i. A String, so the table cannot be modified. */
  private static final String BYTE_CHARS = buildTable();

  private ByteLevel() {}

  private static String buildTable() {
    StringBuilder table = new StringBuilder(256);
    int next = 256;
    for (int b = 0; b < 256; b++) {
      boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
      table.append(printable ? (char) b : (char) next++);
    }
    return table.toString();
  }

  /** The character that stands for byte {@code b} (0-255). */
  static char charOf(int b) {
    return BYTE_CHARS.charAt(b & 0xFF);
  }

  /** The byte that byte-level character {@code c} stands for, or -1 when {@code c} is not in the table. */
  static int byteOf(char c) {
    return BYTE_CHARS.indexOf(c);
  }

  /**
   * Replaces unpaired surrogates (which have no UTF-8 form) by U+FFFD, so that Java and HF tokenizers see the same
   * text: Java would encode one as {@code ?}, DJL's JNI bridge as three U+FFFD. Returns {@code text} itself when it
   * is well formed.
   */
  static String wellFormed(String text) {
    StringBuilder out = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean paired = Character.isHighSurrogate(c) && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1));
      if (paired) {
        if (out != null) {
          out.append(c).append(text.charAt(i + 1));
        }
        i++;
      } else if (Character.isSurrogate(c)) {
        if (out == null) {
          out = new StringBuilder(text.length()).append(text, 0, i);
        }
        out.append('\uFFFD');
      } else if (out != null) {
        out.append(c);
      }
    }
    return out == null ? text : out.toString();
  }

  /** Maps the UTF-8 bytes of {@code text} to their byte-level characters. */
  static String encode(String text) {
    byte[] bytes = wellFormed(text).getBytes(StandardCharsets.UTF_8);
    char[] out = new char[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      out[i] = charOf(bytes[i]);
    }
    return new String(out);
  }

  /**
   * Maps byte-level characters back to bytes and decodes them as UTF-8 (invalid sequences become U+FFFD, as in HF's
   * ByteLevel decoder). Characters outside the table are kept as their own UTF-8 bytes.
   */
  static String decode(String byteLevelText) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(byteLevelText.length());
    for (int i = 0; i < byteLevelText.length(); i++) {
      char c = byteLevelText.charAt(i);
      int b = byteOf(c);
      if (b >= 0) {
        bytes.write(b);
      } else {
        bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
      }
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }
}

package io.srlm.util;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Stable ids and seeds derived from inputs. The same inputs always give the same id or seed, on any JVM, so a
 * retried Spark task or a resumed run regenerates identical rows.
 */
public final class StableIds {
  private static final char SEP = '\u001f';

  private StableIds() {}

  /** A 16-hex-char id: {@code prefix} followed by the first 64 bits of SHA-256 over the parts. */
  public static String id(String prefix, Object... parts) {
    byte[] d = digest(parts);
    StringBuilder sb = new StringBuilder(prefix.length() + 17).append(prefix).append('-');
    for (int i = 0; i < 8; i++) {
      sb.append(Character.forDigit((d[i] >> 4) & 0xF, 16)).append(Character.forDigit(d[i] & 0xF, 16));
    }
    return sb.toString();
  }

  /** A 64-bit seed derived from the parts (e.g. run seed, iteration, prompt id, sample index). */
  public static long seed(Object... parts) {
    return ByteBuffer.wrap(digest(parts), 8, 8).getLong();
  }

  /** Hex SHA-256 of a string (config hashes, content hashes). */
  public static String sha256Hex(String s) {
    byte[] d = sha256().digest(s.getBytes(StandardCharsets.UTF_8));
    StringBuilder sb = new StringBuilder(64);
    for (byte b : d) {
      sb.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
    }
    return sb.toString();
  }

  private static byte[] digest(Object... parts) {
    MessageDigest md = sha256();
    for (int i = 0; i < parts.length; i++) {
      if (i > 0) {
        md.update((byte) SEP);
      }
      md.update(String.valueOf(parts[i]).getBytes(StandardCharsets.UTF_8));
    }
    return md.digest();
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}

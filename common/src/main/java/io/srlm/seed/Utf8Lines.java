package io.srlm.seed;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reads a text file line by line, decoding each line strictly as UTF-8 (a line with invalid bytes is reported, not
 * patched with replacement characters). Gzip input is recognised by its magic bytes. A UTF-8 byte order mark on the
 * first line and a '\r' before each '\n' are dropped.
 */
final class Utf8Lines implements Closeable {
  /**
   * One line.
   *
   * @param number 1-based line number
   * @param text the decoded text, or null when the line is not valid UTF-8
   * @param error why the line could not be decoded, or null
   */
  record Line(long number, String text, String error) {}

  private static final int BUFFER = 1 << 16;

  private final InputStream in;
  private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
      .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
  private final byte[] buf = new byte[BUFFER];
  private final ByteArrayOutputStream line = new ByteArrayOutputStream();
  private int pos;
  private int lim;
  private long number;
  private boolean eof;

  private Utf8Lines(InputStream in) {
    this.in = in;
  }

  /** Opens the file, decompressing it when it starts with the gzip magic bytes. */
  static Utf8Lines open(Path file) throws IOException {
    BufferedInputStream raw = new BufferedInputStream(Files.newInputStream(file), BUFFER);
    try {
      raw.mark(2);
      int b1 = raw.read();
      int b2 = raw.read();
      raw.reset();
      InputStream in = b1 == 0x1f && b2 == 0x8b ? new GZIPInputStream(raw, BUFFER) : raw;
      return new Utf8Lines(in);
    } catch (IOException e) {
      raw.close();
      throw e;
    }
  }

  /** The next line, or null at the end of the file. */
  Line next() throws IOException {
    if (eof) {
      return null;
    }
    line.reset();
    while (true) {
      if (pos == lim) {
        lim = in.read(buf, 0, buf.length);
        pos = 0;
        if (lim <= 0) {
          lim = 0;
          eof = true;
          if (line.size() == 0) {
            return null;
          }
          break;
        }
      }
      int start = pos;
      while (pos < lim && buf[pos] != '\n') {
        pos++;
      }
      line.write(buf, start, pos - start);
      if (pos < lim) {
        pos++; // the '\n'
        break;
      }
    }
    number++;
    byte[] bytes = line.toByteArray();
    int from = 0;
    int to = bytes.length;
    if (number == 1 && to >= 3 && (bytes[0] & 0xff) == 0xef && (bytes[1] & 0xff) == 0xbb
        && (bytes[2] & 0xff) == 0xbf) {
      from = 3;
    }
    if (to > from && bytes[to - 1] == '\r') {
      to--;
    }
    ByteBuffer bb = ByteBuffer.wrap(bytes, from, to - from);
    try {
      decoder.reset();
      return new Line(number, decoder.decode(bb).toString(), null);
    } catch (CharacterCodingException e) {
      return new Line(number, null, "invalid UTF-8 byte at byte " + (bb.position() - from + 1) + " of the line");
    }
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}

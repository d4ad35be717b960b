package io.srlm.model.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Hand-made safetensors bytes, for files the writer would never produce. */
final class Crafted {
  private Crafted() {}

  /** Writes {@code [declaredLen as u64 LE][header][data]} to {@code file}. */
  static Path file(Path file, long declaredLen, String header, byte[] data) throws IOException {
    byte[] h = header.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(declaredLen).put(h).put(data);
    Files.write(file, b.array());
    return file;
  }

  /** A well-formed file: the declared length is the header's. */
  static Path file(Path file, String header, byte[] data) throws IOException {
    return file(file, header.getBytes(StandardCharsets.UTF_8).length, header, data);
  }

  /** Little-endian float32 bytes. */
  static byte[] f32(float... values) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      b.putFloat(v);
    }
    return b.array();
  }
}

package io.srlm.model.io;

import java.util.Arrays;
import java.util.Optional;

/**
 * The element types a safetensors header may name, with their size in bytes. Only the float types can become
 * model weights; the others can be listed and read as raw bytes.
 */
public enum SafetensorsDtype {
  F64(8, Kind.FLOAT),
  F32(4, Kind.FLOAT),
  F16(2, Kind.FLOAT),
  BF16(2, Kind.FLOAT),
  I64(8, Kind.INT),
  I32(4, Kind.INT),
  I16(2, Kind.INT),
  I8(1, Kind.INT),
  U64(8, Kind.INT),
  U32(4, Kind.INT),
  U16(2, Kind.INT),
  U8(1, Kind.INT),
  BOOL(1, Kind.BOOL);

  /** What the bytes mean. */
  public enum Kind {
    FLOAT,
    INT,
    BOOL
  }

  private final int size;
  private final Kind kind;

  SafetensorsDtype(int size, Kind kind) {
    this.size = size;
    this.kind = kind;
  }

  /** Bytes per element. */
  public int size() {
    return size;
  }

  public Kind kind() {
    return kind;
  }

  public boolean isFloat() {
    return kind == Kind.FLOAT;
  }

  /** The dtype for a header string such as {@code "BF16"}; empty when srlm does not know it. */
  public static Optional<SafetensorsDtype> parse(String name) {
    if (name == null) {
      return Optional.empty();
    }
    for (SafetensorsDtype d : values()) {
      if (d.name().equals(name)) {
        return Optional.of(d);
      }
    }
    return Optional.empty();
  }

  /** The known dtype names, for error messages. */
  static String known() {
    return String.join(", ", Arrays.stream(values()).map(Enum::name).toList());
  }
}

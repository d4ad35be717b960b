package io.srlm.model.io;

import java.util.Arrays;
import java.util.Optional;

/**
 * The element types a safetensors header may name, with their size in bytes. Only the float types can become
 * model weights; the others can be listed and read as raw bytes.
 */
public enum SafetensorsDtype {
  F64, F32, F16, BF16, I64, I32, I16, I8, U64, U32, U16, U8, BOOL;

  /** What the bytes mean. */
  public enum Kind {
    FLOAT,
    INT,
    BOOL
  }

  private final int size;
  private final Kind kind;

  /**
   * A header's dtype name spells what its elements are, so size and kind are read from it: I (signed) and U
   * (unsigned) are integers, F and BF floats, then the width in bits; BOOL is one byte.
   */
  SafetensorsDtype() {
    String n = name();
    if (n.equals("BOOL")) {
      this.size = 1;
      this.kind = Kind.BOOL;
    } else {
      this.size = Integer.parseInt(n.replaceAll("[A-Z]", "")) / 8;
      this.kind = n.startsWith("I") || n.startsWith("U") ? Kind.INT : Kind.FLOAT;
    }
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

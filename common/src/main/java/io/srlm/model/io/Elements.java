package io.srlm.model.io;

import java.nio.ByteBuffer;
import java.nio.DoubleBuffer;
import java.nio.ShortBuffer;

/**
 * Bulk element conversion between buffers. Every method reads from the source buffer's position in the source
 * buffer's byte order, writes at the destination's position in its byte order, and advances both positions.
 */
final class Elements {
  /** Elements converted per pass through the scratch array (256 KiB of floats). */
  private static final int SCRATCH = 1 << 16;

  private Elements() {}

  /**
   * Converts {@code count} elements of {@code srcType} to {@code dstType}. Equal types copy the bytes (swapping
   * them if the two buffers differ in byte order); otherwise both types must be float types.
   */
  static void convert(ByteBuffer src, SafetensorsDtype srcType, ByteBuffer dst, SafetensorsDtype dstType,
      int count) {
    if (srcType == dstType) {
      copyRaw(src, dst, srcType.size(), count);
      return;
    }
    if (!srcType.isFloat() || !dstType.isFloat()) {
      throw new IllegalArgumentException("cannot convert " + srcType + " to " + dstType);
    }
    float[] scratch = new float[Math.min(SCRATCH, Math.max(count, 1))];
    for (int done = 0; done < count; ) {
      int n = Math.min(scratch.length, count - done);
      toFloats(src, srcType, scratch, 0, n);
      fromFloats(scratch, 0, n, dst, dstType);
      done += n;
    }
  }

  /** Reads {@code count} float-type elements into {@code out[off...]} as float32. */
  static void toFloats(ByteBuffer src, SafetensorsDtype srcType, float[] out, int off, int count) {
    switch (srcType) {
      case F32 -> src.asFloatBuffer().get(out, off, count);
      case F16 -> {
        ShortBuffer s = src.asShortBuffer();
        for (int i = 0; i < count; i++) {
          out[off + i] = HalfFloats.f16ToF32(s.get(i));
        }
      }
      case BF16 -> {
        ShortBuffer s = src.asShortBuffer();
        for (int i = 0; i < count; i++) {
          out[off + i] = HalfFloats.bf16ToF32(s.get(i));
        }
      }
      case F64 -> {
        DoubleBuffer s = src.asDoubleBuffer();
        for (int i = 0; i < count; i++) {
          out[off + i] = (float) s.get(i);
        }
      }
      default -> throw new IllegalArgumentException(srcType + " is not a float type");
    }
    src.position(src.position() + count * srcType.size());
  }

  /** Writes {@code in[from...from+count)} as {@code dstType}. */
  static void fromFloats(float[] in, int from, int count, ByteBuffer dst, SafetensorsDtype dstType) {
    switch (dstType) {
      case F32 -> dst.asFloatBuffer().put(in, from, count);
      case F16 -> {
        ShortBuffer d = dst.asShortBuffer();
        for (int i = 0; i < count; i++) {
          d.put(i, HalfFloats.f32ToF16(in[from + i]));
        }
      }
      case BF16 -> {
        ShortBuffer d = dst.asShortBuffer();
        for (int i = 0; i < count; i++) {
          d.put(i, HalfFloats.f32ToBf16(in[from + i]));
        }
      }
      case F64 -> {
        DoubleBuffer d = dst.asDoubleBuffer();
        for (int i = 0; i < count; i++) {
          d.put(i, in[from + i]);
        }
      }
      default -> throw new IllegalArgumentException(dstType + " is not a float type");
    }
    dst.position(dst.position() + count * dstType.size());
  }

  private static void copyRaw(ByteBuffer src, ByteBuffer dst, int size, int count) {
    int bytes = Math.multiplyExact(size, count);
    if (size == 1 || src.order() == dst.order()) {
      ByteBuffer slice = src.slice().limit(bytes);
      dst.put(slice);
      src.position(src.position() + bytes);
      return;
    }
    for (int i = 0; i < count; i++) {
      switch (size) {
        case 2 -> dst.putShort(src.getShort());
        case 4 -> dst.putInt(src.getInt());
        case 8 -> dst.putLong(src.getLong());
        default -> throw new IllegalArgumentException("element size " + size);
      }
    }
  }
}

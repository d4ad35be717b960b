package io.srlm.model.io;

/**
 * Exact conversions between float32 and the two 16-bit float formats, as raw bits in a {@code short}. Java 17 has
 * no {@code Float.float16ToFloat}, and DJL's PyTorch engine has no bfloat16 tensors, so srlm converts in Java.
 *
 * <p>Narrowing rounds to nearest, ties to even; values past the largest finite value become infinity; NaN stays
 * NaN (quiet) with its sign; subnormals are handled exactly in both directions.
 */
public final class HalfFloats {
  private HalfFloats() {}

  /** IEEE binary16 bits to float32. Exact for every input. */
  public static float f16ToF32(short half) {
    int h = half & 0xffff;
    int sign = (h & 0x8000) << 16;
    int exp = (h >>> 10) & 0x1f;
    int mant = h & 0x3ff;
    if (exp == 0x1f) {
      return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
    }
    if (exp == 0) {
      // zero or subnormal: mant * 2^-24, exact in float32
      float v = mant * 0x1p-24f;
      return sign == 0 ? v : -v;
    }
    return Float.intBitsToFloat(sign | ((exp - 15 + 127) << 23) | (mant << 13));
  }

  /** float32 to IEEE binary16 bits, rounding to nearest even. */
  public static short f32ToF16(float value) {
    int bits = Float.floatToRawIntBits(value);
    int sign = (bits >>> 16) & 0x8000;
    int exp = (bits >>> 23) & 0xff;
    int mant = bits & 0x7fffff;
    if (exp == 0xff) {
      if (mant == 0) {
        return (short) (sign | 0x7c00);
      }
      // NaN: keep the top payload bits and force the quiet bit, so it never collapses to infinity
      return (short) (sign | 0x7c00 | 0x200 | (mant >>> 13));
    }
    int e = exp - 127 + 15;
    if (e >= 0x1f) {
      return (short) (sign | 0x7c00);
    }
    if (e <= 0) {
      if (e < -10) {
        // below half the smallest subnormal (2^-25): rounds to zero
        return (short) sign;
      }
      int full = mant | 0x800000;
      int shift = 14 - e;
      return (short) (sign | roundShift(full, shift));
    }
    // a carry out of the mantissa correctly bumps the exponent, up to infinity
    return (short) (sign | roundShift((e << 23) | mant, 13));
  }

  /** bfloat16 bits to float32: the top half of the float32 bits. Exact. */
  public static float bf16ToF32(short bf16) {
    return Float.intBitsToFloat((bf16 & 0xffff) << 16);
  }

  /** float32 to bfloat16 bits, rounding to nearest even. */
  public static short f32ToBf16(float value) {
    int bits = Float.floatToRawIntBits(value);
    if ((bits & 0x7fffffff) > 0x7f800000) {
      return (short) ((bits >>> 16) | 0x40);
    }
    return (short) ((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16);
  }

  /** {@code value >>> shift}, rounded to nearest with ties to even; {@code 1 <= shift <= 30}. */
  private static int roundShift(int value, int shift) {
    int kept = value >>> shift;
    int rest = value & ((1 << shift) - 1);
    int halfway = 1 << (shift - 1);
    if (rest > halfway || (rest == halfway && (kept & 1) != 0)) {
      kept++;
    }
    return kept;
  }
}

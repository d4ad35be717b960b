package io.srlm.model.io;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HalfFloatsTest {

  /** The value of binary16 bits computed independently, in double arithmetic. */
  private static double halfValue(int h) {
    int sign = (h & 0x8000) != 0 ? -1 : 1;
    int exp = (h >>> 10) & 0x1f;
    int mant = h & 0x3ff;
    if (exp == 0x1f) {
      return mant == 0 ? sign * Double.POSITIVE_INFINITY : Double.NaN;
    }
    if (exp == 0) {
      return sign * mant * Math.pow(2, -24);
    }
    return sign * (1024 + mant) * Math.pow(2, exp - 25);
  }

  @Test
  void everyHalfWidensExactlyAndNarrowsBackToItself() {
    int nans = 0;
    for (int h = 0; h < 0x10000; h++) {
      float f = HalfFloats.f16ToF32((short) h);
      double expected = halfValue(h);
      if (Double.isNaN(expected)) {
        nans++;
        assertThat(Float.isNaN(f)).as("half %04x", h).isTrue();
        short back = HalfFloats.f32ToF16(f);
        assertThat(Float.isNaN(HalfFloats.f16ToF32(back))).as("half %04x back", h).isTrue();
        assertThat(back & 0x8000).isEqualTo(h & 0x8000);
        continue;
      }
      assertThat((double) f).as("half %04x", h).isEqualTo(expected);
      // bit-exact, so -0 stays -0
      assertThat(HalfFloats.f32ToF16(f) & 0xffff).as("half %04x", h).isEqualTo(h);
    }
    assertThat(nans).isEqualTo(2 * 1023);
  }

  @Test
  void narrowingRoundsToNearestEvenBetweenEveryPairOfNeighbours() {
    for (int h = 0; h < 0x7bff; h++) {
      for (int sign : new int[] {0, 0x8000}) {
        int lo = h | sign;
        int hi = (h + 1) | sign;
        float a = HalfFloats.f16ToF32((short) lo);
        float b = HalfFloats.f16ToF32((short) hi);
        float mid = (a + b) / 2; // exact: both have 11 significant bits
        int even = (h & 1) == 0 ? lo : hi;
        assertThat(HalfFloats.f32ToF16(mid) & 0xffff).as("tie between %04x and %04x", lo, hi).isEqualTo(even);
        float towardsB = Math.nextAfter(mid, b);
        float towardsA = Math.nextAfter(mid, a);
        assertThat(HalfFloats.f32ToF16(towardsB) & 0xffff).as("just past the tie to %04x", hi).isEqualTo(hi);
        assertThat(HalfFloats.f32ToF16(towardsA) & 0xffff).as("just before the tie to %04x", lo).isEqualTo(lo);
      }
    }
  }

  @Test
  void narrowingOverflowUnderflowAndSpecials() {
    assertThat(HalfFloats.f32ToF16(65504f)).isEqualTo((short) 0x7bff);
    assertThat(HalfFloats.f32ToF16(65519.996f)).isEqualTo((short) 0x7bff);
    assertThat(HalfFloats.f32ToF16(65520f)).isEqualTo((short) 0x7c00); // the tie rounds to even: infinity
    assertThat(HalfFloats.f32ToF16(1e10f)).isEqualTo((short) 0x7c00);
    assertThat(HalfFloats.f32ToF16(-1e10f)).isEqualTo((short) 0xfc00);
    assertThat(HalfFloats.f32ToF16(Float.POSITIVE_INFINITY)).isEqualTo((short) 0x7c00);
    assertThat(HalfFloats.f32ToF16(Float.NEGATIVE_INFINITY)).isEqualTo((short) 0xfc00);
    assertThat(HalfFloats.f32ToF16(0x1p-25f)).isEqualTo((short) 0); // tie with zero: even is zero
    assertThat(HalfFloats.f32ToF16(Math.nextUp(0x1p-25f))).isEqualTo((short) 1);
    assertThat(HalfFloats.f32ToF16(0x1p-24f)).isEqualTo((short) 1);
    assertThat(HalfFloats.f32ToF16(-0x1p-30f)).isEqualTo((short) 0x8000);
    assertThat(HalfFloats.f32ToF16(Float.MIN_VALUE)).isEqualTo((short) 0);
    assertThat(HalfFloats.f32ToF16(0x1p-14f - 0x1p-25f)).isEqualTo((short) 0x0400); // subnormal rounds up to normal
    assertThat(HalfFloats.f32ToF16(1.0f)).isEqualTo((short) 0x3c00);
    assertThat(HalfFloats.f32ToF16(-2.5f)).isEqualTo((short) 0xc100);
    short nan = HalfFloats.f32ToF16(Float.intBitsToFloat(0x7f800001)); // a payload only in the low bits
    assertThat(Float.isNaN(HalfFloats.f16ToF32(nan))).isTrue();
  }

  @Test
  void bf16WidensKnownValues() {
    assertThat(HalfFloats.bf16ToF32((short) 0x3f80)).isEqualTo(1.0f);
    assertThat(HalfFloats.bf16ToF32((short) 0xbf80)).isEqualTo(-1.0f);
    assertThat(HalfFloats.bf16ToF32((short) 0x4000)).isEqualTo(2.0f);
    assertThat(HalfFloats.bf16ToF32((short) 0x4049)).isEqualTo(3.140625f);
    assertThat(HalfFloats.bf16ToF32((short) 0x3e00)).isEqualTo(0.125f);
    assertThat(HalfFloats.bf16ToF32((short) 0x7f7f)).isEqualTo(0x1.fep127f);
    assertThat(HalfFloats.bf16ToF32((short) 0x0001)).isEqualTo(0x1p-133f);
    assertThat(HalfFloats.bf16ToF32((short) 0x7f80)).isEqualTo(Float.POSITIVE_INFINITY);
    assertThat(HalfFloats.bf16ToF32((short) 0xff80)).isEqualTo(Float.NEGATIVE_INFINITY);
    assertThat(HalfFloats.bf16ToF32((short) 0x7fc0)).isNaN();
    assertThat(Float.floatToRawIntBits(HalfFloats.bf16ToF32((short) 0x8000))).isEqualTo(0x80000000);
  }

  @Test
  void everyBf16RoundTripsAndNarrowingRoundsToNearestEven() {
    for (int b = 0; b < 0x10000; b++) {
      float f = HalfFloats.bf16ToF32((short) b);
      short back = HalfFloats.f32ToBf16(f);
      if (Float.isNaN(f)) {
        assertThat(Float.isNaN(HalfFloats.bf16ToF32(back))).as("bf16 %04x", b).isTrue();
      } else {
        assertThat(back & 0xffff).as("bf16 %04x", b).isEqualTo(b);
      }
    }
    assertThat(HalfFloats.f32ToBf16(Float.intBitsToFloat(0x3f808000))).isEqualTo((short) 0x3f80); // tie, even
    assertThat(HalfFloats.f32ToBf16(Float.intBitsToFloat(0x3f818000))).isEqualTo((short) 0x3f82); // tie, odd
    assertThat(HalfFloats.f32ToBf16(Float.intBitsToFloat(0x3f808001))).isEqualTo((short) 0x3f81);
    assertThat(HalfFloats.f32ToBf16(Float.intBitsToFloat(0x3f807fff))).isEqualTo((short) 0x3f80);
    assertThat(HalfFloats.f32ToBf16(Float.MAX_VALUE)).isEqualTo((short) 0x7f80);
    assertThat(Float.isNaN(HalfFloats.bf16ToF32(HalfFloats.f32ToBf16(Float.intBitsToFloat(0x7f800001)))))
        .isTrue();
  }
}

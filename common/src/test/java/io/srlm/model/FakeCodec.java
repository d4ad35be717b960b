package io.srlm.model;

import java.util.Arrays;

/** Decodes ids as "[1, 2, 3]"; no EOS unless given. */
final class FakeCodec implements TokenCodec {
  private final int[] eos;

  FakeCodec(int... eos) {
    this.eos = eos;
  }

  @Override
  public String decode(int[] ids) {
    return Arrays.toString(ids);
  }

  @Override
  public int[] eosIds() {
    return eos;
  }

  @Override
  public int padId() {
    return 0;
  }
}

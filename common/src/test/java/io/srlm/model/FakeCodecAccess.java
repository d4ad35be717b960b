package io.srlm.model;

/** Exposes the test codec to tests in other packages. */
public final class FakeCodecAccess {
  private FakeCodecAccess() {}

  public static TokenCodec codec() {
    return new FakeCodec();
  }
}

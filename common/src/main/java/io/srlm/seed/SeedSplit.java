package io.srlm.seed;

import io.srlm.util.StableIds;

/**
 * The train / held-out split of seed rows. A row's split depends only on its key (the question text, or the
 * conversation tree id), so the same question always lands on the same side, in every table and every run.
 */
public final class SeedSplit {
  public static final String TRAIN = "train";
  public static final String HELDOUT = "heldout";

  private SeedSplit() {}

  /** "heldout" for about {@code heldoutFraction} of keys, chosen by a hash of the key; else "train". */
  public static String of(String key, double heldoutFraction) {
    return isHeldout(key, heldoutFraction) ? HELDOUT : TRAIN;
  }

  public static boolean isHeldout(String key, double heldoutFraction) {
    double u = (StableIds.seed("split", key) >>> 11) * 0x1.0p-53;
    return u < heldoutFraction;
  }
}

package io.srlm.seed;

import io.srlm.errors.Errors;
import java.util.Locale;

/** What a seed reader does with a bad input row (config key seed.on_bad_row). */
public enum OnBadRow {
  /** Stop at the first bad row with an error that names the file and line. */
  FAIL,
  /** Skip the row, count it and record it as a rejected row. */
  SKIP;

  /** Parses the config value "fail" or "skip". */
  public static OnBadRow parse(String value, String origin) {
    String v = value == null ? "" : value.strip().toLowerCase(Locale.ROOT);
    return switch (v) {
      case "fail" -> FAIL;
      case "skip" -> SKIP;
      default -> throw Errors.configBadValue("seed.on_bad_row", origin, "must be fail or skip", value);
    };
  }
}

package io.srlm.seed;

/**
 * A bad input row, found while reading one line. Readers catch it right away and hand it to {@link BadRows}, which
 * fails or records it; it never leaves the package.
 */
final class BadRow extends Exception {
  private static final long serialVersionUID = 1L;

  /** A short machine-readable reason, e.g. "malformed_json" (the rejected row's reason and the count's name). */
  final String reason;
  /** What is wrong, for people. */
  final String problem;
  /** How to fix it. */
  final String fix;

  BadRow(String reason, String problem, String fix) {
    super(problem, null, false, false);
    this.reason = reason;
    this.problem = problem;
    this.fix = fix;
  }
}

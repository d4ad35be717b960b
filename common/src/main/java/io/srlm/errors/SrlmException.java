package io.srlm.errors;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one user-facing exception type. Every instance is built by {@link Errors}; its message says what went
 * wrong, where (file, table, row, config key) and how to fix it. The structured {@link #context()} carries the
 * same facts as fields (e.g. {@code file}, {@code line}, {@code table}, {@code key}) for programmatic handling.
 */
public final class SrlmException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ErrorCode code;
  private final Map<String, String> context;

  SrlmException(ErrorCode code, String message, Map<String, String> context, Throwable cause) {
    super(message, cause);
    this.code = code;
    this.context = Collections.unmodifiableMap(new LinkedHashMap<>(context));
  }

  public ErrorCode code() {
    return code;
  }

  /** Structured facts about the error: file, line, table, key, row... */
  public Map<String, String> context() {
    return context;
  }
}

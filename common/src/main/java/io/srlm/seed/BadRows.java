package io.srlm.seed;

import io.srlm.errors.Errors;
import io.srlm.tables.RejectedRow;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Applies seed.on_bad_row to the bad rows of one file: fail on the first, or record and count each. */
final class BadRows {
  static final String STEP = "seed";

  private final OnBadRow mode;
  private final String runId;
  private final String file;
  private final List<RejectedRow> rows = new ArrayList<>();
  private final Map<String, Long> byReason = new TreeMap<>();

  BadRows(OnBadRow mode, String runId, String file) {
    this.mode = mode;
    this.runId = runId;
    this.file = file;
  }

  /** Throws the seed error for this row under FAIL; records it under SKIP. */
  void reject(long line, BadRow bad) {
    if (mode == OnBadRow.FAIL) {
      throw Errors.seedBadRow(file, line, bad.problem, bad.fix);
    }
    rows.add(new RejectedRow(runId, 0, STEP, file, file + ":" + line, bad.reason, bad.problem));
    byReason.merge(bad.reason, 1L, Long::sum);
  }

  List<RejectedRow> rows() {
    return rows;
  }

  int size() {
    return rows.size();
  }

  /** Adds rejected_rows and rejected.REASON counts. */
  void addCounts(Map<String, Long> counts) {
    counts.put("rejected_rows", (long) rows.size());
    byReason.forEach((reason, n) -> counts.put("rejected." + reason, n));
  }
}

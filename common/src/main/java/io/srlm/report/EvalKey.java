package io.srlm.report;

import io.srlm.tables.EvaluationRow;
import java.util.Comparator;
import java.util.List;

/**
 * The (iteration, model) an evaluation row belongs to; the x-axis category of the evaluation charts, ordered by
 * iteration then model name.
 */
record EvalKey(int iteration, String model) implements Comparable<EvalKey> {
  private static final Comparator<EvalKey> ORDER = Comparator.comparingInt(EvalKey::iteration)
      .thenComparing(EvalKey::model);
  private static final int MAX_LABEL = 28;

  static EvalKey of(EvaluationRow r) {
    return new EvalKey(r.iteration(), r.model());
  }

  /** The rows' distinct keys, ordered. */
  static List<EvalKey> keys(List<EvaluationRow> rows) {
    return rows.stream().map(EvalKey::of).distinct().sorted().toList();
  }

  /** A short axis label, e.g. "M2 (it 2)". */
  String label() {
    String m = model.length() > MAX_LABEL ? "\u2026" + model.substring(model.length() - MAX_LABEL + 1) : model;
    return m + " (it " + iteration + ")";
  }

  @Override
  public int compareTo(EvalKey o) {
    return ORDER.compare(this, o);
  }
}

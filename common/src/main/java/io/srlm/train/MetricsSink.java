package io.srlm.train;

import java.util.Map;

/** Receives metric values as training goes (console, Delta table, tests). */
public interface MetricsSink {
  /** @param split train or val */
  void record(String split, long step, Map<String, Double> metrics);

  /** Called once when training resumes from a checkpoint at {@code step} (before any record). */
  default void resumedAt(long step) {}

  /** Called after a checkpoint at {@code step} is safely written (a good time to persist metrics). */
  default void checkpointed(long step) {}

  MetricsSink NONE = (split, step, metrics) -> { };
}

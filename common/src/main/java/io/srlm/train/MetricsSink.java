package io.srlm.train;

import java.util.Map;

/** Receives metric values as training goes (console, Delta table, tests). */
public interface MetricsSink {
  /** @param split train or val */
  void record(String split, long step, Map<String, Double> metrics);

  MetricsSink NONE = (split, step, metrics) -> { };
}

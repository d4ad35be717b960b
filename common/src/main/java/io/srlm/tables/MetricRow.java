package io.srlm.tables;

import java.io.Serializable;

/**
 * One training metric value (table training_metrics).
 *
 * @param stage sft | dpo | spin ... with the stage index, e.g. "dpo"
 * @param split train | val
 */
public record MetricRow(String runId, int iteration, String stage, String split, long step, String metric,
    double value, long timestampMs) implements Serializable {}

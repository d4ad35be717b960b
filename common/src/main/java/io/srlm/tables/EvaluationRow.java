package io.srlm.tables;

import io.srlm.util.Nullable;
import java.io.Serializable;

/**
 * One evaluation metric (table evaluations).
 *
 * @param evaluation judge | task_accuracy | head_to_head
 * @param metric e.g. pairwise_accuracy, spearman, greedy_accuracy, win_rate
 * @param n the number of items the value is computed over
 */
public record EvaluationRow(String runId, int iteration, String model, String evaluation, String metric,
    double value, long n, @Nullable Double ciLow, @Nullable Double ciHigh) implements Serializable {}

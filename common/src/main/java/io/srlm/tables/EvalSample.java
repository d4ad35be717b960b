package io.srlm.tables;

import io.srlm.util.Nullable;
import java.io.Serializable;

/**
 * Per-item evaluation detail (table eval_samples): a judge score on a held-out response, a checked answer, or a
 * head-to-head verdict, so every metric can be traced to its items with SQL.
 *
 * @param itemId stable id of the item (eft_id, prompt id + mode, ...)
 * @param kind judge | judge_own (the model judging its own answers) | judge_reference (the reference-agreement
 *     probe; input is the whole judge prompt) | task_greedy | task_sampled | head_to_head
 * @param score model score / correctness (1/0) / outcome (1 win, 0.5 tie, 0 loss), null when unparsed
 */
public record EvalSample(String runId, int iteration, String model, String kind, String itemId,
    String input, String output, @Nullable Double score, @Nullable Double reference, String status)
    implements Serializable {}

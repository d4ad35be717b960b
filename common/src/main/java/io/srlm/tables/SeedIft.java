package io.srlm.tables;

import java.io.Serializable;

/**
 * A seed instruction-following row (table seed_ift).
 *
 * @param seedId stable id: hash of (source, index within the source)
 * @param source builtin | jsonl:FILE | oasst:FILE
 * @param split train | heldout
 * @param taskType the built-in task family, "task_creation", or "general" for user data
 * @param prompt the user turn (no chat template applied)
 * @param completion the assistant turn
 */
public record SeedIft(String runId, int iteration, String seedId, String source, String split, String taskType,
    String prompt, String completion) implements Serializable {}

package io.srlm.tables;

import io.srlm.util.Nullable;
import java.io.Serializable;
import java.util.Map;

/**
 * One execution of one step (table runs). A step is complete when its row has status succeeded.
 *
 * @param stepId e.g. "s02.generate_prompts" (stage index and step name), unique within a run
 * @param executionId unique per attempt (a resumed step gets a new one)
 * @param status running | succeeded | failed
 * @param inputVersions table name to Delta version read
 * @param outputVersions table name to Delta version written
 * @param counts rows in/out, skipped, model loads per executor...
 */
public record RunStep(String runId, String stepId, int iteration, String stage, String step, String executionId,
    String status, long startedAtMs, @Nullable Long endedAtMs, Map<String, Long> inputVersions,
    Map<String, Long> outputVersions, Map<String, Long> counts, @Nullable String message, String configHash,
    String host) implements Serializable {}

package io.srlm.tables;

import io.srlm.util.Nullable;
import java.io.Serializable;

/**
 * A generated prompt candidate (table prompts). Rejected candidates are kept with the reason.
 *
 * @param promptId stable id: hash of (run_id, iteration, request_index)
 * @param status accepted | rejected
 * @param rejectReason null when accepted; else malformed | too_short | too_long | near_duplicate_seed |
 *     near_duplicate_earlier | near_duplicate_batch | over_target
 * @param prompt the extracted task (or the raw output when malformed)
 * @param rawOutput the generator's full text
 * @param requestIndex index of the generation request within the iteration
 * @param shotIds the seed_ids / prompt_ids shown as examples
 * @param generatorModel the model directory that wrote it
 * @param seed the sampling seed
 */
public record PromptRow(String runId, int iteration, String promptId, String prompt, String status,
    @Nullable String rejectReason, @Nullable String nearDuplicateOf, String rawOutput, int requestIndex,
    java.util.List<String> shotIds, String generatorModel, long seed, int completionTokens, String finishReason)
    implements Serializable {}

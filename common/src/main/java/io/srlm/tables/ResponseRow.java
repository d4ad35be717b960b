package io.srlm.tables;

import java.io.Serializable;

/**
 * A sampled candidate response (table responses).
 *
 * @param responseId stable id: hash of (prompt_id, sample_index)
 * @param seed sampling seed = hash(run seed, iteration, prompt_id, sample_index)
 * @param finishReason eos | length | stop | human (a SPIN human completion)
 * @param model the model directory that wrote it; "human" for a SPIN human completion
 * @param source self (the policy) | human (SPIN's human completion: prompt_id is then the seed_id) | greedy
 *     (evaluation)
 */
public record ResponseRow(String runId, int iteration, String responseId, String promptId, int sampleIndex,
    long seed, String prompt, String response, int promptTokens, int completionTokens, String finishReason,
    String model, String source) implements Serializable {}

package io.srlm.model;

/**
 * A prompt to complete.
 *
 * @param promptIds the prompt's token ids (chat template already applied)
 * @param seed this row's sampling seed; the same prompt and seed give the same text on the same device
 */
public record GenerationRequest(int[] promptIds, long seed, SamplingParams params) {}

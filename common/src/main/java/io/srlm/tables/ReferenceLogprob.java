package io.srlm.tables;

import java.io.Serializable;

/**
 * The frozen reference model's log-probabilities of a pair, computed once before DPO (table
 * reference_logprobs).
 */
public record ReferenceLogprob(String runId, int iteration, String stage, String pairId, String referenceModel,
    double chosenLogprob, double rejectedLogprob, int chosenTokens, int rejectedTokens, boolean truncated)
    implements Serializable {}

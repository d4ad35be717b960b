package io.srlm.train;

/**
 * A tokenized preference pair with the frozen reference model's summed log-probs of both completions.
 */
public record PairExample(String id, int[] prompt, int[] chosen, int[] rejected, double refChosen,
    double refRejected) {}

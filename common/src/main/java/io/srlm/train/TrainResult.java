package io.srlm.train;

import java.util.Map;

/**
 * What a training run did.
 *
 * @param steps optimizer steps completed (including those before a resume)
 * @param resumedFrom the checkpoint step it resumed from, or 0
 * @param lastTrain last logged training metrics
 * @param lastVal last validation metrics (empty when there is no validation set)
 * @param bestStep step of the best validation metric (the kept weights when early stopping), or -1
 * @param stoppedEarly whether early stopping ended it
 * @param tokensPerSecond training throughput over this process's steps
 * @param seconds wall time of this process's steps
 */
public record TrainResult(int steps, int resumedFrom, Map<String, Double> lastTrain, Map<String, Double> lastVal,
    int bestStep, boolean stoppedEarly, double tokensPerSecond, double seconds) {}

package io.srlm.tables;

import java.io.Serializable;

/**
 * A preference pair (table preference_pairs).
 *
 * @param pairId stable id: hash of (run_id, iteration, stage, prompt_id)
 * @param source how the preference was obtained: self_reward (the policy's pointwise judgements) | spin (the human
 *     completion over the model's answer; scores 1 and 0) | external_reward (judge.model's pointwise judgements or a
 *     reward model's rewards) | pairwise (pairwise judging; scores are consistent win counts)
 * @param stage the loop stage that built it (e.g. self_reward_dpo)
 */
public record PairRow(String runId, int iteration, String pairId, String promptId, String prompt,
    String chosenId, String rejectedId, String chosen, String rejected, double chosenScore, double rejectedScore,
    double margin, String source, String stage) implements Serializable {}

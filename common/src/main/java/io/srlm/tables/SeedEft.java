package io.srlm.tables;

import java.io.Serializable;

/**
 * A seed judging row (table seed_eft): a judge prompt rendered with the configured template, and the target
 * judgement (a short justification and the score line). Rows sharing a group_id judge different responses to the
 * same question; human_rank orders them (0 = best; equal scores share a rank), which judge evaluation uses.
 *
 * @param eftId stable id: hash of (source, group, response index)
 * @param question the user question being judged
 * @param response the candidate answer being judged
 * @param humanScore the score the target gives (on the template's scale)
 * @param humanRank the human ranking within the group, 0 = best
 * @param prompt the rendered judge prompt (user turn)
 * @param completion the target judgement (assistant turn)
 */
public record SeedEft(String runId, int iteration, String eftId, String source, String split, String taskType,
    String groupId, String question, String response, double humanScore, int humanRank, String prompt,
    String completion) implements Serializable {}

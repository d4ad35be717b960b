package io.srlm.tables;

import io.srlm.util.Nullable;
import java.io.Serializable;

/**
 * One judgement of one response (table judgements); k per response.
 *
 * @param judgementId stable id: hash of (response_id, judge_index, judge model)
 * @param score the parsed score when parse_status = ok, else null (never coerced)
 * @param parseStatus ok | empty | no_score | multiple_scores | out_of_range | not_a_number | not_integer |
 *     prompt_too_long; with judge.mode = pairwise, one row per response whose score is its consistent wins (ok)
 *     or no_verdict (details in pairwise_judgements); with a sequence-classification reward model, one row per
 *     response whose score is the reward
 * @param meanScore mean of the response's valid scores (same on all k rows), null if none parsed
 * @param validJudgements how many of the response's k judgements parsed
 */
public record JudgementRow(String runId, int iteration, String judgementId, String responseId, String promptId,
    int judgeIndex, long seed, String judgeText, @Nullable Double score, String parseStatus,
    @Nullable Double meanScore, int validJudgements, String judgeModel, String template, int completionTokens,
    String finishReason) implements Serializable {}

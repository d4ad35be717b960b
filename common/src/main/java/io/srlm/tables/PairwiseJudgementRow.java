package io.srlm.tables;

import io.srlm.util.Nullable;
import java.io.Serializable;

/**
 * One pairwise judge call (table pairwise_judgements, judge.mode = pairwise): the judge saw the prompt with
 * response A and response B and named the better one. Every unordered pair of a prompt's responses is judged
 * twice, once in each order; the two rows share a comparison_id and the comparison's outcome. The per-response
 * scores derived from these rows (consistent wins) are in the judgements table.
 *
 * @param judgementId stable id: hash of (comparison_id, order, judge model)
 * @param comparisonId stable id of the unordered pair: hash of (first response id, second response id), where the
 *     first has the lower sample index
 * @param responseAId the response shown as A in this call
 * @param responseBId the response shown as B in this call
 * @param order ab (A is the comparison's first response) | ba (the order swapped)
 * @param verdict A | B | tie as parsed from judge_text; null when parse_status is not ok
 * @param parseStatus ok | empty | no_score | multiple_scores | prompt_too_long
 * @param outcome the comparison's result over both orders (same on both rows): win (the same response won in
 *     both orders) | tie (a disagreement, or tie in either order) | no_verdict (an order did not parse)
 * @param winnerId the consistent winner's response id when outcome = win, else null
 */
public record PairwiseJudgementRow(String runId, int iteration, String judgementId, String comparisonId,
    String promptId, String responseAId, String responseBId, String order, long seed, String judgeText,
    @Nullable String verdict, String parseStatus, String outcome, @Nullable String winnerId, String judgeModel,
    String template, int completionTokens, String finishReason) implements Serializable {}

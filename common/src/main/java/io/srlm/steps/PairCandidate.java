package io.srlm.steps;

import io.srlm.tables.RowCodec;
import io.srlm.util.Nullable;
import java.io.Serializable;

/**
 * One response of a prompt, as {@link PairSelector} sees it: the responses row with its judge's mean score.
 *
 * @param meanScore null or NaN = no valid score
 */
record PairCandidate(String promptId, String responseId, int sampleIndex, String prompt, String response,
    int completionTokens, @Nullable Double meanScore) implements PairOutputs.Keyed, Serializable {
  /** Columns prompt_id, response_id, sample_index, prompt, response, completion_tokens, mean_score. */
  static final RowCodec<PairCandidate> CODEC = new RowCodec<>(PairCandidate.class);

  /** Whether the response has a valid score. */
  boolean scored() {
    return meanScore != null && !meanScore.isNaN();
  }
}

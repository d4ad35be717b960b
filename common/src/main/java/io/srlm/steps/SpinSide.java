package io.srlm.steps;

import io.srlm.tables.RowCodec;
import java.io.Serializable;

/**
 * One side of a SPIN pair, as {@link SpinPairSelector} sees it: a responses row of {@link SpinGenerateStep}.
 *
 * @param source {@link SpinGenerateStep#HUMAN} (the seed completion) or {@link SpinGenerateStep#SELF} (the model's)
 */
record SpinSide(String promptId, String responseId, String source, String prompt, String response)
    implements PairOutputs.Keyed, Serializable {
  /** Columns prompt_id, response_id, source, prompt, response. */
  static final RowCodec<SpinSide> CODEC = new RowCodec<>(SpinSide.class);
}

package io.srlm.steps;

import io.srlm.tables.RowCodec;
import io.srlm.util.Nullable;
import java.io.Serializable;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * What a pair rule ({@link PairSelector}, {@link SpinPairSelector}) decides for one prompt: a pair (kind
 * {@link #PAIR}: both sides, their texts and scores) or a drop (kind {@link #DROP}: a reason and a detail, the pair
 * fields null). {@link PairOutputs} turns pairs into preference_pairs rows and drops into rejected_rows.
 */
record PairChoice(String kind, String promptId, @Nullable String prompt, @Nullable String chosenId,
    @Nullable String rejectedId, @Nullable String chosen, @Nullable String rejected, @Nullable Double chosenScore,
    @Nullable Double rejectedScore, @Nullable String reason, @Nullable String detail) implements Serializable {
  static final String PAIR = "pair";
  static final String DROP = "drop";

  private static final RowCodec<PairChoice> CODEC = new RowCodec<>(PairChoice.class);
  /** The Spark schema of a choice: kind and prompt_id NOT NULL, the rest nullable. */
  static final StructType SCHEMA = CODEC.schema();

  static PairChoice pair(String promptId, String prompt, String chosenId, String rejectedId, String chosen,
      String rejected, double chosenScore, double rejectedScore) {
    return new PairChoice(PAIR, promptId, prompt, chosenId, rejectedId, chosen, rejected, chosenScore, rejectedScore,
        null, null);
  }

  static PairChoice drop(String promptId, String prompt, String reason, String detail) {
    return new PairChoice(DROP, promptId, prompt, null, null, null, null, null, null, reason, detail);
  }

  boolean isPair() {
    return kind.equals(PAIR);
  }

  Row toRow() {
    return CODEC.toRow(this);
  }

  /** The choice of a row of {@link #SCHEMA}; another schema fails naming the column and both schemas. */
  static PairChoice fromRow(Row row) {
    return CODEC.fromRow(row);
  }
}

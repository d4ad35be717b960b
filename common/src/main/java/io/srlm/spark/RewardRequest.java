package io.srlm.spark;

import io.srlm.tables.RowCodec;
import java.io.Serializable;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * One conversation for {@link RewardScores} to score.
 *
 * @param key the response id (the output {@link RewardScore} has the same key)
 * @param prompt the user turn
 * @param response the assistant turn
 */
public record RewardRequest(String key, String prompt, String response) implements Serializable {
  private static final RowCodec<RewardRequest> CODEC = new RowCodec<>(RewardRequest.class);
  /** (key, prompt, response), all NOT NULL. */
  public static final StructType SCHEMA = CODEC.schema();

  public Row toRow() {
    return CODEC.toRow(this);
  }

  /** The request of a row of {@link #SCHEMA}; another schema fails naming the column and both schemas. */
  public static RewardRequest fromRow(Row row) {
    return CODEC.fromRow(row);
  }

  static RowCodec<RewardRequest> codec() {
    return CODEC;
  }
}

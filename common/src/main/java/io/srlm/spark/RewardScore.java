package io.srlm.spark;

import io.srlm.tables.RowCodec;
import io.srlm.util.Nullable;
import java.io.Serializable;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * What {@link RewardScores} returns for one {@link RewardRequest}.
 *
 * @param key the request's key
 * @param reward the first logit at the conversation's last token; null unless status is {@link #OK}
 * @param tokens the scored sequence's length
 * @param status {@link #OK}, {@link #TOO_LONG} (longer than the model's context) or {@link #NOT_A_NUMBER} (the
 *     model produced NaN or infinity)
 */
public record RewardScore(String key, @Nullable Double reward, int tokens, String status) implements Serializable {
  public static final String OK = "ok";
  public static final String TOO_LONG = "too_long";
  public static final String NOT_A_NUMBER = "not_a_number";

  private static final RowCodec<RewardScore> CODEC = new RowCodec<>(RewardScore.class);
  /** (key, reward, tokens, status); only reward may be null. */
  public static final StructType SCHEMA = CODEC.schema();

  /** The score of {@code key}: {@link #OK} when {@code reward} is finite, else {@link #NOT_A_NUMBER}. */
  static RewardScore of(String key, double reward, int tokens) {
    boolean finite = Double.isFinite(reward);
    return new RewardScore(key, finite ? reward : null, tokens, finite ? OK : NOT_A_NUMBER);
  }

  public Row toRow() {
    return CODEC.toRow(this);
  }

  /** The score of a row of {@link #SCHEMA}; another schema fails naming the column and both schemas. */
  public static RewardScore fromRow(Row row) {
    return CODEC.fromRow(row);
  }

  static RowCodec<RewardScore> codec() {
    return CODEC;
  }
}

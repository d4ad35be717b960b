package io.srlm.spark;

import io.srlm.tables.RowCodec;
import java.io.Serializable;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * One generation request of {@link ChatCompletions}: what the executors get for each row.
 *
 * @param key the row's stable id (the output {@link Completion} has the same key)
 * @param user the user message (the chat template is applied on the executor)
 * @param seed the row's sampling seed
 */
public record CompletionRequest(String key, String user, long seed) implements Serializable {
  private static final RowCodec<CompletionRequest> CODEC = new RowCodec<>(CompletionRequest.class);
  /** (key, user, seed), all NOT NULL. */
  public static final StructType SCHEMA = CODEC.schema();

  public Row toRow() {
    return CODEC.toRow(this);
  }

  /** The request of a row of {@link #SCHEMA}; another schema fails naming the column and both schemas. */
  public static CompletionRequest fromRow(Row row) {
    return CODEC.fromRow(row);
  }

  static RowCodec<CompletionRequest> codec() {
    return CODEC;
  }
}

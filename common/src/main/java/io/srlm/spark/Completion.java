package io.srlm.spark;

import io.srlm.model.Generation;
import io.srlm.tables.RowCodec;
import java.io.Serializable;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * What {@link ChatCompletions} returns for one {@link CompletionRequest}.
 *
 * @param key the request's key
 * @param text the generated text ("" when not generated)
 * @param promptTokens the prompt's length in tokens, chat template included
 * @param completionTokens tokens generated (0 when not generated)
 * @param finishReason eos | length | stop ("" when not generated)
 * @param status {@link #OK}, or {@link #TOO_LONG} (the prompt does not fit the context window; nothing generated)
 */
public record Completion(String key, String text, int promptTokens, int completionTokens, String finishReason,
    String status) implements Serializable {
  public static final String OK = "ok";
  public static final String TOO_LONG = "too_long";

  private static final RowCodec<Completion> CODEC = new RowCodec<>(Completion.class);
  /** (key, text, prompt_tokens, completion_tokens, finish_reason, status), all NOT NULL. */
  public static final StructType SCHEMA = CODEC.schema();

  /** The completion of {@code key} by {@code g}. */
  static Completion of(String key, Generation g) {
    return new Completion(key, g.text(), g.promptTokens(), g.tokenIds().length, g.finishReason(), OK);
  }

  /** The answer to a request whose prompt of {@code promptTokens} tokens does not fit the context. */
  static Completion tooLong(String key, int promptTokens) {
    return new Completion(key, "", promptTokens, 0, "", TOO_LONG);
  }

  /** Whether text was generated (not a request that did not fit the context). */
  public boolean ok() {
    return status.equals(OK);
  }

  /** The finish reason, or "none" when nothing was generated (the judgements tables' value). */
  public String finishReasonOrNone() {
    return finishReason.isEmpty() ? "none" : finishReason;
  }

  public Row toRow() {
    return CODEC.toRow(this);
  }

  /** The completion of a row of {@link #SCHEMA}; another schema fails naming the column and both schemas. */
  public static Completion fromRow(Row row) {
    return CODEC.fromRow(row);
  }

  static RowCodec<Completion> codec() {
    return CODEC;
  }
}

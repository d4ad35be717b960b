package io.srlm.spark;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Input and output schemas of {@link ChatCompletions}. */
public final class CompletionSchema {
  private CompletionSchema() {}

  /** key: the row's stable id; user: the user message; seed: the row's sampling seed. */
  public static final StructType INPUT = new StructType()
      .add("key", DataTypes.StringType, false)
      .add("user", DataTypes.StringType, false)
      .add("seed", DataTypes.LongType, false);

  /**
   * status: ok, or too_long (the prompt does not fit the context window; nothing generated).
   * finish_reason: eos | length | stop ("" when not generated).
   */
  public static final StructType OUTPUT = new StructType()
      .add("key", DataTypes.StringType, false)
      .add("text", DataTypes.StringType, false)
      .add("prompt_tokens", DataTypes.IntegerType, false)
      .add("completion_tokens", DataTypes.IntegerType, false)
      .add("finish_reason", DataTypes.StringType, false)
      .add("status", DataTypes.StringType, false);
}

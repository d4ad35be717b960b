package io.srlm.spark;

import io.srlm.model.SamplingParams;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/** Runs {@link ChatCompletions} over a (key, user, seed) dataset, hash-partitioned by key. */
public final class Completions {
  private Completions() {}

  /**
   * @param partitions number of partitions (tasks); at most one per row
   * @return (key, text, prompt_tokens, completion_tokens, finish_reason, status), lazily
   */
  public static Dataset<Row> run(Dataset<Row> input, ModelSpec spec, SamplingParams params, String stage,
      Faults faults, StageProgress progress, int partitions) {
    Dataset<Row> in = input.select("key", "user", "seed").repartition(Math.max(1, partitions),
        functions.col("key"));
    return in.mapPartitions(new ChatCompletions(spec, params, stage, faults, progress),
        Encoders.row(CompletionSchema.OUTPUT));
  }

  /** Tasks for {@code rows} rows: about two per core, never more than one per batch of rows. */
  public static int partitions(org.apache.spark.sql.SparkSession spark, long rows, int batchSize) {
    int cores = spark.sparkContext().defaultParallelism();
    long byRows = Math.max(1, (rows + batchSize - 1) / batchSize);
    return (int) Math.max(1, Math.min(byRows, 2L * cores));
  }
}

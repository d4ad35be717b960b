package io.srlm.spark;

import io.srlm.model.SamplingParams;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/** Runs {@link ChatCompletions} over {@link CompletionRequest}s, hash-partitioned by key. */
public final class Completions {
  private Completions() {}

  /**
   * Completes {@code requests} on the executors: one {@link Completion} per request, in any order.
   *
   * @param partitions number of partitions (tasks); at most one per row
   */
  public static List<Completion> run(SparkSession spark, List<CompletionRequest> requests, ModelSpec spec,
      SamplingParams params, String stage, Faults faults, StageProgress progress, int partitions) {
    Dataset<Row> in = spark.createDataFrame(requests.stream().map(CompletionRequest::toRow).toList(),
        CompletionRequest.SCHEMA).repartition(Math.max(1, partitions), functions.col("key"));
    return in.mapPartitions(new ChatCompletions(spec, params, stage, faults, progress),
        Encoders.row(Completion.SCHEMA)).collectAsList().stream().map(Completion::fromRow).toList();
  }

  /** Tasks for {@code rows} rows: about two per core, never more than one per batch of rows. */
  public static int partitions(SparkSession spark, long rows, int batchSize) {
    int cores = spark.sparkContext().defaultParallelism();
    long byRows = Math.max(1, (rows + batchSize - 1) / batchSize);
    return (int) Math.max(1, Math.min(byRows, 2L * cores));
  }
}

package io.srlm.spark;

import io.srlm.model.RewardModel;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * The executor side of sequence-classification reward scoring: for a partition of {@link RewardRequest} rows,
 * score each conversation with the per-JVM cached {@link RewardModel} in length-sorted batches. Deterministic (no
 * sampling), so a retried task gives the same rewards on the same device.
 */
public final class RewardScores extends ExecutorBatches<RewardModel, RewardRequest, RewardScore> {
  private static final long serialVersionUID = 1L;

  public RewardScores(ModelSpec model, String step, Faults faults, StageProgress progress) {
    super(model, step, faults, progress, RewardRequest.codec(), RewardScore.codec());
  }

  /** Scores {@code requests} (hash-partitioned by key) on the executors; one score per request, in any order. */
  public static List<RewardScore> run(SparkSession spark, List<RewardRequest> requests, ModelSpec spec, String step,
      Faults faults, StageProgress progress, int partitions) {
    return spark.createDataFrame(requests.stream().map(RewardRequest::toRow).toList(), RewardRequest.SCHEMA)
        .repartition(Math.max(1, partitions), functions.col("key"))
        .mapPartitions(new RewardScores(spec, step, faults, progress), Encoders.row(RewardScore.SCHEMA))
        .collectAsList().stream().map(RewardScore::fromRow).toList();
  }

  @Override
  RewardModel load() {
    return ExecutorModels.reward(model);
  }

  @Override
  int chunkRows() {
    return model.engine().batchSize();
  }

  @Override
  long chunk(RewardModel rm, List<RewardRequest> part, List<RewardScore> results) {
    List<int[]> seqs = new ArrayList<>();
    List<Integer> idx = new ArrayList<>();
    long tokens = 0;
    for (int i = 0; i < part.size(); i++) {
      RewardRequest r = part.get(i);
      int[] ids = rm.inputIds(r.prompt(), r.response());
      if (ids.length > rm.context()) {
        results.set(i, new RewardScore(r.key(), null, ids.length, RewardScore.TOO_LONG));
        continue;
      }
      seqs.add(ids);
      idx.add(i);
      tokens += ids.length;
    }
    if (!seqs.isEmpty()) {
      double[] rewards = rm.rewards(seqs, Math.max(1, model.engine().batchSize()));
      for (int j = 0; j < rewards.length; j++) {
        results.set(idx.get(j), RewardScore.of(part.get(idx.get(j)).key(), rewards[j], seqs.get(j).length));
      }
    }
    return tokens;
  }
}

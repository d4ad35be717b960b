package io.srlm.spark;

import io.srlm.model.RewardModel;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The executor side of sequence-classification reward scoring: for a partition of (key, prompt, response) rows,
 * score each conversation with the per-JVM cached {@link RewardModel} in length-sorted batches. Deterministic (no
 * sampling), so a retried task gives the same rewards on the same device.
 */
public final class RewardScores extends ExecutorBatches<RewardModel> {
  private static final long serialVersionUID = 1L;

  /** key: the response id; prompt and response: the texts to score. */
  public static final StructType INPUT = new StructType()
      .add("key", DataTypes.StringType, false)
      .add("prompt", DataTypes.StringType, false)
      .add("response", DataTypes.StringType, false);

  /**
   * reward: the first logit (null unless status = ok); tokens: the scored sequence's length; status: ok | too_long
   * (longer than the model's context) | not_a_number (the model produced NaN or infinity).
   */
  public static final StructType OUTPUT = new StructType()
      .add("key", DataTypes.StringType, false)
      .add("reward", DataTypes.DoubleType, true)
      .add("tokens", DataTypes.IntegerType, false)
      .add("status", DataTypes.StringType, false);

  public RewardScores(ModelSpec model, String step, Faults faults, StageProgress progress) {
    super(model, step, faults, progress);
  }

  /** Scores every row of {@code input} (hash-partitioned by key); lazily. */
  public static Dataset<Row> run(Dataset<Row> input, ModelSpec spec, String step, Faults faults,
      StageProgress progress, int partitions) {
    return input.select("key", "prompt", "response").repartition(Math.max(1, partitions), functions.col("key"))
        .mapPartitions(new RewardScores(spec, step, faults, progress), Encoders.row(OUTPUT));
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
  long chunk(RewardModel rm, List<Row> part, Row[] results) {
    List<int[]> seqs = new ArrayList<>();
    List<Integer> idx = new ArrayList<>();
    long tokens = 0;
    for (int i = 0; i < part.size(); i++) {
      Row r = part.get(i);
      int[] ids = rm.inputIds(r.getString(1), r.getString(2));
      if (ids.length > rm.context()) {
        results[i] = RowFactory.create(r.getString(0), null, ids.length, "too_long");
        continue;
      }
      seqs.add(ids);
      idx.add(i);
      tokens += ids.length;
    }
    if (!seqs.isEmpty()) {
      double[] rewards = rm.rewards(seqs, Math.max(1, model.engine().batchSize()));
      for (int j = 0; j < rewards.length; j++) {
        Row r = part.get(idx.get(j));
        boolean finite = Double.isFinite(rewards[j]);
        results[idx.get(j)] = RowFactory.create(r.getString(0), finite ? rewards[j] : null, seqs.get(j).length,
            finite ? "ok" : "not_a_number");
      }
    }
    return tokens;
  }
}

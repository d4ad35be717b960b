package io.srlm.steps;

import io.srlm.pipeline.StepContext;
import io.srlm.pipeline.StepResult;
import io.srlm.tables.Catalogue;
import io.srlm.tables.PairRow;
import io.srlm.tables.RejectedRow;
import io.srlm.util.StableIds;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapGroupsFunction;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;

/**
 * The shared half of the pair builders: a per-prompt selector ({@link PairSelector}, {@link SpinPairSelector}) run
 * on Spark over rows keyed by prompt_id (column 0), and its {@link PairSelector#OUTPUT} rows written as this
 * iteration's preference_pairs and rejected_rows (the dropped prompts, each with its reason, counted as
 * dropped_REASON).
 */
final class PairOutputs {
  private PairOutputs() {}

  /** What was written. */
  record Written(int prompts, int pairs, int dropped) {}

  /** Groups {@code rows} by their first column (prompt_id) and runs {@code selector} on each group. */
  static List<Row> select(Dataset<Row> rows, FlatMapGroupsFunction<String, Row, Row> selector) {
    return rows.groupByKey((MapFunction<Row, String>) row -> row.getString(0), Encoders.STRING())
        .flatMapGroups(selector, Encoders.row(PairSelector.OUTPUT))
        .collectAsList();
  }

  /**
   * Writes the selector output as the (run, iteration) partition of preference_pairs (pair_id = hash of run,
   * iteration, stage type and prompt; with {@code source}) and this step's rows of rejected_rows (row_ref = the
   * prompt, from table {@code droppedFrom}), replacing what an earlier attempt wrote.
   */
  static Written write(StepContext ctx, String source, String droppedFrom, List<Row> out) {
    int it = ctx.iteration();
    StepResult.Builder r = ctx.result();
    List<PairRow> pairs = new ArrayList<>();
    List<RejectedRow> dropped = new ArrayList<>();
    for (Row o : out) {
      String promptId = o.getString(1);
      if (o.getString(0).equals("pair")) {
        double cs = o.getDouble(7);
        double rs = o.getDouble(8);
        pairs.add(new PairRow(ctx.runId(), it, StableIds.id("pair", ctx.runId(), it, ctx.stageType(), promptId),
            promptId, o.getString(2), o.getString(3), o.getString(4), o.getString(5), o.getString(6), cs, rs, cs - rs,
            source, ctx.stageType()));
      } else {
        dropped.add(new RejectedRow(ctx.runId(), it, ctx.step(), droppedFrom, promptId, o.getString(9), o.getString(10)));
        r.add("dropped_" + o.getString(9), 1);
      }
    }
    pairs.sort(Comparator.comparing(PairRow::pairId));
    dropped.sort(Comparator.comparing(RejectedRow::rowRef));
    r.count("prompts", out.size()).count("pairs", pairs.size()).count("dropped", dropped.size());
    ctx.replacePartition(Catalogue.PREFERENCE_PAIRS, pairs);
    ctx.replaceRejected(dropped);
    return new Written(out.size(), pairs.size(), dropped.size());
  }
}

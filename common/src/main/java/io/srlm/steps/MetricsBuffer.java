package io.srlm.steps;

import io.srlm.pipeline.StepContext;
import io.srlm.tables.Catalogue;
import io.srlm.tables.MetricRow;
import io.srlm.tables.TableStore;
import io.srlm.train.MetricsSink;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.functions;

/**
 * Collects training metrics and persists them to training_metrics at every checkpoint and at the end, replacing
 * this stage's rows. After a resume it keeps the rows already persisted up to the resumed step, so the table
 * ends with exactly one curve, as an uninterrupted run would.
 */
final class MetricsBuffer implements MetricsSink {
  private final StepContext ctx;
  private final int iteration;
  private final String stage;
  private final List<MetricRow> rows = new ArrayList<>();

  MetricsBuffer(StepContext ctx, int iteration, String stage) {
    this.ctx = ctx;
    this.iteration = iteration;
    this.stage = stage;
  }

  @Override
  public void record(String split, long step, Map<String, Double> metrics) {
    long now = System.currentTimeMillis();
    for (Map.Entry<String, Double> e : metrics.entrySet()) {
      rows.add(new MetricRow(ctx.runId(), iteration, stage, split, step, e.getKey(), e.getValue(), now));
    }
  }

  @Override
  public void resumedAt(long step) {
    rows.clear();
    rows.addAll(ctx.run().tables().collect(Catalogue.TRAINING_METRICS, ownRows().and(functions.col("step").leq(step))));
  }

  @Override
  public void checkpointed(long step) {
    flush();
  }

  /** Writes the buffered rows over this stage's rows of training_metrics (recorded as the step's write). */
  long flush() {
    return ctx.replace(Catalogue.TRAINING_METRICS, rows, ownRows());
  }

  private Column ownRows() {
    return TableStore.partitionIs(ctx.runId(), iteration).and(functions.col("stage").equalTo(stage));
  }
}

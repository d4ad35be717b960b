package io.srlm.spark;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.util.LongAccumulator;

/**
 * The partition loop every executor-side model call shares: load the model once per JVM (counting loads per
 * executor), honour the step's debug faults, run the rows in chunks, and report rows and tokens done to the
 * driver's progress after each chunk. Subclasses say how a chunk becomes output rows.
 *
 * @param <M> the loaded model
 */
abstract class ExecutorBatches<M> implements MapPartitionsFunction<Row, Row> {
  private static final long serialVersionUID = 1L;

  final ModelSpec model;
  private final String step;
  private final Faults faults;
  private final LongAccumulator rowsDone;
  private final LongAccumulator tokensDone;
  private final CollectionAccumulator<String> loads;

  ExecutorBatches(ModelSpec model, String step, Faults faults, StageProgress progress) {
    this.model = model;
    this.step = step;
    this.faults = faults;
    this.rowsDone = progress.rows();
    this.tokensDone = progress.tokens();
    this.loads = progress.loads();
  }

  /** The model of {@link #model}, from the executor's cache. */
  abstract M load();

  /** Rows per chunk (between fault checkpoints and progress updates). */
  abstract int chunkRows();

  /** Fills {@code out[i]} with the output row of {@code rows.get(i)}; returns the tokens processed. */
  abstract long chunk(M m, List<Row> rows, Row[] out);

  @Override
  public final Iterator<Row> call(Iterator<Row> input) {
    List<Row> rows = new ArrayList<>();
    input.forEachRemaining(rows::add);
    List<Row> out = new ArrayList<>(rows.size());
    if (rows.isEmpty()) {
      return out.iterator();
    }
    long loadsBefore = ExecutorModels.loads();
    M m = load();
    loads.add(executor() + "=" + (ExecutorModels.loads() - loadsBefore));
    faults.maybeHold(step);
    int size = Math.max(1, chunkRows());
    for (int start = 0; start < rows.size(); start += size) {
      faults.maybeFail(step, start, rows.size());
      List<Row> part = rows.subList(start, Math.min(rows.size(), start + size));
      Row[] results = new Row[part.size()];
      long tokens = chunk(m, part, results);
      out.addAll(List.of(results));
      rowsDone.add(part.size());
      tokensDone.add(tokens);
    }
    return out.iterator();
  }

  /** "executorId/pid": which JVM ran the task (executor ids repeat across applications; pids do not). */
  static String executor() {
    SparkEnv env = SparkEnv.get();
    return (env == null ? "local" : env.executorId()) + "/" + ProcessHandle.current().pid();
  }
}

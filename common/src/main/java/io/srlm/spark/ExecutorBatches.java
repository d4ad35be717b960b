package io.srlm.spark;

import io.srlm.tables.RowCodec;
import java.util.ArrayList;
import java.util.Collections;
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
 * driver's progress after each chunk. Subclasses say how a chunk of typed inputs becomes typed outputs; the rows
 * Spark hands over are converted here, once, by the records' codecs.
 *
 * @param <M> the loaded model
 * @param <I> an input row (a record of the input codec's schema)
 * @param <O> an output row (a record of the output codec's schema)
 */
abstract class ExecutorBatches<M, I extends Record, O extends Record> implements MapPartitionsFunction<Row, Row> {
  private static final long serialVersionUID = 1L;

  final ModelSpec model;
  private final String step;
  private final Faults faults;
  private final LongAccumulator rowsDone;
  private final LongAccumulator tokensDone;
  private final CollectionAccumulator<String> loads;
  private final RowCodec<I> in;
  private final RowCodec<O> out;

  ExecutorBatches(ModelSpec model, String step, Faults faults, StageProgress progress, RowCodec<I> in,
      RowCodec<O> out) {
    this.in = in;
    this.out = out;
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

  /** Sets {@code out.get(i)} to the output of {@code rows.get(i)}; returns the tokens processed. */
  abstract long chunk(M m, List<I> rows, List<O> out);

  @Override
  public final Iterator<Row> call(Iterator<Row> input) {
    List<I> rows = new ArrayList<>();
    input.forEachRemaining(row -> rows.add(in.fromRow(row)));
    List<Row> done = new ArrayList<>(rows.size());
    if (rows.isEmpty()) {
      return done.iterator();
    }
    long loadsBefore = ExecutorModels.loads();
    M m = load();
    loads.add(executor() + "=" + (ExecutorModels.loads() - loadsBefore));
    faults.maybeHold(step);
    int size = Math.max(1, chunkRows());
    for (int start = 0; start < rows.size(); start += size) {
      faults.maybeFail(step, start, rows.size());
      List<I> part = rows.subList(start, Math.min(rows.size(), start + size));
      List<O> results = new ArrayList<>(Collections.nCopies(part.size(), null));
      long tokens = chunk(m, part, results);
      for (int i = 0; i < results.size(); i++) {
        if (results.get(i) == null) {
          throw new IllegalStateException(step + ": no output for input row " + (start + i) + " of the partition");
        }
        done.add(out.toRow(results.get(i)));
      }
      rowsDone.add(part.size());
      tokensDone.add(tokens);
    }
    return done.iterator();
  }

  /** "executorId/pid": which JVM ran the task (executor ids repeat across applications; pids do not). */
  static String executor() {
    SparkEnv env = SparkEnv.get();
    return (env == null ? "local" : env.executorId()) + "/" + ProcessHandle.current().pid();
  }
}

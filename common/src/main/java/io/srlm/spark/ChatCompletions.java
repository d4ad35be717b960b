package io.srlm.spark;

import io.srlm.model.Generation;
import io.srlm.model.GenerationRequest;
import io.srlm.model.LanguageModel;
import io.srlm.model.SamplingParams;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.SparkEnv;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.util.LongAccumulator;

/**
 * The executor side of every generation stage: for a partition of (key, user, seed) rows, apply the chat
 * template, generate with the per-JVM cached model in length-bucketed batches, and emit one output row per input
 * row. Each row samples from its own seed, so a retried task or another executor regenerates the same text on
 * the same device. Only the small serialisable spec travels; the model is loaded once per executor JVM.
 */
public final class ChatCompletions implements MapPartitionsFunction<Row, Row> {
  private static final long serialVersionUID = 1L;
  /** Rows generated between fault-injection checkpoints and progress updates. */
  private static final int CHUNK_BATCHES = 4;

  private final ModelSpec model;
  private final SamplingParams params;
  private final String stage;
  private final Faults faults;
  private final LongAccumulator rowsDone;
  private final LongAccumulator tokensDone;
  private final CollectionAccumulator<String> loads;

  public ChatCompletions(ModelSpec model, SamplingParams params, String stage, Faults faults,
      StageProgress progress) {
    this.model = model;
    this.params = params;
    this.stage = stage;
    this.faults = faults;
    this.rowsDone = progress.rows();
    this.tokensDone = progress.tokens();
    this.loads = progress.loads();
  }

  @Override
  public Iterator<Row> call(Iterator<Row> input) {
    List<Row> rows = new ArrayList<>();
    input.forEachRemaining(rows::add);
    List<Row> out = new ArrayList<>(rows.size());
    if (rows.isEmpty()) {
      return out.iterator();
    }
    long loadsBefore = ExecutorModels.loads();
    LanguageModel lm = ExecutorModels.get(model);
    loads.add(executor() + "=" + (ExecutorModels.loads() - loadsBefore));
    faults.maybeHold(stage);
    int context = lm.model().ropeLength();
    int chunk = Math.max(1, model.engine().batchSize() * CHUNK_BATCHES);
    for (int start = 0; start < rows.size(); start += chunk) {
      faults.maybeFail(stage, start, rows.size());
      List<Row> part = rows.subList(start, Math.min(rows.size(), start + chunk));
      List<GenerationRequest> reqs = new ArrayList<>();
      List<Integer> idx = new ArrayList<>();
      Row[] results = new Row[part.size()];
      for (int i = 0; i < part.size(); i++) {
        Row r = part.get(i);
        int[] ids = lm.promptIds(r.getString(1));
        if (ids.length + 1 >= context) {
          results[i] = RowFactory.create(r.getString(0), "", ids.length, 0, "", "too_long");
          continue;
        }
        reqs.add(new GenerationRequest(ids, r.getLong(2), params));
        idx.add(i);
      }
      List<Generation> gens = lm.generator(model.engine().batchSize()).generate(reqs);
      long tokens = 0;
      for (int j = 0; j < gens.size(); j++) {
        Generation g = gens.get(j);
        Row r = part.get(idx.get(j));
        results[idx.get(j)] = RowFactory.create(r.getString(0), g.text(), g.promptTokens(), g.tokenIds().length,
            g.finishReason(), "ok");
        tokens += g.tokenIds().length;
      }
      for (Row r : results) {
        out.add(r);
      }
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

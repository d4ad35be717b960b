package io.srlm.spark;

import io.srlm.model.Generation;
import io.srlm.model.GenerationRequest;
import io.srlm.model.LanguageModel;
import io.srlm.model.SamplingParams;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * The executor side of every generation stage: for a partition of (key, user, seed) rows, apply the chat
 * template, generate with the per-JVM cached model in length-bucketed batches, and emit one output row per input
 * row. Each row samples from its own seed, so a retried task or another executor regenerates the same text on
 * the same device. Only the small serialisable spec travels; the model is loaded once per executor JVM.
 */
public final class ChatCompletions extends ExecutorBatches<LanguageModel> {
  private static final long serialVersionUID = 1L;
  /** Batches generated between fault-injection checkpoints and progress updates. */
  private static final int CHUNK_BATCHES = 4;

  private final SamplingParams params;

  public ChatCompletions(ModelSpec model, SamplingParams params, String step, Faults faults,
      StageProgress progress) {
    super(model, step, faults, progress);
    this.params = params;
  }

  @Override
  LanguageModel load() {
    return ExecutorModels.get(model);
  }

  @Override
  int chunkRows() {
    return model.engine().batchSize() * CHUNK_BATCHES;
  }

  @Override
  long chunk(LanguageModel lm, List<Row> part, Row[] results) {
    int context = lm.model().ropeLength();
    List<GenerationRequest> reqs = new ArrayList<>();
    List<Integer> idx = new ArrayList<>();
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
    return tokens;
  }
}

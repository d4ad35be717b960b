package io.srlm.spark;

import io.srlm.model.Generation;
import io.srlm.model.GenerationRequest;
import io.srlm.model.LanguageModel;
import io.srlm.model.SamplingParams;
import java.util.ArrayList;
import java.util.List;

/**
 * The executor side of every generation stage: for a partition of {@link CompletionRequest} rows, apply the chat
 * template, generate with the per-JVM cached model in length-bucketed batches, and emit one {@link Completion} per
 * request. Each row samples from its own seed, so a retried task or another executor regenerates the same text on
 * the same device. Only the small serialisable spec travels; the model is loaded once per executor JVM.
 */
public final class ChatCompletions extends ExecutorBatches<LanguageModel, CompletionRequest, Completion> {
  private static final long serialVersionUID = 1L;
  /** Batches generated between fault-injection checkpoints and progress updates. */
  private static final int CHUNK_BATCHES = 4;

  private final SamplingParams params;

  public ChatCompletions(ModelSpec model, SamplingParams params, String step, Faults faults,
      StageProgress progress) {
    super(model, step, faults, progress, CompletionRequest.codec(), Completion.codec());
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
  long chunk(LanguageModel lm, List<CompletionRequest> part, List<Completion> results) {
    int context = lm.model().ropeLength();
    List<GenerationRequest> reqs = new ArrayList<>();
    List<Integer> idx = new ArrayList<>();
    for (int i = 0; i < part.size(); i++) {
      CompletionRequest r = part.get(i);
      int[] ids = lm.promptIds(r.user());
      if (ids.length + 1 >= context) {
        results.set(i, Completion.tooLong(r.key(), ids.length));
        continue;
      }
      reqs.add(new GenerationRequest(ids, r.seed(), params));
      idx.add(i);
    }
    List<Generation> gens = lm.generator(model.engine().batchSize()).generate(reqs);
    long tokens = 0;
    for (int j = 0; j < gens.size(); j++) {
      Generation g = gens.get(j);
      results.set(idx.get(j), Completion.of(part.get(idx.get(j)).key(), g));
      tokens += g.tokenIds().length;
    }
    return tokens;
  }
}

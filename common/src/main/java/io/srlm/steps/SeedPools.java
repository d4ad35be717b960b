package io.srlm.steps;

import io.srlm.pipeline.StepContext;
import io.srlm.seed.BuiltinSeed;
import io.srlm.seed.SeedSplit;
import io.srlm.tables.Catalogue;
import io.srlm.tables.SeedIft;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The seed prompts a step may answer: seed_ift rows of one split without the task-creation rows (those teach
 * prompt writing, not answering), sorted by seed id. The loop's steps take the train pool; the evaluations the
 * held-out one.
 */
final class SeedPools {
  private SeedPools() {}

  /** {@link #train}'s rule, as a filter for error messages. */
  static final String TRAIN_FILTER = "split = '" + SeedSplit.TRAIN + "' AND task_type != '"
      + BuiltinSeed.TASK_CREATION + "'";

  /** The train split's answerable prompts (prompt generation's few-shot examples). */
  static List<SeedIft> train(StepContext ctx) {
    return of(ctx, SeedSplit.TRAIN);
  }

  /** The held-out split's answerable prompts (what every evaluation takes its first eval.*_max_prompts of). */
  static List<SeedIft> heldOut(StepContext ctx) {
    return of(ctx, SeedSplit.HELDOUT);
  }

  private static List<SeedIft> of(StepContext ctx, String split) {
    List<SeedIft> pool = new ArrayList<>();
    for (SeedIft s : ctx.rows(Catalogue.SEED_IFT, ctx.runRows())) {
      if (s.split().equals(split) && !s.taskType().equals(BuiltinSeed.TASK_CREATION)) {
        pool.add(s);
      }
    }
    pool.sort(Comparator.comparing(SeedIft::seedId));
    return pool;
  }
}

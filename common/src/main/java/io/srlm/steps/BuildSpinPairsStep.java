package io.srlm.steps;

import io.srlm.config.SrlmConfig;
import io.srlm.errors.Errors;
import io.srlm.pipeline.RunContext;
import io.srlm.pipeline.Step;
import io.srlm.pipeline.StepResult;
import io.srlm.pipeline.StepRunner;
import io.srlm.spark.Faults;
import io.srlm.tables.Catalogue;
import io.srlm.tables.PairRow;
import io.srlm.tables.RejectedRow;
import io.srlm.tables.TableStore;
import io.srlm.util.StableIds;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;

/**
 * SPIN pairs on Spark, like the self-reward pairs: this iteration's responses (from {@link SpinGenerateStep})
 * grouped by seed prompt, one pair each with chosen = the human completion and rejected = the model's answer
 * ({@link SpinPairSelector}), written to preference_pairs with source = spin. Dropped prompts (identical texts,
 * empty answers) are counted and recorded in rejected_rows.
 */
public final class BuildSpinPairsStep implements Step {
  public static final String NAME = "build_spin_pairs";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public StepResult run(RunContext ctx, SrlmConfig.Stage stage) {
    SrlmConfig c = stage.settings();
    int it = stage.iteration();
    StepResult.Builder r = new StepResult.Builder(StepRunner.stepId(stage, name()));
    TableStore t = ctx.tables();
    long vr = t.version(Catalogue.RESPONSES);
    r.read(Catalogue.RESPONSES.name(), vr);
    Dataset<Row> responses = vr < 0 ? null : t.readVersion(Catalogue.RESPONSES, vr)
        .where(TableStore.partitionIs(ctx.runId(), it))
        .select("prompt_id", "response_id", "source", "prompt", "response");
    if (responses == null || responses.isEmpty()) {
      throw Errors.tableEmpty("responses", TableStore.partition(ctx.runId(), it), "run spin_generate first");
    }
    List<Row> out = responses
        .groupByKey((MapFunction<Row, String>) row -> row.getString(0), Encoders.STRING())
        .flatMapGroups(new SpinPairSelector(new Faults(c.debug().failFirstAttempt())),
            Encoders.row(PairSelector.OUTPUT))
        .collectAsList();
    List<PairRow> pairs = new ArrayList<>();
    List<RejectedRow> dropped = new ArrayList<>();
    for (Row o : out) {
      String promptId = o.getString(1);
      if (o.getString(0).equals("pair")) {
        pairs.add(new PairRow(ctx.runId(), it, StableIds.id("pair", ctx.runId(), it, stage.type(), promptId),
            promptId, o.getString(2), o.getString(3), o.getString(4), o.getString(5), o.getString(6), 1.0, 0.0, 1.0,
            "spin", stage.type()));
      } else {
        dropped.add(new RejectedRow(ctx.runId(), it, NAME, "responses", promptId, o.getString(9), o.getString(10)));
        r.add("dropped_" + o.getString(9), 1);
      }
    }
    pairs.sort(Comparator.comparing(PairRow::pairId));
    dropped.sort(Comparator.comparing(RejectedRow::rowRef));
    r.count("prompts", out.size()).count("pairs", pairs.size()).count("dropped", dropped.size());
    r.wrote(Catalogue.PREFERENCE_PAIRS.name(), t.replace(Catalogue.PREFERENCE_PAIRS, pairs,
        TableStore.partition(ctx.runId(), it)));
    r.wrote(Catalogue.REJECTED_ROWS.name(), t.replace(Catalogue.REJECTED_ROWS, dropped,
        TableStore.partition(ctx.runId(), it) + " AND step = '" + NAME + "'"));
    return r.build(String.format("%d SPIN pairs (human vs %s) from %d prompts (%d dropped)", pairs.size(),
        Models.name(it), out.size(), dropped.size()));
  }
}

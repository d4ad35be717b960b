package io.srlm.steps;

import io.srlm.pipeline.StepContext;
import io.srlm.pipeline.StepResult;
import io.srlm.spark.Faults;
import io.srlm.tables.Catalogue;
import io.srlm.tables.PairRow;
import io.srlm.tables.RejectedRow;
import io.srlm.tables.RowCodec;
import io.srlm.util.StableIds;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapGroupsFunction;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/**
 * The shared half of the pair builders: a per-prompt {@link Rule} ({@link PairSelector}, {@link SpinPairSelector})
 * run on Spark over typed rows grouped by prompt_id, and its {@link PairChoice}s written as this iteration's
 * preference_pairs and rejected_rows (the dropped prompts, each with its reason, counted as dropped_REASON). Rows
 * become records and records rows here only, by the records' codecs.
 */
final class PairOutputs {
  private PairOutputs() {}

  /** An input record of a rule: it belongs to the group of its prompt. */
  interface Keyed {
    String promptId();
  }

  /** The pair, or the drop, for one prompt's input records (in any order). */
  interface Rule<I> extends Serializable {
    PairChoice select(String promptId, List<I> group);
  }

  /** What was written. */
  record Written(int prompts, int pairs, int dropped) {}

  /**
   * Takes the columns of {@code in} from {@code rows}, groups them by prompt_id and runs {@code rule} on each group
   * on the executors, honouring the step's debug faults.
   */
  static <I extends Record & Keyed> List<PairChoice> select(StepContext ctx, Dataset<Row> rows, RowCodec<I> in,
      Rule<I> rule) {
    return select(rows, in, rule, ctx.faults(), ctx.step());
  }

  /** {@link #select(StepContext, Dataset, RowCodec, Rule)} with the faults of step {@code step}. */
  static <I extends Record & Keyed> List<PairChoice> select(Dataset<Row> rows, RowCodec<I> in, Rule<I> rule,
      Faults faults, String step) {
    Column[] columns = new Column[in.schema().fields().length];
    for (int i = 0; i < columns.length; i++) {
      columns[i] = functions.col(in.schema().fields()[i].name());
    }
    return rows.select(columns).groupByKey((MapFunction<Row, String>) row -> in.fromRow(row).promptId(),
            Encoders.STRING())
        .flatMapGroups(new Groups<>(in, rule, faults, step), Encoders.row(PairChoice.SCHEMA))
        .collectAsList().stream().map(PairChoice::fromRow).toList();
  }

  /** The Spark side of {@link #select}: rows to records, the rule, the choice to a row. */
  static final class Groups<I extends Record> implements FlatMapGroupsFunction<String, Row, Row> {
    private static final long serialVersionUID = 1L;

    private final RowCodec<I> in;
    private final Rule<I> rule;
    private final Faults faults;
    private final String step;
    private int groupsDone;

    Groups(RowCodec<I> in, Rule<I> rule, Faults faults, String step) {
      this.in = in;
      this.rule = rule;
      this.faults = faults;
      this.step = step;
    }

    @Override
    public Iterator<Row> call(String promptId, Iterator<Row> rows) {
      faults.maybeFail(step, groupsDone, 2);
      groupsDone++;
      List<I> group = new ArrayList<>();
      rows.forEachRemaining(row -> group.add(in.fromRow(row)));
      return List.of(rule.select(promptId, group).toRow()).iterator();
    }
  }

  /**
   * Writes the choices as the (run, iteration) partition of preference_pairs (pair_id = hash of run, iteration,
   * stage type and prompt; with {@code source}) and this step's rows of rejected_rows (row_ref = the prompt, from
   * table {@code droppedFrom}), replacing what an earlier attempt wrote.
   */
  static Written write(StepContext ctx, String source, String droppedFrom, List<PairChoice> out) {
    int it = ctx.iteration();
    StepResult.Builder r = ctx.result();
    List<PairRow> pairs = new ArrayList<>();
    List<RejectedRow> dropped = new ArrayList<>();
    for (PairChoice o : out) {
      String promptId = o.promptId();
      if (o.isPair()) {
        double cs = o.chosenScore();
        double rs = o.rejectedScore();
        pairs.add(new PairRow(ctx.runId(), it, StableIds.id("pair", ctx.runId(), it, ctx.stageType(), promptId),
            promptId, o.prompt(), o.chosenId(), o.rejectedId(), o.chosen(), o.rejected(), cs, rs, cs - rs, source,
            ctx.stageType()));
      } else {
        dropped.add(new RejectedRow(ctx.runId(), it, ctx.step(), droppedFrom, promptId, o.reason(), o.detail()));
        r.add("dropped_" + o.reason(), 1);
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

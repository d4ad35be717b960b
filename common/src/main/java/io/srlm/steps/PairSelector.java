package io.srlm.steps;

import io.srlm.spark.Faults;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapGroupsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Per prompt (a Spark group): the highest-scored response is chosen and the lowest rejected. A prompt is dropped
 * (and counted) when fewer than two responses have a valid mean score, when best and worst tie, or when the
 * margin is not above pairs.min_margin. With length control (epsilon >= 0), the shortest response scoring within
 * epsilon of the best is chosen (the Meta-Rewarding length control). Ties break on the lower sample index.
 *
 * <p>Input rows: prompt_id, response_id, sample_index, prompt, response, completion_tokens, mean_score (nullable).
 */
final class PairSelector implements FlatMapGroupsFunction<String, Row, Row> {
  private static final long serialVersionUID = 1L;

  static final StructType OUTPUT = new StructType()
      .add("kind", DataTypes.StringType, false)
      .add("prompt_id", DataTypes.StringType, false)
      .add("prompt", DataTypes.StringType, true)
      .add("chosen_id", DataTypes.StringType, true)
      .add("rejected_id", DataTypes.StringType, true)
      .add("chosen", DataTypes.StringType, true)
      .add("rejected", DataTypes.StringType, true)
      .add("chosen_score", DataTypes.DoubleType, true)
      .add("rejected_score", DataTypes.DoubleType, true)
      .add("reason", DataTypes.StringType, true)
      .add("detail", DataTypes.StringType, true);

  private final double minMargin;
  private final double lengthEpsilon;
  private final Faults faults;
  private int groupsDone;

  PairSelector(double minMargin, double lengthEpsilon, Faults faults) {
    this.minMargin = minMargin;
    this.lengthEpsilon = lengthEpsilon;
    this.faults = faults;
  }

  private record Cand(String id, int index, String prompt, String text, int tokens, Double score) {}

  @Override
  public Iterator<Row> call(String promptId, Iterator<Row> rows) {
    faults.maybeFail(BuildPairsStep.NAME, groupsDone, 2);
    groupsDone++;
    List<Cand> all = new ArrayList<>();
    rows.forEachRemaining(r -> all.add(new Cand(r.getString(1), r.getInt(2), r.getString(3), r.getString(4),
        r.getInt(5), r.isNullAt(6) ? null : r.getDouble(6))));
    List<Cand> valid = new ArrayList<>();
    for (Cand c : all) {
      if (c.score() != null) {
        valid.add(c);
      }
    }
    String prompt = all.isEmpty() ? null : all.get(0).prompt();
    if (valid.size() < 2) {
      return List.of(drop(promptId, prompt, "fewer_than_2_valid", valid.size() + " of " + all.size()
          + " responses have a valid score")).iterator();
    }
    valid.sort((a, b) -> Integer.compare(a.index(), b.index()));
    Cand best = valid.get(0);
    Cand worst = valid.get(0);
    for (Cand c : valid) {
      if (c.score() > best.score()) {
        best = c;
      }
      if (c.score() < worst.score()) {
        worst = c;
      }
    }
    if (lengthEpsilon >= 0) {
      for (Cand c : valid) {
        if (c.score() >= best.score() - lengthEpsilon && c.tokens() < best.tokens() && c != worst) {
          best = c;
        }
      }
    }
    double margin = best.score() - worst.score();
    if (margin == 0) {
      return List.of(drop(promptId, prompt, "tie", "all valid scores equal " + best.score())).iterator();
    }
    if (margin <= minMargin) {
      return List.of(drop(promptId, prompt, "below_margin", "margin " + margin + " <= " + minMargin)).iterator();
    }
    return List.of(RowFactory.create("pair", promptId, prompt, best.id(), worst.id(), best.text(), worst.text(),
        best.score(), worst.score(), null, null)).iterator();
  }

  private static Row drop(String promptId, String prompt, String reason, String detail) {
    return RowFactory.create("drop", promptId, prompt, null, null, null, null, null, null, reason, detail);
  }
}

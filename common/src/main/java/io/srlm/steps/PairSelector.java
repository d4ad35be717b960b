package io.srlm.steps;

import io.srlm.spark.Faults;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapGroupsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Per prompt (a Spark group): the highest-scored response is chosen and the lowest rejected. A prompt is dropped
 * (and counted) when fewer than two responses have a valid mean score, when best and worst tie ({@code tie}), or
 * when the margin is not above pairs.min_margin ({@code below_margin}).
 *
 * <p>Length control (epsilon >= 0, the Meta-Rewarding length control): the chosen response is the shortest (fewest
 * completion tokens) of those scoring at least {@code top - epsilon}, where {@code top} is the best score of the
 * prompt: a fixed threshold, so a chain of ever shorter, ever lower responses cannot walk below it. A response
 * is eligible only if it would still make a pair (its margin over the rejected one is above pairs.min_margin), so
 * length control never turns a pair into a drop. Equally short eligible responses: the higher score, then the
 * lower sample index.
 *
 * <p>The result does not depend on the order of the group's rows: ties on score break on the lower sample index,
 * then the response id.
 *
 * <p>Input rows: prompt_id, response_id, sample_index, prompt, response, completion_tokens, mean_score (nullable;
 * null or NaN = no valid score).
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

  /** One response of the prompt. */
  record Cand(String id, int index, String prompt, String text, int tokens, Double score) {}

  /** By sample index, then response id: the tie-break that makes selection independent of row order. */
  private static final Comparator<Cand> BY_INDEX = Comparator.comparingInt(Cand::index).thenComparing(Cand::id);

  @Override
  public Iterator<Row> call(String promptId, Iterator<Row> rows) {
    faults.maybeFail(BuildPairsStep.NAME, groupsDone, 2);
    groupsDone++;
    List<Cand> all = new ArrayList<>();
    rows.forEachRemaining(r -> all.add(new Cand(r.getString(1), r.getInt(2), r.getString(3), r.getString(4),
        r.getInt(5), r.isNullAt(6) ? null : r.getDouble(6))));
    return List.of(select(promptId, all, minMargin, lengthEpsilon)).iterator();
  }

  /** The pair (or the drop) for one prompt's responses, in any order. */
  static Row select(String promptId, List<Cand> all, double minMargin, double lengthEpsilon) {
    List<Cand> valid = new ArrayList<>();
    for (Cand c : all) {
      if (c.score() != null && !c.score().isNaN()) {
        valid.add(c);
      }
    }
    valid.sort(BY_INDEX);
    String prompt = all.isEmpty() ? null : all.stream().min(BY_INDEX).orElseThrow().prompt();
    if (valid.size() < 2) {
      return drop(promptId, prompt, "fewer_than_2_valid", valid.size() + " of " + all.size()
          + " responses have a valid score");
    }
    Cand best = valid.get(0);
    Cand worst = valid.get(0);
    for (Cand c : valid) { // strict comparisons: among equal scores the lowest sample index wins
      if (c.score() > best.score()) {
        best = c;
      }
      if (c.score() < worst.score()) {
        worst = c;
      }
    }
    double margin = best.score() - worst.score();
    if (margin == 0) {
      return drop(promptId, prompt, "tie", "all valid scores equal " + best.score());
    }
    if (margin <= minMargin) {
      return drop(promptId, prompt, "below_margin", "margin " + margin + " <= " + minMargin);
    }
    Cand chosen = lengthEpsilon < 0 ? best : shortestNearTop(valid, best.score() - lengthEpsilon,
        worst.score() + minMargin);
    return RowFactory.create("pair", promptId, prompt, chosen.id(), worst.id(), chosen.text(), worst.text(),
        chosen.score(), worst.score(), null, null);
  }

  /**
   * The shortest response with score >= {@code floor} (fixed: the best score minus epsilon) and score > {@code
   * above} (so it still makes a pair); equally short: the higher score, then the lower index. {@code valid} is
   * sorted by index and holds the best response, which always qualifies.
   */
  private static Cand shortestNearTop(List<Cand> valid, double floor, double above) {
    Cand chosen = null;
    for (Cand c : valid) {
      if (c.score() < floor || c.score() <= above) {
        continue;
      }
      if (chosen == null || c.tokens() < chosen.tokens()
          || (c.tokens() == chosen.tokens() && c.score() > chosen.score())) {
        chosen = c;
      }
    }
    return chosen;
  }

  static Row drop(String promptId, String prompt, String reason, String detail) {
    return RowFactory.create("drop", promptId, prompt, null, null, null, null, null, null, reason, detail);
  }
}

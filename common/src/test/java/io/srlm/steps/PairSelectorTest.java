package io.srlm.steps;

import static org.assertj.core.api.Assertions.assertThat;

import io.srlm.spark.Faults;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;

/**
 * Pair selection for one prompt: ties, margins and length control, each checked in every order of the input rows
 * and every assignment of sample indices that does not change a tie-break.
 */
class PairSelectorTest {
  private static final int CHOSEN_ID = 3;
  private static final int REJECTED_ID = 4;
  private static final int REASON = 9;

  @Test
  void lengthControlThresholdIsFixedAgainstTheBestScore() {
    // 5 (long), 4.6 (shorter), 4.2 (shortest), 1 (rejected); epsilon 0.5: the window is [4.5, 5], so 4.6 wins.
    // A threshold that moved with the pick (4.6 - 0.5 = 4.1) would take 4.2 when 5, 4.6, 4.2 come in that order.
    List<Row> rows = List.of(row("top", 0, 300, 5.0), row("near", 1, 200, 4.6), row("far", 2, 10, 4.2),
        row("low", 3, 400, 1.0));
    for (List<Row> order : permutations(rows)) {
      for (List<Row> indexed : reindexings(order)) {
        Row out = select(indexed, 0.0, 0.5);
        assertThat(out.getString(CHOSEN_ID)).as("order %s", ids(indexed)).isEqualTo("near");
        assertThat(out.getString(REJECTED_ID)).isEqualTo("low");
        assertThat(out.getDouble(7)).isEqualTo(4.6);
      }
    }
    // With epsilon 0.8 the window is [4.2, 5] and the shortest, 4.2, is right.
    assertThat(allOrders(rows, 0.0, 0.8).getString(CHOSEN_ID)).isEqualTo("far");
    // Off (negative epsilon): the best score, however long.
    assertThat(allOrders(rows, 0.0, -1).getString(CHOSEN_ID)).isEqualTo("top");
    // Epsilon 0: only responses tying the best; the shorter of two tied bests.
    List<Row> twoBest = List.of(row("longTop", 0, 90, 5.0), row("shortTop", 1, 20, 5.0), row("mid", 2, 5, 4.9),
        row("low", 3, 1, 2.0));
    assertThat(allOrders(twoBest, 0.0, 0.0).getString(CHOSEN_ID)).isEqualTo("shortTop");
  }

  @Test
  void lengthControlNeverPicksAResponseThatCannotMakeAPair() {
    // The shorter 4.6 ties the rejected 4.6: choosing it would give a zero margin, so the best is chosen.
    List<Row> rows = List.of(row("top", 0, 300, 5.0), row("tiedLow", 1, 10, 4.6), row("worst", 2, 500, 4.6));
    Row out = allOrders(rows, 0.0, 0.5);
    assertThat(out.getString(0)).isEqualTo("pair");
    assertThat(out.getString(CHOSEN_ID)).isEqualTo("top");
    assertThat(out.getString(REJECTED_ID)).isEqualTo("tiedLow"); // equal lowest scores: the lower sample index
    // Nor one whose margin over the rejected is not above min_margin (4.6 - 4.2 = 0.4 <= 0.5).
    List<Row> narrow = List.of(row("top", 0, 300, 5.0), row("short", 1, 10, 4.6), row("worst", 2, 50, 4.2));
    assertThat(allOrders(narrow, 0.5, 0.5).getString(CHOSEN_ID)).isEqualTo("top");
    // With a wider gap it qualifies (4.6 - 4.0 = 0.6 > 0.5).
    List<Row> wide = List.of(row("top", 0, 300, 5.0), row("short", 1, 10, 4.6), row("worst", 2, 50, 4.0));
    assertThat(allOrders(wide, 0.5, 0.5).getString(CHOSEN_ID)).isEqualTo("short");
  }

  @Test
  void equallyShortCandidatesPreferTheHigherScore() {
    List<Row> rows = List.of(row("a", 0, 10, 4.6), row("b", 1, 10, 4.8), row("c", 2, 40, 5.0),
        row("z", 3, 10, 0.0));
    assertThat(allOrders(rows, 0.0, 0.5).getString(CHOSEN_ID)).isEqualTo("b");
  }

  @Test
  void tiesAreDroppedAndTiedBestsBreakOnTheLowerIndex() {
    Row tie = allOrders(List.of(row("a", 0, 5, 3.0), row("b", 1, 9, 3.0), row("c", 2, 1, 3.0)), 0.0, 0.5);
    assertThat(tie.getString(0)).isEqualTo("drop");
    assertThat(tie.getString(REASON)).isEqualTo("tie");
    Row pair = allOrders(List.of(row("a", 2, 5, 4.0), row("b", 0, 9, 4.0), row("c", 1, 1, 1.0),
        row("d", 3, 1, 1.0)), 0.0, -1);
    assertThat(pair.getString(CHOSEN_ID)).isEqualTo("b");
    assertThat(pair.getString(REJECTED_ID)).isEqualTo("c");
  }

  @Test
  void marginMustBeAboveMinMargin() {
    List<Row> rows = List.of(row("a", 0, 5, 4.0), row("b", 1, 5, 3.5));
    Row below = allOrders(rows, 0.5, -1);
    assertThat(below.getString(REASON)).isEqualTo("below_margin");
    assertThat(below.getString(10)).isEqualTo("margin 0.5 <= 0.5");
    Row above = allOrders(List.of(row("a", 0, 5, 4.0), row("b", 1, 5, 3.4)), 0.5, -1);
    assertThat(above.getString(0)).isEqualTo("pair");
    assertThat(above.getDouble(7) - above.getDouble(8)).isCloseTo(0.6, org.assertj.core.data.Offset.offset(1e-12));
  }

  @Test
  void fewerThanTwoValidScoresIsADrop() {
    Row out = allOrders(List.of(row("a", 0, 5, 4.0), row("b", 1, 5, null), row("c", 2, 5, Double.NaN)), 0.0, 0.5);
    assertThat(out.getString(REASON)).isEqualTo("fewer_than_2_valid");
    assertThat(out.getString(10)).isEqualTo("1 of 3 responses have a valid score");
  }

  @Test
  void sparkEntryPointReadsTheInputColumns() {
    PairSelector s = new PairSelector(0.0, 0.5, Faults.NONE);
    Row out = s.call("p1", List.of(row("top", 0, 300, 5.0), row("near", 1, 200, 4.6), row("far", 2, 10, 4.2),
        row("low", 3, 400, 1.0)).iterator()).next();
    assertThat(out).isEqualTo(RowFactory.create("pair", "p1", "the prompt", "near", "low", "text of near",
        "text of low", 4.6, 1.0, null, null));
  }

  /** Selects in every order of {@code rows} and checks that all give the same row, which it returns. */
  private static Row allOrders(List<Row> rows, double minMargin, double epsilon) {
    Row first = null;
    for (List<Row> order : permutations(rows)) {
      Row out = select(order, minMargin, epsilon);
      if (first == null) {
        first = out;
      }
      assertThat(out).as("order %s", ids(order)).isEqualTo(first);
    }
    return first;
  }

  private static Row select(List<Row> rows, double minMargin, double epsilon) {
    return new PairSelector(minMargin, epsilon, Faults.NONE).call("p1", rows.iterator()).next();
  }

  /** Input row: prompt_id, response_id, sample_index, prompt, response, completion_tokens, mean_score. */
  private static Row row(String id, int index, int tokens, Double score) {
    return RowFactory.create("p1", id, index, "the prompt", "text of " + id, tokens, score);
  }

  /** The same rows with sample indices 0..n-1 given in list order (all scores in the tests differ or tie-break). */
  private static List<List<Row>> reindexings(List<Row> order) {
    List<Row> out = new ArrayList<>();
    for (int i = 0; i < order.size(); i++) {
      Row r = order.get(i);
      out.add(RowFactory.create(r.get(0), r.get(1), i, r.get(3), r.get(4), r.get(5), r.get(6)));
    }
    return List.of(order, out);
  }

  private static List<String> ids(List<Row> rows) {
    return rows.stream().map(r -> r.getString(1) + "@" + r.getInt(2)).toList();
  }

  private static List<List<Row>> permutations(List<Row> rows) {
    if (rows.size() <= 1) {
      return List.of(rows);
    }
    List<List<Row>> out = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      List<Row> rest = new ArrayList<>(rows);
      Row head = rest.remove(i);
      for (List<Row> tail : permutations(rest)) {
        List<Row> p = new ArrayList<>();
        p.add(head);
        p.addAll(tail);
        out.add(p);
      }
    }
    return out;
  }
}

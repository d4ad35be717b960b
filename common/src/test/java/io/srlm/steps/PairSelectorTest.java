package io.srlm.steps;

import static org.assertj.core.api.Assertions.assertThat;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
  @Test
  void lengthControlThresholdIsFixedAgainstTheBestScore() {
    // 5 (long), 4.6 (shorter), 4.2 (shortest), 1 (rejected); epsilon 0.5: the window is [4.5, 5], so 4.6 wins.
    // A threshold that moved with the pick (4.6 - 0.5 = 4.1) would take 4.2 when 5, 4.6, 4.2 come in that order.
    List<PairCandidate> rows = List.of(row("top", 0, 300, 5.0), row("near", 1, 200, 4.6), row("far", 2, 10, 4.2),
        row("low", 3, 400, 1.0));
    for (List<PairCandidate> order : permutations(rows)) {
      for (List<PairCandidate> indexed : reindexings(order)) {
        PairChoice out = select(indexed, 0.0, 0.5);
        assertThat(out.chosenId()).as("order %s", ids(indexed)).isEqualTo("near");
        assertThat(out.rejectedId()).isEqualTo("low");
        assertThat(out.chosenScore()).isEqualTo(4.6);
      }
    }
    // With epsilon 0.8 the window is [4.2, 5] and the shortest, 4.2, is right.
    assertThat(allOrders(rows, 0.0, 0.8).chosenId()).isEqualTo("far");
    // Off (negative epsilon): the best score, however long.
    assertThat(allOrders(rows, 0.0, -1).chosenId()).isEqualTo("top");
    // Epsilon 0: only responses tying the best; the shorter of two tied bests.
    List<PairCandidate> twoBest = List.of(row("longTop", 0, 90, 5.0), row("shortTop", 1, 20, 5.0), row("mid", 2, 5, 4.9),
        row("low", 3, 1, 2.0));
    assertThat(allOrders(twoBest, 0.0, 0.0).chosenId()).isEqualTo("shortTop");
  }

  @Test
  void lengthControlNeverPicksAResponseThatCannotMakeAPair() {
    // The shorter 4.6 ties the rejected 4.6: choosing it would give a zero margin, so the best is chosen.
    List<PairCandidate> rows = List.of(row("top", 0, 300, 5.0), row("tiedLow", 1, 10, 4.6), row("worst", 2, 500, 4.6));
    PairChoice out = allOrders(rows, 0.0, 0.5);
    assertThat(out.kind()).isEqualTo("pair");
    assertThat(out.chosenId()).isEqualTo("top");
    assertThat(out.rejectedId()).isEqualTo("tiedLow"); // equal lowest scores: the lower sample index
    // Nor one whose margin over the rejected is not above min_margin (4.6 - 4.2 = 0.4 <= 0.5).
    List<PairCandidate> narrow = List.of(row("top", 0, 300, 5.0), row("short", 1, 10, 4.6), row("worst", 2, 50, 4.2));
    assertThat(allOrders(narrow, 0.5, 0.5).chosenId()).isEqualTo("top");
    // With a wider gap it qualifies (4.6 - 4.0 = 0.6 > 0.5).
    List<PairCandidate> wide = List.of(row("top", 0, 300, 5.0), row("short", 1, 10, 4.6), row("worst", 2, 50, 4.0));
    assertThat(allOrders(wide, 0.5, 0.5).chosenId()).isEqualTo("short");
  }

  @Test
  void equallyShortCandidatesPreferTheHigherScore() {
    List<PairCandidate> rows = List.of(row("a", 0, 10, 4.6), row("b", 1, 10, 4.8), row("c", 2, 40, 5.0),
        row("z", 3, 10, 0.0));
    assertThat(allOrders(rows, 0.0, 0.5).chosenId()).isEqualTo("b");
  }

  @Test
  void tiesAreDroppedAndTiedBestsBreakOnTheLowerIndex() {
    PairChoice tie = allOrders(List.of(row("a", 0, 5, 3.0), row("b", 1, 9, 3.0), row("c", 2, 1, 3.0)), 0.0, 0.5);
    assertThat(tie.kind()).isEqualTo("drop");
    assertThat(tie.reason()).isEqualTo("tie");
    PairChoice pair = allOrders(List.of(row("a", 2, 5, 4.0), row("b", 0, 9, 4.0), row("c", 1, 1, 1.0),
        row("d", 3, 1, 1.0)), 0.0, -1);
    assertThat(pair.chosenId()).isEqualTo("b");
    assertThat(pair.rejectedId()).isEqualTo("c");
  }

  @Test
  void responsesWithTheSameTextAreOneCandidateScoredByTheirMean() {
    // "x" sampled twice, judged 4.5 and 1.0 (mean 2.75); "y" 3.0, "z" 2.0. Unmerged, the best (x@0) and the worst
    // (x@1) would be the same text; merged, y (3.0) beats z (2.0), and x (2.75) is neither.
    List<PairCandidate> rows = List.of(row("x0", 0, 5, 4.5, "x"), row("x1", 1, 5, 1.0, "x"), row("y", 2, 5, 3.0, "y"),
        row("z", 3, 5, 2.0, "z"));
    PairChoice out = allOrders(rows, 0.0, -1);
    assertThat(out.kind()).isEqualTo("pair");
    assertThat(out.chosenId()).isEqualTo("y");
    assertThat(out.rejectedId()).isEqualTo("z");
    // The merged text keeps its lowest sample index's id and is scored by the mean of its copies.
    PairChoice merged = allOrders(List.of(row("x1", 1, 5, 4.0, "x"), row("x0", 0, 5, 5.0, "x"),
        row("y", 2, 5, 1.0, "y")), 0.0, -1);
    assertThat(merged.chosenId()).isEqualTo("x0");
    assertThat(merged.chosenScore()).isEqualTo(4.5);
    assertThat(merged.chosen()).isNotEqualTo(merged.rejected());
    // Every valid response the same text: nothing to prefer.
    PairChoice same = allOrders(List.of(row("a", 0, 5, 5.0, "x"), row("b", 1, 5, 1.0, "x"), row("c", 2, 5, null, "w")),
        0.0, 0.5);
    assertThat(same.kind()).isEqualTo("drop");
    assertThat(same.reason()).isEqualTo("one_distinct_text");
    assertThat(same.detail()).isEqualTo("the 2 responses with a valid score all have the same text");
  }

  @Test
  void marginMustBeAboveMinMargin() {
    List<PairCandidate> rows = List.of(row("a", 0, 5, 4.0), row("b", 1, 5, 3.5));
    PairChoice below = allOrders(rows, 0.5, -1);
    assertThat(below.reason()).isEqualTo("below_margin");
    assertThat(below.detail()).isEqualTo("margin 0.5 <= 0.5");
    PairChoice above = allOrders(List.of(row("a", 0, 5, 4.0), row("b", 1, 5, 3.4)), 0.5, -1);
    assertThat(above.kind()).isEqualTo("pair");
    assertThat(above.chosenScore() - above.rejectedScore()).isCloseTo(0.6, org.assertj.core.data.Offset.offset(1e-12));
  }

  @Test
  void fewerThanTwoValidScoresIsADrop() {
    PairChoice out = allOrders(List.of(row("a", 0, 5, 4.0), row("b", 1, 5, null), row("c", 2, 5, Double.NaN)), 0.0, 0.5);
    assertThat(out.reason()).isEqualTo("fewer_than_2_valid");
    assertThat(out.detail()).isEqualTo("1 of 3 responses have a valid score");
  }

  @Test
  void sparkEntryPointReadsTheInputColumnsByName() {
    // The executor side of PairOutputs.select: rows with the input schema (here in another column order, as a
    // join may give them) become candidates; the choice comes back as a row of PairChoice.SCHEMA.
    List<PairCandidate> rows = List.of(row("top", 0, 300, 5.0), row("near", 1, 200, 4.6), row("far", 2, 10, 4.2),
        row("low", 3, 400, 1.0));
    org.apache.spark.sql.types.StructType reversed = new org.apache.spark.sql.types.StructType(
        reverse(List.of(PairCandidate.CODEC.schema().fields())).toArray(new org.apache.spark.sql.types.StructField[0]));
    List<Row> input = new ArrayList<>();
    for (PairCandidate c : rows) {
      Row plain = PairCandidate.CODEC.toRow(c);
      Object[] values = new Object[plain.length()];
      for (int i = 0; i < values.length; i++) {
        values[i] = plain.get(values.length - 1 - i);
      }
      input.add(new org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema(values, reversed));
    }
    Row out = new PairOutputs.Groups<>(PairCandidate.CODEC, new PairSelector(0.0, 0.5), Faults.NONE, "build_pairs")
        .call("p1", input.iterator()).next();
    assertThat(out).isEqualTo(RowFactory.create("pair", "p1", "the prompt", "near", "low", "text of near",
        "text of low", 4.6, 1.0, null, null));
    assertThat(PairChoice.fromRow(out)).isEqualTo(PairChoice.pair("p1", "the prompt", "near", "low", "text of near",
        "text of low", 4.6, 1.0));
  }

  @Test
  void aGroupOfTheWrongShapeFailsNamingTheColumn() {
    // A SPIN row (source instead of sample_index and scores) handed to the self-reward selector.
    Row spin = RowFactory.create("p1", "s1", "self", "the prompt", "an answer");
    assertThatThrownBy(() -> new PairOutputs.Groups<>(PairCandidate.CODEC, new PairSelector(0.0, 0.5), Faults.NONE,
        "build_pairs").call("p1", List.of(spin).iterator()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot read a PairCandidate from a row of 5 untyped columns: it has 5 columns, not 7 (expected "
            + "struct<prompt_id:string,response_id:string,sample_index:int,prompt:string,response:string,"
            + "completion_tokens:int,mean_score:double>)");
  }

  private static <T> List<T> reverse(List<T> xs) {
    List<T> out = new ArrayList<>(xs);
    java.util.Collections.reverse(out);
    return out;
  }

  /** Selects in every order of {@code rows} and checks that all give the same choice, which it returns. */
  private static PairChoice allOrders(List<PairCandidate> rows, double minMargin, double epsilon) {
    PairChoice first = null;
    for (List<PairCandidate> order : permutations(rows)) {
      PairChoice out = select(order, minMargin, epsilon);
      if (first == null) {
        first = out;
      }
      assertThat(out).as("order %s", ids(order)).isEqualTo(first);
    }
    return first;
  }

  private static PairChoice select(List<PairCandidate> rows, double minMargin, double epsilon) {
    return new PairSelector(minMargin, epsilon).select("p1", rows);
  }

  private static PairCandidate row(String id, int index, int tokens, Double score) {
    return row(id, index, tokens, score, "text of " + id);
  }

  private static PairCandidate row(String id, int index, int tokens, Double score, String text) {
    return new PairCandidate("p1", id, index, "the prompt", text, tokens, score);
  }

  /** The same rows with sample indices 0..n-1 given in list order (all scores in the tests differ or tie-break). */
  private static List<List<PairCandidate>> reindexings(List<PairCandidate> order) {
    List<PairCandidate> out = new ArrayList<>();
    for (int i = 0; i < order.size(); i++) {
      PairCandidate r = order.get(i);
      out.add(new PairCandidate(r.promptId(), r.responseId(), i, r.prompt(), r.response(), r.completionTokens(),
          r.meanScore()));
    }
    return List.of(order, out);
  }

  private static List<String> ids(List<PairCandidate> rows) {
    return rows.stream().map(r -> r.responseId() + "@" + r.sampleIndex()).toList();
  }

  private static List<List<PairCandidate>> permutations(List<PairCandidate> rows) {
    if (rows.size() <= 1) {
      return List.of(rows);
    }
    List<List<PairCandidate>> out = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      List<PairCandidate> rest = new ArrayList<>(rows);
      PairCandidate head = rest.remove(i);
      for (List<PairCandidate> tail : permutations(rest)) {
        List<PairCandidate> p = new ArrayList<>();
        p.add(head);
        p.addAll(tail);
        out.add(p);
      }
    }
    return out;
  }
}

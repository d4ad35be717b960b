package io.srlm.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LengthBatchesTest {
  @Test
  void batchesAreCutFromTheLengthOrderAndResultsComeBackInInputOrder() {
    List<String> items = List.of("ccc", "a", "bb", "dddd", "e", "ff", "g");
    List<List<String>> seen = new ArrayList<>();
    List<String> out = LengthBatches.map(items, String::length, 3, batch -> {
      seen.add(batch);
      return batch.stream().map(s -> s.toUpperCase()).toList();
    });
    assertThat(out).containsExactly("CCC", "A", "BB", "DDDD", "E", "FF", "G");
    // Stable: equal lengths keep their input order ("a", "e", "g"; "bb", "ff").
    assertThat(seen).containsExactly(List.of("a", "e", "g"), List.of("bb", "ff", "ccc"), List.of("dddd"));
  }

  @Test
  void aSizeBelowOneMeansOneItemPerBatchAndNoItemsMeansNoBatch() {
    List<List<Integer>> seen = new ArrayList<>();
    assertThat(LengthBatches.map(List.of(2, 1), i -> i, 0, b -> {
      seen.add(b);
      return b;
    })).containsExactly(2, 1);
    assertThat(seen).containsExactly(List.of(1), List.of(2));
    assertThat(LengthBatches.<Integer, Integer>map(List.of(), i -> i, 4, b -> {
      throw new AssertionError("no batch expected");
    })).isEmpty();
  }

  @Test
  void aBatchThatDropsAResultIsAnError() {
    assertThatThrownBy(() -> LengthBatches.map(List.of(1, 2), i -> i, 2, b -> b.subList(0, 1)))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("a batch of 2 gave 1 results");
  }
}

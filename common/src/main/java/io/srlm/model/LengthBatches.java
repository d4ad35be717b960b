package io.srlm.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import java.util.function.ToIntFunction;

/**
 * Length bucketing, written once for generation, scoring and reward scoring: items are ordered by a length key
 * (stable, so equal lengths keep their input order), cut into batches of at most {@code size}, each batch is run,
 * and the results are put back in input order. Padding then stays small within a batch.
 */
final class LengthBatches {
  private LengthBatches() {}

  /**
   * @param batch runs one batch; returns one result per item, in the batch's order
   * @return one result per item, in {@code items}' order
   */
  static <T, R> List<R> map(List<T> items, ToIntFunction<T> length, int size, Function<List<T>, List<R>> batch) {
    int n = items.size();
    int step = Math.max(1, size);
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparingInt(i -> length.applyAsInt(items.get(i))));
    List<R> out = new ArrayList<>(java.util.Collections.nCopies(n, null));
    for (int start = 0; start < n; start += step) {
      int end = Math.min(n, start + step);
      List<T> chunk = new ArrayList<>(end - start);
      for (int j = start; j < end; j++) {
        chunk.add(items.get(order[j]));
      }
      List<R> res = batch.apply(chunk);
      if (res.size() != chunk.size()) {
        throw new IllegalStateException("a batch of " + chunk.size() + " gave " + res.size() + " results");
      }
      for (int j = start; j < end; j++) {
        out.set(order[j], res.get(j - start));
      }
    }
    return out;
  }
}

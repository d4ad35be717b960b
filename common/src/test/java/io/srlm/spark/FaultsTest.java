package io.srlm.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.srlm.testing.LocalSpark;
import io.srlm.testing.TaskAttempts;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * debug.fail_first_attempt on a plain Spark job (no model): the first attempt of every task with rows fails, both
 * when the task passes a halfway checkpoint and when it has only one checkpoint (it fails as it completes); an empty
 * partition is not failed; the retries give the clean result.
 */
@ExtendWith(LocalSpark.class)
class FaultsTest {
  /** Checkpoints every {@code every} rows, as the executor functions do. */
  record Doubling(Faults faults, int every) implements FlatMapFunction<Iterator<Integer>, Integer> {
    @Override
    public Iterator<Integer> call(Iterator<Integer> in) {
      List<Integer> rows = new ArrayList<>();
      in.forEachRemaining(rows::add);
      List<Integer> out = new ArrayList<>();
      for (int i = 0; i < rows.size(); i++) {
        if (i % every == 0) {
          faults.maybeFail("stage_x", i, rows.size());
        }
        out.add(rows.get(i) * 2);
      }
      return out.iterator();
    }
  }

  @Test
  void everyTaskWithRowsFailsItsFirstAttemptOnceAndTheRetriesGiveTheCleanResult() {
    for (int every : new int[] {1, 1000}) { // a halfway checkpoint, and a single checkpoint per task
      SparkContext sc = LocalSpark.session().sparkContext();
      List<Integer> data = IntStream.range(0, 12).boxed().toList();
      TaskAttempts recorder = TaskAttempts.record(sc);
      List<Integer> got;
      try {
        sc.setLocalProperty(TaskAttempts.LABEL, "faults-" + every);
        // 4 partitions of 3 rows, and one empty partition (slices of an empty tail)
        got = new JavaSparkContext(sc).parallelize(data, 4).union(new JavaSparkContext(sc).parallelize(List.of(), 1))
            .mapPartitions(new Doubling(new Faults(List.of("stage_x")), every)).collect();
      } finally {
        sc.setLocalProperty(TaskAttempts.LABEL, null);
        recorder.close();
      }
      assertThat(got).containsExactlyElementsOf(data.stream().map(i -> i * 2).toList());
      List<TaskAttempts.Attempt> a = recorder.attempts().stream().filter(x -> x.label().equals("faults-" + every))
          .toList();
      String what = "checkpoint every " + every + ": " + a;
      assertThat(a.stream().filter(x -> !x.succeeded()).map(TaskAttempts.Attempt::partition)
          .collect(Collectors.toSet())).as(what).containsExactlyInAnyOrder(0, 1, 2, 3);
      assertThat(a).as(what).filteredOn(x -> !x.succeeded())
          .allMatch(x -> x.attempt() == 0 && x.failure().contains("injected failure (debug.fail_first_attempt)"));
      assertThat(a).as(what).filteredOn(x -> x.partition() < 4 && x.succeeded()).hasSize(4)
          .allMatch(x -> x.attempt() == 1);
      assertThat(a).as(what + " (the empty partition)").filteredOn(x -> x.partition() == 4)
          .singleElement().matches(x -> x.succeeded() && x.attempt() == 0);
    }
  }
}

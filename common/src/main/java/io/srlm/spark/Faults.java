package io.srlm.spark;

import java.io.Serializable;
import java.util.List;
import org.apache.spark.TaskContext;

/**
 * Test-only fault injection (debug.fail_first_attempt): the first attempt of partition 0 of a listed stage
 * throws halfway through its rows, after the model has done real work, as a lost executor would. Spark retries
 * the task; the results must equal a clean run's.
 */
public record Faults(List<String> failFirstAttempt) implements Serializable {
  public static final Faults NONE = new Faults(List.of());

  public Faults {
    failFirstAttempt = List.copyOf(failFirstAttempt);
  }

  /** Throws if this is the injected failure point for {@code stage}. */
  public void maybeFail(String stage, int rowsDone, int rowsTotal) {
    if (!failFirstAttempt.contains(stage)) {
      return;
    }
    TaskContext tc = TaskContext.get();
    if (tc == null || tc.attemptNumber() > 0 || tc.partitionId() != 0) {
      return;
    }
    if (rowsDone >= Math.max(1, rowsTotal / 2)) {
      throw new InjectedFailure(stage, tc.stageId(), tc.partitionId(), rowsDone);
    }
  }

  /** The injected failure (never thrown outside tests). */
  public static final class InjectedFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    InjectedFailure(String stage, int sparkStage, int partition, int rows) {
      super("injected failure (debug.fail_first_attempt) in " + stage + ", Spark stage " + sparkStage
          + ", partition " + partition + ", after " + rows + " rows");
    }
  }
}

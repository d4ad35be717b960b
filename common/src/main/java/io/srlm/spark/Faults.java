package io.srlm.spark;

import io.srlm.config.SrlmConfig;
import io.srlm.errors.ErrorCode;
import io.srlm.errors.Errors;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;

/**
 * Test-only fault injection. debug.fail_first_attempt: the first attempt of partition 0 of a listed stage throws
 * halfway through its rows, after the model has done real work, as a lost executor would. Spark retries the task;
 * the results must equal a clean run's. debug.hold_stage / debug.hold_dir: the first attempt of every task of that
 * stage announces itself with a marker file and waits for a release file, so that a test can kill its executor JVM
 * while the task is in flight (the standalone cluster test).
 */
public record Faults(List<String> failFirstAttempt, String holdStage, String holdDir) implements Serializable {
  public static final Faults NONE = new Faults(List.of());
  /** The file in debug.hold_dir that lets held tasks go on. */
  public static final String RELEASE_FILE = "release";
  /** How long a held task waits for {@link #RELEASE_FILE} before failing. */
  static final long HOLD_TIMEOUT_MS = 10 * 60 * 1000L;

  public Faults {
    failFirstAttempt = List.copyOf(failFirstAttempt);
  }

  public Faults(List<String> failFirstAttempt) {
    this(failFirstAttempt, "", "");
  }

  /** The faults that debug.* asks for. */
  public static Faults of(SrlmConfig.Debug debug) {
    return new Faults(debug.failFirstAttempt(), debug.holdStage(), debug.holdDir());
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

  /**
   * If {@code stage} is debug.hold_stage and this is a task's first attempt: writes {@code
   * <stage>-p<partition>-<executorId>-<pid>.held} (holding the pid) into debug.hold_dir, then waits until {@link
   * #RELEASE_FILE} exists there (polling; at most {@link #HOLD_TIMEOUT_MS}).
   */
  public void maybeHold(String stage) {
    if (holdStage.isEmpty() || !holdStage.equals(stage)) {
      return;
    }
    TaskContext tc = TaskContext.get();
    if (tc == null || tc.attemptNumber() > 0) {
      return;
    }
    Path dir = Path.of(holdDir);
    long pid = ProcessHandle.current().pid();
    SparkEnv env = SparkEnv.get();
    String executor = env == null ? "local" : env.executorId();
    String name = stage + "-p" + tc.partitionId() + "-" + executor + "-" + pid + ".held";
    try {
      Files.createDirectories(dir);
      Path tmp = dir.resolve(name + ".tmp");
      Files.writeString(tmp, pid + "\n", StandardCharsets.UTF_8);
      Files.move(tmp, dir.resolve(name), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      long deadline = System.currentTimeMillis() + HOLD_TIMEOUT_MS;
      while (!Files.exists(dir.resolve(RELEASE_FILE))) {
        if (System.currentTimeMillis() > deadline) {
          throw Errors.error(ErrorCode.PIPELINE, "debug.hold_stage: no release file after "
              + HOLD_TIMEOUT_MS / 1000 + " s", "debug.hold_stage is for tests only; unset it", "dir", dir,
              "stage", stage);
        }
        Thread.sleep(100);
      }
    } catch (IOException e) {
      throw Errors.error(ErrorCode.PIPELINE, "debug.hold_dir is not writable: " + e.getMessage(),
          "debug.hold_stage is for tests only; unset it", e, "dir", dir);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Errors.internal("interrupted while held by debug.hold_stage", e);
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

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
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.util.TaskCompletionListener;

/**
 * Test-only fault injection. debug.fail_first_attempt: the first attempt of every task of a listed stage that
 * reaches a checkpoint ({@link #maybeFail}) fails, as a lost executor would: at the first checkpoint at or past half
 * its rows, or, when the task has no such checkpoint (fewer rows than one checkpoint interval, a single group), as
 * it completes, after all its real work is done. Spark retries each task once; the results must equal a clean
 * run's. Tasks with no rows never reach a checkpoint and are not failed. debug.hold_stage / debug.hold_dir: the first attempt of every task of that
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

  /** First attempts armed to fail as they complete (task attempt id -> stage), in this JVM. */
  private static final Map<Long, String> ARMED = new ConcurrentHashMap<>();

  /**
   * A checkpoint of a listed stage's task after {@code rowsDone} of its {@code rowsTotal} rows (or groups): in a
   * first attempt, throws once {@code rowsDone} is at least half of {@code rowsTotal}, and otherwise arms the task
   * to fail when it completes (see the class comment).
   */
  public void maybeFail(String stage, int rowsDone, int rowsTotal) {
    if (!failFirstAttempt.contains(stage)) {
      return;
    }
    TaskContext tc = TaskContext.get();
    if (tc == null || tc.attemptNumber() > 0) {
      return;
    }
    long attempt = tc.taskAttemptId();
    if (rowsDone > 0 && rowsDone >= Math.max(1, rowsTotal / 2)) {
      ARMED.remove(attempt);
      throw new InjectedFailure(stage, tc.stageId(), tc.partitionId(), "after " + rowsDone + " of " + rowsTotal
          + " rows");
    }
    if (ARMED.putIfAbsent(attempt, stage) == null) {
      tc.addTaskCompletionListener((TaskCompletionListener) done -> {
        if (ARMED.remove(done.taskAttemptId()) != null) {
          throw new InjectedFailure(stage, done.stageId(), done.partitionId(), "as the task completes");
        }
      });
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

    InjectedFailure(String stage, int sparkStage, int partition, String when) {
      super("injected failure (debug.fail_first_attempt) in " + stage + ", Spark stage " + sparkStage
          + ", partition " + partition + ", " + when);
    }
  }
}

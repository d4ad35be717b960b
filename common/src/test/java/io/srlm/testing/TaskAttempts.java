package io.srlm.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.spark.ExceptionFailure;
import org.apache.spark.SparkContext;
import org.apache.spark.TaskEndReason;
import org.apache.spark.executor.TaskMetrics;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/**
 * Every task attempt Spark ends while registered, as Spark's own listener bus reports it: the Spark stage, the label
 * of the job that ran it (the value of local property {@link #LABEL} in the thread that submitted the job),
 * partition, attempt number, outcome, failure text and the rows the attempt read. Register, run, then {@link #close()} (which drains the bus) and read
 * {@link #attempts()}.
 */
public final class TaskAttempts extends SparkListener implements AutoCloseable {
  /** The local property that labels jobs: {@code sc.setLocalProperty(TaskAttempts.LABEL, "...")}. */
  public static final String LABEL = "srlm.test.label";
  /** One ended task attempt. */
  public record Attempt(String label, int stageId, int partition, int attempt, boolean succeeded, String failure,
      long rowsRead) {}

  private final SparkContext sc;
  private final Map<Integer, String> labelOfStage = new ConcurrentHashMap<>();
  private final List<SparkListenerTaskEnd> ends = new CopyOnWriteArrayList<>();

  private TaskAttempts(SparkContext sc) {
    this.sc = sc;
  }

  public static TaskAttempts record(SparkContext sc) {
    TaskAttempts t = new TaskAttempts(sc);
    sc.addSparkListener(t);
    return t;
  }

  @Override
  public void onJobStart(SparkListenerJobStart job) {
    Properties p = job.properties();
    String label = p == null ? null : p.getProperty(LABEL);
    for (Object id : scala.collection.JavaConverters.seqAsJavaList(job.stageIds())) {
      labelOfStage.putIfAbsent((Integer) id, label == null ? "" : label);
    }
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd end) {
    ends.add(end);
  }

  /** Waits until the listener bus has delivered everything posted so far, and unregisters. */
  @Override
  public void close() {
    try {
      sc.listenerBus().waitUntilEmpty(60_000);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("Spark's listener bus did not drain in 60 s", e);
    } finally {
      sc.removeSparkListener(this);
    }
  }

  public List<Attempt> attempts() {
    List<Attempt> out = new ArrayList<>();
    for (SparkListenerTaskEnd e : ends) {
      TaskEndReason reason = e.reason();
      boolean ok = e.taskInfo().successful();
      String failure = "";
      if (reason instanceof ExceptionFailure f) {
        failure = f.className() + ": " + f.description();
      } else if (!ok) {
        failure = reason.toString();
      }
      TaskMetrics m = e.taskMetrics();
      long read = m == null ? 0 : m.shuffleReadMetrics().recordsRead() + m.inputMetrics().recordsRead();
      out.add(new Attempt(labelOfStage.getOrDefault(e.stageId(), ""), e.stageId(), e.taskInfo().index(),
          e.taskInfo().attemptNumber(), ok, failure, read));
    }
    return out;
  }
}

package io.srlm.spark;

import java.io.Serializable;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.spark.SparkContext;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.util.LongAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Driver-side progress of a generation stage: accumulators the tasks update (rows, generated tokens, model loads
 * per executor JVM) and a console line every 10 seconds with rows done/total, tokens/s and the estimated time
 * left (from the rate so far). Close it when the stage's action returns.
 */
public final class StageProgress implements AutoCloseable, Serializable {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(StageProgress.class);

  private final String label;
  private final long total;
  private final LongAccumulator rows;
  private final LongAccumulator tokens;
  private final CollectionAccumulator<String> loads;
  private final long t0 = System.nanoTime();
  private transient ScheduledExecutorService timer;

  public StageProgress(SparkContext sc, String label, long total) {
    this.label = label;
    this.total = total;
    this.rows = sc.longAccumulator(label + ".rows");
    this.tokens = sc.longAccumulator(label + ".tokens");
    this.loads = sc.collectionAccumulator(label + ".model_loads");
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "srlm-progress-" + label);
      t.setDaemon(true);
      return t;
    });
    timer.scheduleAtFixedRate(this::log, 10, 10, TimeUnit.SECONDS);
  }

  LongAccumulator rows() {
    return rows;
  }

  LongAccumulator tokens() {
    return tokens;
  }

  CollectionAccumulator<String> loads() {
    return loads;
  }

  public long rowsDone() {
    return rows.value();
  }

  public long tokensDone() {
    return tokens.value();
  }

  public double tokensPerSecond() {
    return tokens.value() / Math.max(1e-9, (System.nanoTime() - t0) / 1e9);
  }

  /** Model loads per executor JVM during this stage ("executorId/pid" to loads). */
  public Map<String, Long> loadsPerExecutor() {
    Map<String, Long> out = new TreeMap<>();
    for (String s : loads.value()) {
      int eq = s.lastIndexOf('=');
      out.merge(s.substring(0, eq), Long.parseLong(s.substring(eq + 1)), Long::sum);
    }
    return out;
  }

  private void log() {
    LOG.info(line(label, rows.value(), total, tokensPerSecond(), (System.nanoTime() - t0) / 1e9));
  }

  /** "[label] done/total rows (pct%), N tokens/s, ETA 1m05s" (ETA "?" before the first row is done). */
  static String line(String label, long done, long total, double tokensPerSecond, double elapsedSeconds) {
    String eta = done <= 0 ? "?" : duration(elapsedSeconds * Math.max(0, total - done) / done);
    return String.format(java.util.Locale.ROOT, "[%s] %d/%d rows (%.0f%%), %,.0f tokens/s, ETA %s", label, done,
        total, 100.0 * done / Math.max(1, total), tokensPerSecond, eta);
  }

  static String duration(double seconds) {
    long s = Math.round(seconds);
    return s >= 3600 ? String.format("%dh%02dm", s / 3600, s % 3600 / 60)
        : s >= 60 ? String.format("%dm%02ds", s / 60, s % 60) : s + "s";
  }

  @Override
  public void close() {
    if (timer != null) {
      timer.shutdownNow();
      timer = null;
    }
    log();
  }
}

package io.srlm.bench;

import java.lang.management.ManagementFactory;
import java.util.Arrays;

/**
 * Wall-clock and process CPU timing: warmup runs, then the median of measured runs (medians resist a noisy,
 * shared machine). The process CPU time tells how much of the wall time the bench actually ran: on a machine
 * shared with other work, busy = cpu / (wall x threads) falls below 100% and the wall-clock rates understate the
 * engine; at one intra-op thread, work / CPU time is close to what a quiet machine gives.
 */
public final class Timing {
  private static final com.sun.management.OperatingSystemMXBean OS = os();

  private Timing() {}

  /** Wall and process CPU seconds of one run. */
  public record Sample(double wall, double cpu) {}

  /** Seconds one run of {@code r} takes. */
  public static double seconds(Runnable r) {
    long t0 = System.nanoTime();
    r.run();
    return (System.nanoTime() - t0) / 1e9;
  }

  /** Wall and process CPU seconds of one run of {@code r} (CPU NaN where the JVM cannot tell). */
  public static Sample measure(Runnable r) {
    long c0 = cpuNanos();
    long t0 = System.nanoTime();
    r.run();
    long t1 = System.nanoTime();
    long c1 = cpuNanos();
    return new Sample((t1 - t0) / 1e9, c0 < 0 || c1 < 0 ? Double.NaN : (c1 - c0) / 1e9);
  }

  /**
   * Shortest sample worth measuring: process CPU time comes in scheduler ticks (10 ms on Linux), so a sample
   * must be long for its CPU figure to mean anything.
   */
  public static final double MIN_SAMPLE_SECONDS = 0.25;

  /** Wall and CPU seconds per run, of {@code inner} back-to-back runs of {@code r}. */
  public static Sample measure(int inner, Runnable r) {
    Sample s = measure(() -> {
      for (int i = 0; i < inner; i++) {
        r.run();
      }
    });
    return new Sample(s.wall() / inner, s.cpu() / inner);
  }

  /** How many back-to-back runs of {@code r} make a sample of at least {@link #MIN_SAMPLE_SECONDS} (runs it once). */
  public static int repeatsFor(Runnable r) {
    double one = Math.max(1e-6, seconds(r));
    return (int) Math.max(1, Math.min(10_000, Math.ceil(MIN_SAMPLE_SECONDS / one)));
  }

  /**
   * Warm-up runs, then the median of {@code reps} samples of per-run wall and CPU seconds, each sample repeating
   * {@code r} for at least {@link #MIN_SAMPLE_SECONDS}.
   */
  public static Sample perCall(int warmup, int reps, Runnable r) {
    for (int i = 0; i < warmup; i++) {
      r.run();
    }
    int inner = repeatsFor(r);
    Sample[] s = new Sample[Math.max(1, reps)];
    for (int i = 0; i < s.length; i++) {
      s[i] = measure(inner, r);
    }
    return median(s);
  }

  /** Runs {@code warmup} unmeasured times, then returns the median of {@code reps} measured runs, in seconds. */
  public static double median(int warmup, int reps, Runnable r) {
    return medianSample(warmup, reps, r).wall();
  }

  /** Like {@link #median} for wall and CPU time (each the median of its own samples). */
  public static Sample medianSample(int warmup, int reps, Runnable r) {
    for (int i = 0; i < warmup; i++) {
      r.run();
    }
    Sample[] s = new Sample[Math.max(1, reps)];
    for (int i = 0; i < s.length; i++) {
      s[i] = measure(r);
    }
    return median(s);
  }

  public static Sample median(Sample[] samples) {
    double[] w = new double[samples.length];
    double[] c = new double[samples.length];
    for (int i = 0; i < samples.length; i++) {
      w[i] = samples[i].wall();
      c[i] = samples[i].cpu();
    }
    return new Sample(median(w), median(c));
  }

  public static double median(double[] values) {
    double[] s = values.clone();
    Arrays.sort(s);
    int n = s.length;
    return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  }

  /** CPU time of the whole process (all threads) in ns, or -1. */
  static long cpuNanos() {
    return OS == null ? -1 : OS.getProcessCpuTime();
  }

  private static com.sun.management.OperatingSystemMXBean os() {
    var b = ManagementFactory.getOperatingSystemMXBean();
    return b instanceof com.sun.management.OperatingSystemMXBean s ? s : null;
  }
}

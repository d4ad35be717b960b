package io.srlm.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import io.srlm.model.Devices;
import java.util.List;

/**
 * The engine's fp32 matmul rate (the "ceiling" the model figures are compared with) and its per-op overhead.
 * Each sample repeats the op enough times to last about 50 ms; the figure is the median sample.
 */
public final class MatmulBench {
  static final double SAMPLE_SECONDS = 0.05;

  private MatmulBench() {}

  /**
   * A measured rate: GFLOP/s of wall time and of process CPU time (equal on an idle machine at one thread; on a
   * shared machine the CPU-time rate is what the engine does while it runs).
   */
  public record Rate(double gflops, double gflopsPerCpuSecond) {}

  /**
   * @param threads intra-op thread counts to measure, in order
   * @param sizes n of each n^3 matmul
   * @param peakGflopsPerCore physical fp32 GFLOP/s of one core for a "% of peak" column; 0 = no such column
   */
  public record Options(List<Integer> threads, List<Integer> sizes, int warmup, int reps,
      double peakGflopsPerCore) {
    public Options {
      threads = List.copyOf(threads);
      sizes = List.copyOf(sizes);
      EngineBench.check(!threads.isEmpty() && threads.stream().allMatch(t -> t >= 1), "--thread-counts",
          "must be positive integers", threads);
      EngineBench.check(!sizes.isEmpty() && sizes.stream().allMatch(n -> n >= 1), "--sizes",
          "must be positive integers", sizes);
      EngineBench.check(warmup >= 0, "--warmup", "must be >= 0", warmup);
      EngineBench.check(reps >= 1, "--reps", "must be at least 1", reps);
      EngineBench.check(peakGflopsPerCore >= 0, "--peak-gflops", "must be >= 0", peakGflopsPerCore);
    }
  }

  /**
   * {@code srlm bench matmul}: the engine's fp32 n^3 matmul GFLOP/s at each thread count and size, and its per-op
   * overhead. The largest size at the most threads is the ceiling the other benches divide by (they measure it
   * again in their own run).
   */
  public static BenchReport run(Options o) {
    ai.djl.engine.Engine.getInstance(); // loads the natives
    int before = JniUtils.getNumThreads();
    Devices.threads(o.threads().get(0));
    BenchReport report = new BenchReport("matmul", Machine.probe(o.threads().get(0)));
    List<String> cols = new java.util.ArrayList<>(List.of("threads", "n", "GFLOP/s", "GFLOP/CPU-s", "ms/matmul"));
    if (o.peakGflopsPerCore() > 0) {
      cols.add("% of peak");
    }
    BenchReport.Section t = report.section("fp32 matMul (n x n) x (n x n)", cols.toArray(new String[0]));
    BenchReport.Section ov = report.section("per-op overhead", "threads", "us/op");
    int cores = Runtime.getRuntime().availableProcessors();
    try {
      for (int th : o.threads()) {
        Devices.threads(th);
        int actual = JniUtils.getNumThreads();
        for (int n : o.sizes()) {
          Rate r = matmul(n, n, n, o.warmup(), o.reps());
          List<Object> row = new java.util.ArrayList<>(List.of(actual, n, r.gflops(), r.gflopsPerCpuSecond(),
              2.0 * n * n * n / (r.gflops() * 1e9) * 1e3));
          if (o.peakGflopsPerCore() > 0) {
            row.add(100 * r.gflops() / (o.peakGflopsPerCore() * Math.min(actual, cores)));
          }
          t.row(row.toArray());
        }
        ov.row(actual, opOverheadMicros(o.warmup(), o.reps()));
      }
    } finally {
      Devices.threads(before);
    }
    t.note("each sample repeats the matmul for about " + Math.round(SAMPLE_SECONDS * 1000) + " ms; warmup "
        + o.warmup() + ", median of " + o.reps() + " samples; GFLOP/s = 2n^3 / wall time, GFLOP/CPU-s = 2n^3 / "
        + "process CPU time (per core-second: at 2 threads it is about half the wall rate when both cores ran)");
    ov.note("a 1-element add and free, 20,000 per sample: the floor of every engine op through JNI");
    return report;
  }

  /** GFLOP/s of (m, k) x (k, n) with {@code NDArray.matMul} (a square n^3 is the usual ceiling). */
  public static Rate matmul(long m, long k, long n, int warmup, int reps) {
    try (NDManager mm = NDManager.newBaseManager()) {
      NDArray a = mm.randomUniform(-1f, 1f, new Shape(m, k));
      NDArray b = mm.randomUniform(-1f, 1f, new Shape(k, n));
      return rate(2.0 * m * k * n, () -> a.matMul(b).close(), warmup, reps);
    }
  }

  /** GFLOP/s of x (m, k) times W (n, k) transposed: the model's projection op (linear) at its own shapes. */
  public static Rate linear(long m, long k, long n, int warmup, int reps) {
    try (NDManager mm = NDManager.newBaseManager()) {
      NDArray x = mm.randomUniform(-1f, 1f, new Shape(m, k));
      NDArray w = mm.randomUniform(-1f, 1f, new Shape(n, k));
      return rate(2.0 * m * k * n, () -> x.getNDArrayInternal().linear(x, w, null).get(0).close(), warmup, reps);
    }
  }

  /** Microseconds per tiny engine op (adding two 1-element arrays and freeing the result): the JNI floor. */
  public static double opOverheadMicros(int warmup, int reps) {
    try (NDManager mm = NDManager.newBaseManager()) {
      NDArray a = mm.create(new float[] {1f});
      NDArray b = mm.create(new float[] {2f});
      int inner = 20_000;
      double s = Timing.median(warmup, reps, () -> {
        for (int i = 0; i < inner; i++) {
          a.add(b).close();
        }
      });
      return s / inner * 1e6;
    }
  }

  private static Rate rate(double flops, Runnable op, int warmup, int reps) {
    op.run();
    double one = Math.max(1e-7, Math.min(Timing.seconds(op), Timing.seconds(op)));
    int inner = (int) Math.max(1, Math.min(100_000, Math.ceil(SAMPLE_SECONDS / one)));
    Timing.Sample s = Timing.medianSample(warmup, reps, () -> {
      for (int i = 0; i < inner; i++) {
        op.run();
      }
    });
    return new Rate(flops * inner / s.wall() / 1e9, flops * inner / s.cpu() / 1e9);
  }
}

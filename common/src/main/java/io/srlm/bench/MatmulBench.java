package io.srlm.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

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

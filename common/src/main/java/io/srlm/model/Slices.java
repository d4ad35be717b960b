package io.srlm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Contiguous-range reads and writes along one axis as one engine call each. DJL's {@code get/set(NDIndex)} parses
 * the index and, for a write, reshapes and broadcasts the value first: 3-4 engine calls, about 7 us per access on
 * the CPU against about 2 us for the single {@code index}/{@code index_put_} call used here (the KV cache does four
 * such accesses per layer and decode step). Arrays of another engine take the NDIndex route.
 */
final class Slices {
  private Slices() {}

  /** A view of {@code a[..., start:end, ...]} along {@code axis}, attached to {@code into}. */
  static NDArray range(NDArray a, int axis, long start, long end, NDManager into) {
    if (a instanceof PtNDArray pa && into instanceof PtNDManager pm) {
      long[][] b = bounds(a.getShape(), axis, start, end);
      return JniUtils.index(pa, b[0], b[1], b[2], pm);
    }
    return a.get(into, index(a.getShape().dimension(), axis, start, end));
  }

  /** Writes {@code value} (the shape of the range) into {@code a[..., start:start + len, ...]} in place. */
  static void write(NDArray a, int axis, long start, NDArray value) {
    long end = start + value.getShape().get(axis);
    if (a instanceof PtNDArray pa && value instanceof PtNDArray pv) {
      long[][] b = bounds(a.getShape(), axis, start, end);
      JniUtils.indexSet(pa, pv, b[0], b[1], b[2]);
      return;
    }
    a.set(index(a.getShape().dimension(), axis, start, end), value);
  }

  private static long[][] bounds(Shape s, int axis, long start, long end) {
    int rank = s.dimension();
    long[] min = new long[rank];
    long[] max = s.getShape();
    long[] step = new long[rank];
    java.util.Arrays.fill(step, 1);
    min[axis] = start;
    max[axis] = end;
    return new long[][] {min, max, step};
  }

  private static NDIndex index(int rank, int axis, long start, long end) {
    NDIndex i = new NDIndex();
    for (int d = 0; d < rank; d++) {
      if (d == axis) {
        i.addSliceDim(start, end);
      } else {
        i.addAllDim();
      }
    }
    return i;
  }
}

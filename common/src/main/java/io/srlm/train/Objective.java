package io.srlm.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.Map;

/** A training objective over examples of type E (SFT rows, preference pairs). */
public interface Objective<E> {

  /**
   * @param loss scalar loss (mean over this micro-batch's units)
   * @param metrics named scalars, averaged across micro-batches by {@code weight}
   * @param weight units in this micro-batch (completion tokens for SFT, pairs for DPO)
   */
  record Output(NDArray loss, Map<String, NDArray> metrics, double weight) {
    /** Splits a map holding "loss" and metrics into an Output. */
    public static Output of(Map<String, NDArray> lossAndMetrics, double w) {
      Map<String, NDArray> rest = new java.util.LinkedHashMap<>(lossAndMetrics);
      NDArray l = rest.remove("loss");
      return new Output(l, rest, w);
    }
  }

  Output forward(List<E> batch, NDManager manager, boolean training);

  /** Sequence length of an example, for length bucketing. */
  int length(E example);

  /** Tokens an example costs (for tokens/s). */
  long tokens(E example);
}

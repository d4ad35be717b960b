package io.srlm.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.srlm.model.LlamaModel;
import io.srlm.model.SequenceBatch;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Direct Preference Optimization (Rafailov et al., 2023) with Δ = log π(y|x) − log π_ref(y|x):
 *
 * <ul>
 *   <li>{@code sigmoid}: −log σ(β (Δ_chosen − Δ_rejected)) on summed log-probs (the paper's loss; SPIN's loss is
 *       the same with β = λ);
 *   <li>{@code sigmoid_norm}: the same on per-token mean log-probs (length-normalised);
 *   <li>{@code ipo}: (Δ_chosen − Δ_rejected − 1/(2β))² on mean log-probs (Azar et al., 2023).
 * </ul>
 *
 * Metrics: chosen/rejected rewards β·Δ, reward accuracy (chosen reward above rejected), margin.
 */
public final class DpoObjective implements Objective<PairExample> {
  private final LlamaModel model;
  private final int padId;
  private final String loss;
  private final double beta;

  public DpoObjective(LlamaModel model, int padId, String loss, double beta) {
    TrainingPrecision.requireF32(model);
    this.model = model;
    this.padId = padId;
    this.loss = loss;
    this.beta = beta;
  }

  @Override
  public Output forward(List<PairExample> batch, NDManager m, boolean training) {
    int n = batch.size();
    int[][] p = new int[2 * n][];
    int[][] c = new int[2 * n][];
    float[] refC = new float[n];
    float[] refR = new float[n];
    float[] lenC = new float[n];
    float[] lenR = new float[n];
    for (int i = 0; i < n; i++) {
      PairExample e = batch.get(i);
      p[i] = e.prompt();
      c[i] = e.chosen();
      p[n + i] = e.prompt();
      c[n + i] = e.rejected();
      refC[i] = (float) e.refChosen();
      refR[i] = (float) e.refRejected();
      lenC[i] = e.chosen().length;
      lenR[i] = e.rejected().length;
    }
    NDArray logps = new SequenceBatch(p, c, padId).completionLogprobs(model, m, training); // (2n,)
    NDArray pc = logps.get("0:" + n);
    NDArray pr = logps.get(n + ":");
    return Output.of(losses(loss, beta, pc, pr, m.create(refC), m.create(refR),
        m.create(lenC), m.create(lenR)), n);
  }

  /**
   * The per-pair loss and metrics from policy and reference log-prob sums (all (n,) arrays); differentiable in
   * pc and pr. Exposed for closed-form tests.
   */
  static Map<String, NDArray> losses(String loss, double beta, NDArray pc, NDArray pr, NDArray rc, NDArray rr,
      NDArray lenC, NDArray lenR) {
    boolean normalised = !loss.equals("sigmoid");
    NDArray dc = pc.sub(rc);
    NDArray dr = pr.sub(rr);
    if (normalised) {
      dc = dc.div(lenC);
      dr = dr.div(lenR);
    }
    NDArray diff = dc.sub(dr);
    NDArray l;
    if (loss.equals("ipo")) {
      l = diff.sub(1.0 / (2 * beta)).square();
    } else {
      l = logSigmoid(diff.mul(beta)).neg();
    }
    Map<String, NDArray> out = new LinkedHashMap<>();
    out.put("loss", l.mean());
    NDArray rewC = dc.mul(beta).stopGradient();
    NDArray rewR = dr.mul(beta).stopGradient();
    out.put("rewards_chosen", rewC.mean());
    out.put("rewards_rejected", rewR.mean());
    out.put("reward_accuracy", rewC.gt(rewR).toType(ai.djl.ndarray.types.DataType.FLOAT32, false).mean());
    out.put("reward_margin", rewC.sub(rewR).mean());
    out.put("logps_chosen", pc.stopGradient().mean());
    out.put("logps_rejected", pr.stopGradient().mean());
    return out;
  }

  /** log σ(x) = min(x, 0) − log(1 + exp(−|x|)), stable for large |x|. */
  static NDArray logSigmoid(NDArray x) {
    return x.minimum(0).sub(x.abs().neg().exp().add(1).log());
  }

  @Override
  public int length(PairExample e) {
    return e.prompt().length + Math.max(e.chosen().length, e.rejected().length);
  }

  @Override
  public long tokens(PairExample e) {
    return 2L * e.prompt().length + e.chosen().length + e.rejected().length;
  }
}

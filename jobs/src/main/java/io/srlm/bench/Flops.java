package io.srlm.bench;

import io.srlm.model.ModelArch;

/**
 * Model FLOPs, the usual accounting (Kaplan et al. 2020; PaLM's MFU): a forward pass costs 2·N FLOPs per token for
 * the matmul weights plus 4·L·(H·hd)·ctx for attention (q·kᵀ and p·v over ctx keys); training costs three times
 * the forward with full fine-tuning (6·N per token) and about twice with LoRA (4·N: the frozen weights get no
 * weight gradients, only input gradients; the adapters' own FLOPs are small and left out).
 *
 * <p>N is {@link ModelArch#matmulParameterCount()}: every projection of every layer plus the lm_head (vocab·d);
 * the embedding lookup, norms and the engine's own extra work (e.g. the rotate-half matmul of RoPE) are not
 * counted, so these are model FLOPs, not engine FLOPs.
 */
public final class Flops {
  private Flops() {}

  /** N: parameters in matmuls (all projections and the lm_head). */
  public static long n(ModelArch a) {
    return a.matmulParameterCount();
  }

  /** Attention FLOPs per token per key attended, over all layers: 4·L·H·hd. */
  public static double attentionPerKey(ModelArch a) {
    return 4.0 * a.numLayers() * a.numHeads() * a.headDim();
  }

  /** Forward FLOPs of one token that attends {@code ctx} keys. */
  public static double forwardPerToken(ModelArch a, double ctx) {
    return 2.0 * n(a) + attentionPerKey(a) * ctx;
  }

  /**
   * Forward FLOPs per token averaged over a causal sequence of {@code t} tokens (token i attends i+1 keys, so on
   * average (t+1)/2).
   */
  public static double forwardPerTokenCausal(ModelArch a, int t) {
    return forwardPerToken(a, (t + 1) / 2.0);
  }

  /** Training FLOPs per token: 3x the forward (full) or 2x (LoRA). */
  public static double trainPerTokenCausal(ModelArch a, int t, boolean lora) {
    return (lora ? 2 : 3) * forwardPerTokenCausal(a, t);
  }
}

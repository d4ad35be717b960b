package io.srlm.model;

import java.io.Serializable;

/**
 * The architecture facts the forward pass needs, for every supported family (Llama 1/2/3, Mistral, TinyLlama,
 * Qwen2): RMSNorm eps, RoPE (rotate_half layout) with theta and optional llama3/linear scaling, grouped-query
 * attention, SwiGLU MLP, optional q/k/v bias (Qwen2), tied or untied lm_head, optional sliding window.
 */
public record ModelArch(String modelType, int vocabSize, int hiddenSize, int intermediateSize, int numLayers,
    int numHeads, int numKvHeads, int headDim, double rmsNormEps, double ropeTheta, RopeScaling ropeScaling,
    int maxPosition, boolean tieWordEmbeddings, boolean qkvBias, boolean oBias, boolean mlpBias,
    Integer slidingWindow) implements Serializable {

  /**
   * RoPE frequency scaling. type "llama3" uses factor, lowFreqFactor, highFreqFactor and
   * originalMaxPosition; "linear" uses factor.
   */
  public record RopeScaling(String type, double factor, double lowFreqFactor, double highFreqFactor,
      int originalMaxPosition) implements Serializable {}

  public int groups() {
    return numHeads / numKvHeads;
  }

  /** Parameter count (embeddings included; lm_head counted once when tied). */
  public long parameterCount() {
    long d = hiddenSize;
    long attn = d * numHeads * headDim + 2L * d * numKvHeads * headDim + (long) numHeads * headDim * d;
    if (qkvBias) {
      attn += (long) numHeads * headDim + 2L * numKvHeads * headDim;
    }
    long mlp = 3L * d * intermediateSize;
    long perLayer = attn + mlp + 2 * d;
    long emb = (long) vocabSize * d;
    return numLayers * perLayer + emb + (tieWordEmbeddings ? 0 : emb) + d;
  }

  /** Non-embedding parameters: the N in the 6·N·T training FLOPs estimate (plus the lm_head matmul). */
  public long matmulParameterCount() {
    long d = hiddenSize;
    long attn = d * numHeads * headDim + 2L * d * numKvHeads * headDim + (long) numHeads * headDim * d;
    long mlp = 3L * d * intermediateSize;
    return numLayers * (attn + mlp) + (long) vocabSize * d;
  }
}

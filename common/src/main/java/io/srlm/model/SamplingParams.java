package io.srlm.model;

import java.io.Serializable;
import java.util.List;

/**
 * How to pick each next token. temperature 0 means greedy; topK 0 and topP 1 switch those filters off.
 *
 * @param stop stop strings: generation ends when the text contains one (it is cut before the stop string)
 */
public record SamplingParams(double temperature, double topP, int topK, int maxNewTokens, List<String> stop)
    implements Serializable {

  public SamplingParams {
    if (temperature < 0 || Double.isNaN(temperature)) {
      throw new IllegalArgumentException("temperature must be >= 0, cannot be: " + temperature);
    }
    if (!(topP > 0 && topP <= 1)) {
      throw new IllegalArgumentException("top_p must be in (0, 1], cannot be: " + topP);
    }
    if (topK < 0) {
      throw new IllegalArgumentException("top_k must be >= 0, cannot be: " + topK);
    }
    if (maxNewTokens < 1) {
      throw new IllegalArgumentException("max_new_tokens must be at least 1, cannot be: " + maxNewTokens);
    }
    stop = stop == null ? List.of() : List.copyOf(stop);
  }

  public static SamplingParams greedy(int maxNewTokens) {
    return new SamplingParams(0, 1, 0, maxNewTokens, List.of());
  }

  public boolean greedy() {
    return temperature == 0;
  }
}

package io.srlm.model;

/**
 * One generated completion.
 *
 * @param tokenIds generated ids (EOS excluded; tokens after a stop string included up to where generation ended)
 * @param text decoded text (cut before the stop string, if one ended it)
 * @param finishReason eos, length or stop
 * @param promptTokens prompt length in tokens
 */
public record Generation(int[] tokenIds, String text, String finishReason, int promptTokens) {
  public static final String EOS = "eos";
  public static final String LENGTH = "length";
  public static final String STOP = "stop";
}

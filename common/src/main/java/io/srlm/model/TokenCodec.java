package io.srlm.model;

/** What generation needs from a tokenizer: decoding generated ids and knowing the stop ids. */
public interface TokenCodec {
  /** Text of the ids, special tokens skipped. */
  String decode(int[] ids);

  /** Ids that end a sequence (EOS and any extra stop ids from generation_config.json). */
  int[] eosIds();

  /** The padding id (used for finished rows and left padding). */
  int padId();
}

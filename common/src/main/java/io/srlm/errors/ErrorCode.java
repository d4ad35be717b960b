package io.srlm.errors;

/** Error classes, so callers and tests can tell them apart without parsing messages. */
public enum ErrorCode {
  CONFIG,
  SEED_DATA,
  TABLE,
  STORAGE,
  CHECKPOINT,
  TOKENIZER,
  MODEL,
  GENERATION,
  JUDGE,
  TRAINING,
  RUN_STATE,
  PIPELINE,
  INTERNAL
}

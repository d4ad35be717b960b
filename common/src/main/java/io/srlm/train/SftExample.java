package io.srlm.train;

/** A tokenized SFT row: the chat-formatted prompt and the completion (ending with EOS). */
public record SftExample(String id, int[] prompt, int[] completion) {}

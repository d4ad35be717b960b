package io.srlm.model.tokenizer;

import java.util.Objects;

/**
 * One turn of a conversation, as HF chat templates see it ({@code message['role']}, {@code message['content']}).
 *
 * @param role system, user or assistant
 * @param content the text of the turn
 */
public record ChatMessage(String role, String content) {
  public ChatMessage {
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(content, "content");
  }

  public static ChatMessage system(String content) {
    return new ChatMessage("system", content);
  }

  public static ChatMessage user(String content) {
    return new ChatMessage("user", content);
  }

  public static ChatMessage assistant(String content) {
    return new ChatMessage("assistant", content);
  }
}

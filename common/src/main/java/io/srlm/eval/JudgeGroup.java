package io.srlm.eval;

import java.util.List;

/**
 * The judged responses to one question, with their human ranking (seed_eft rows sharing a group_id).
 *
 * @param groupId the question's group id (for messages and tracing)
 * @param items the responses; order does not matter
 */
public record JudgeGroup(String groupId, List<JudgeItem> items) {
  public JudgeGroup {
    if (groupId == null) {
      throw new IllegalArgumentException("groupId must not be null");
    }
    items = List.copyOf(items);
  }

  /** The items whose score parsed. */
  public List<JudgeItem> scoredItems() {
    return items.stream().filter(JudgeItem::scored).toList();
  }
}

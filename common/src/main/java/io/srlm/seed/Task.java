package io.srlm.seed;

import java.io.Serializable;
import java.util.List;

/**
 * One instance of a built-in task family.
 *
 * @param family the family name, e.g. "reverse_words"
 * @param prompt the task text as asked (stripped)
 * @param expected the one correct answer, bare (no extra words)
 * @param items what the question is about: its words, or its numbers and units (used to judge relevance)
 */
public record Task(String family, String prompt, String expected, List<String> items) implements Serializable {
  public Task {
    items = List.copyOf(items);
  }
}

package io.srlm.seed;

import io.srlm.errors.Errors;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.Function;

/**
 * One built-in task family: its paraphrased templates, a generator of random slot values, and a solver that turns
 * slot values (written by us or read back from any prompt that matches a template) into the correct answer.
 *
 * @param name e.g. "add"
 * @param numeric whether the answer is a number (any number then counts as relevant)
 * @param templates two or three paraphrases of the task
 * @param generator random slot values for a new instance
 * @param solver the answer and the question's items for slot values, or empty when the values make no task
 */
record TaskFamily(String name, boolean numeric, List<SlotTemplate> templates,
    Function<Random, Map<String, String>> generator, Function<Map<String, String>, Optional<Solution>> solver) {

  /** The solved slots: the exact expected answer and the question's items. */
  record Solution(String expected, List<String> items) {}

  Task sample(Random rnd) {
    SlotTemplate t = templates.get(rnd.nextInt(templates.size()));
    Map<String, String> slots = generator.apply(rnd);
    String prompt = t.fill(slots);
    Solution s = solver.apply(slots).orElseThrow(
        () -> Errors.internal("generated slots make no task: " + name + " " + slots, null));
    return new Task(name, prompt, s.expected(), s.items());
  }

  Optional<Task> parse(String prompt, String normalized) {
    for (SlotTemplate t : templates) {
      Optional<Task> task = t.match(normalized).flatMap(solver)
          .map(s -> new Task(name, prompt.strip(), s.expected(), s.items()));
      if (task.isPresent()) {
        return task;
      }
    }
    return Optional.empty();
  }
}

package io.srlm.seed;

import io.srlm.errors.ErrorCode;
import io.srlm.errors.Errors;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * The built-in task families: a small, regular and checkable domain that a tiny model can learn in minutes.
 *
 * <p>Families (each with three paraphrased templates):
 * <ul>
 *   <li>reverse_words: "Reverse the order of these words: red fox sun" answers "sun fox red" (3-5 words)</li>
 *   <li>sort_words: "Sort these words alphabetically: fox red cat" answers "cat fox red" (3-5 words)</li>
 *   <li>count_words: "How many words are in this list: cat dog?" answers "2" (2-6 words)</li>
 *   <li>add: "What is 3 plus 4?" answers "7" (0-20 each)</li>
 *   <li>convert: "Convert 3 kilometers to meters." answers "3000 meters" (1-20; km, m, cm, mm, kg, g, l, ml)</li>
 *   <li>repeat_word: "Repeat the word cat 3 times." answers "cat cat cat" (2-5 times)</li>
 *   <li>first_word, last_word: "What is the first word in this list: red fox sun?" answers "red"</li>
 * </ul>
 * Answers are bare: nothing but the answer. {@link #parse} recognises any prompt written with one of the templates
 * (including prompts the model writes), with any words from a-z and other numbers than the generator uses, and
 * computes its answer, so self-written tasks can be checked.
 */
public final class BuiltinTasks {
  private BuiltinTasks() {}

  /** The family names, in a fixed order. */
  public static List<String> families() {
    List<String> out = new ArrayList<>();
    for (TaskFamily f : Families.ALL) {
      out.add(f.name());
    }
    return List.copyOf(out);
  }

  /** The templates of a family, with {slot} placeholders, e.g. "Add {a} and {b}." */
  public static List<String> templates(String family) {
    List<String> out = new ArrayList<>();
    for (SlotTemplate t : family(family).templates()) {
      out.add(t.text());
    }
    return List.copyOf(out);
  }

  /** The task this prompt asks, with its correct answer, or empty when no family's template matches it. */
  public static Optional<Task> parse(String prompt) {
    if (prompt == null) {
      return Optional.empty();
    }
    String normalized = SlotTemplate.normalize(prompt);
    for (TaskFamily f : Families.ALL) {
      Optional<Task> t = f.parse(prompt, normalized);
      if (t.isPresent()) {
        return t;
      }
    }
    return Optional.empty();
  }

  /** Grades an answer with the additive criteria described on {@link Grade}. */
  public static Grade grade(Task task, String answer) {
    return Grader.grade(task, answer, family(task.family()).numeric());
  }

  /** Whether the prompt is a built-in task and the answer is exactly its correct answer (after trimming). */
  public static boolean isCorrect(String prompt, String answer) {
    return answer != null && parse(prompt).map(t -> t.expected().equals(answer.strip())).orElse(false);
  }

  /** How a judged answer counts in the checking AUC ({@link #checkingKind}). */
  public enum Checking {
    /** Exactly the task's answer. */
    RIGHT,
    /** Wrong, but in the right answer's form: as many words, and the grader gives it a point or more. */
    SAME_FORM_WRONG,
    /** Anything else (empty, unrelated, repeated, chatter, a part, or not a built-in task): not compared. */
    OTHER
  }

  /**
   * Sorts a judged answer for the checking AUC: a judge can rank a {@link Checking#SAME_FORM_WRONG} answer below
   * the {@link Checking#RIGHT} one only by checking it against the question, since length and form are the same.
   */
  public static Checking checkingKind(String question, String answer) {
    Optional<Task> t = parse(question);
    if (t.isEmpty() || answer == null) {
      return Checking.OTHER;
    }
    String a = answer.strip();
    if (a.equals(t.get().expected())) {
      return Checking.RIGHT;
    }
    boolean sameLength = Grader.tokens(a).size() == Grader.tokens(t.get().expected()).size();
    return sameLength && grade(t.get(), a).score() > 0 ? Checking.SAME_FORM_WRONG : Checking.OTHER;
  }

  /** A random instance of the family, using one of its templates. */
  public static Task sample(String family, Random rnd) {
    return family(family).sample(rnd);
  }

  static TaskFamily family(String name) {
    for (TaskFamily f : Families.ALL) {
      if (f.name().equals(name)) {
        return f;
      }
    }
    throw Errors.error(ErrorCode.SEED_DATA, "Unknown built-in task family '" + name + "'",
        "use one of " + families(), "family", name);
  }
}

package io.srlm.seed;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * Wrong answers written like the right one: the same form, only the content wrong. These are the mistakes the tiny
 * model makes on its own answers (read from its sampled answers in docs/efficacy.md): another word of the list, a
 * number a little off or off by a power of ten with its unit kept, a list with one word changed or two neighbours
 * swapped, a word written once too few or too many times. A judge can score them apart from the right answer only by
 * checking the answer against the question, since length, form and wording give nothing away; the ordinary EFT
 * groups ({@link Flaw}) can mostly be ranked by form alone (empty, chatter, repeated, unrelated).
 *
 * <p>What a near miss scores is never decided here: rows carry the grade {@link BuiltinTasks#grade} gives.
 */
final class NearMiss {
  private NearMiss() {}

  /** One near miss of the task's answer, never equal to it; empty when the task has none (e.g. a 1-word list). */
  static Optional<String> of(Task task, Random rnd) {
    String e = task.expected();
    List<String> et = List.of(e.split(" "));
    if (BuiltinTasks.family(task.family()).numeric()) {
      return Optional.of(number(et, rnd));
    }
    if (et.size() == 1) {
      List<String> others = new ArrayList<>(task.items());
      others.removeAll(et);
      return others.isEmpty() ? Optional.empty() : Optional.of(others.get(rnd.nextInt(others.size())));
    }
    if (et.stream().distinct().count() == 1) {
      return Optional.of(repeat(et, rnd));
    }
    return Optional.of(list(task, et, rnd));
  }

  /** The leading number changed, anything after it (a unit) kept: off by 1-3 in its leading digit, or by x10. */
  private static String number(List<String> et, Random rnd) {
    long right = Long.parseLong(et.get(0));
    String tail = et.size() > 1 ? " " + String.join(" ", et.subList(1, et.size())) : "";
    long step = 1;
    while (step * 10 <= right) {
      step *= 10;
    }
    long wrong;
    do {
      if (right >= 10 && rnd.nextInt(3) == 0) {
        wrong = rnd.nextBoolean() || right % 10 != 0 ? right * 10 : right / 10;
      } else {
        wrong = right + (rnd.nextBoolean() ? 1 : -1) * (1 + rnd.nextInt(3)) * step;
      }
    } while (wrong < 0 || wrong == right);
    return wrong + tail;
  }

  /** "cat cat cat": one copy too few or too many, or one copy replaced by another word. */
  private static String repeat(List<String> et, Random rnd) {
    List<String> w = new ArrayList<>(et);
    switch (rnd.nextInt(3)) {
      case 0 -> w.remove(0);
      case 1 -> w.add(w.get(0));
      default -> w.set(rnd.nextInt(w.size()), otherWord(w, rnd));
    }
    return w.isEmpty() ? otherWord(et, rnd) : String.join(" ", w);
  }

  /** A list answer: the question's own order, two neighbours swapped, or one word replaced by a word not in it. */
  private static String list(Task task, List<String> et, Random rnd) {
    String answer = String.join(" ", et);
    String asAsked = String.join(" ", task.items());
    int kind = rnd.nextInt(3);
    if (kind == 0 && !asAsked.equals(answer)) {
      return asAsked;
    }
    List<String> w = new ArrayList<>(et);
    if (kind == 1) {
      int i = rnd.nextInt(w.size() - 1);
      Collections.swap(w, i, i + 1);
    } else {
      w.set(rnd.nextInt(w.size()), otherWord(et, rnd));
    }
    String s = String.join(" ", w);
    return s.equals(answer) ? String.join(" ", w.subList(0, w.size() - 1)) : s;
  }

  private static String otherWord(List<String> avoid, Random rnd) {
    String w;
    do {
      w = Vocabulary.one(rnd);
    } while (avoid.contains(w));
    return w;
  }
}

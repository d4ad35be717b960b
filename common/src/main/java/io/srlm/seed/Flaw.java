package io.srlm.seed;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * Candidate answers of graded quality for judge training. Each flaw has the score it is designed to get; the score
 * written into a seed row is always the one {@link BuiltinTasks#grade} gives, and the tests check the two agree.
 */
enum Flaw {
  /** The bare correct answer (designed score 5). */
  CORRECT(5),
  /** The correct answer wrapped in a little chatter (4). */
  CHATTER(4),
  /** All the answer's words, in another order (3). Multi-word word answers only. */
  WRONG_ORDER(3),
  /** The first half of the answer's tokens, rounded up (2). Multi-token answers only. */
  HALF(2),
  /** One word of the question, or a wrong number (1). */
  ONE(1),
  /** Nothing at all (0). */
  EMPTY(0),
  /** A reply unrelated to the question (0). */
  UNRELATED(0),
  /** The correct answer twice (0). */
  REPEATED(0);

  private static final List<String> CHATTER_FORMS =
      List.of("The answer is %s.", "Sure! %s", "%s. Hope this helps!", "Here you go: %s");
  private static final List<String> UNRELATED_REPLIES =
      List.of("I do not know.", "Let us talk about something else.", "Sorry, I cannot help with that.");

  private final int designedScore;

  Flaw(int designedScore) {
    this.designedScore = designedScore;
  }

  int designedScore() {
    return designedScore;
  }

  /** The candidate answer with this flaw, or empty when the flaw does not apply to the task. */
  Optional<String> apply(Task task, Random rnd) {
    String e = task.expected();
    List<String> et = List.of(e.split(" "));
    boolean numeric = BuiltinTasks.family(task.family()).numeric();
    return switch (this) {
      case CORRECT -> Optional.of(e);
      case CHATTER -> Optional.of(String.format(CHATTER_FORMS.get(rnd.nextInt(CHATTER_FORMS.size())), e));
      case WRONG_ORDER -> numeric || new HashSet<>(et).size() < 2 ? Optional.empty() : Optional.of(reorder(task, et, rnd));
      case HALF -> et.size() < 2 ? Optional.empty()
          : Optional.of(String.join(" ", et.subList(0, (et.size() + 1) / 2)));
      case ONE -> one(task, et, numeric, rnd);
      case EMPTY -> Optional.of("");
      case UNRELATED -> Optional.of(UNRELATED_REPLIES.get(rnd.nextInt(UNRELATED_REPLIES.size())));
      case REPEATED -> Optional.of(e + " " + e);
    };
  }

  /** The question's own order when it differs from the answer (the natural mistake), else a shuffle. */
  private static String reorder(Task task, List<String> et, Random rnd) {
    String answer = String.join(" ", et);
    String asAsked = String.join(" ", task.items());
    if (!asAsked.equals(answer) && sameWords(task.items(), et)) {
      return asAsked;
    }
    List<String> w = new ArrayList<>(et);
    String s;
    do {
      Collections.shuffle(w, rnd);
      s = String.join(" ", w);
    } while (s.equals(answer));
    return s;
  }

  private static boolean sameWords(List<String> a, List<String> b) {
    List<String> x = new ArrayList<>(a);
    List<String> y = new ArrayList<>(b);
    Collections.sort(x);
    Collections.sort(y);
    return x.equals(y);
  }

  private static Optional<String> one(Task task, List<String> et, boolean numeric, Random rnd) {
    if (numeric) {
      long right = Long.parseLong(et.get(0));
      long wrong;
      if (right >= 100) {
        wrong = rnd.nextBoolean() ? right * 10 : right / 10; // a conversion off by a power of ten
      } else {
        do {
          wrong = right + (rnd.nextBoolean() ? 1 : -1) * (1 + rnd.nextInt(3));
        } while (wrong < 0);
      }
      return Optional.of(Long.toString(wrong));
    }
    if (et.size() >= 3) {
      return Optional.of(et.get(rnd.nextInt(et.size())));
    }
    if (et.size() == 1) {
      List<String> others = new ArrayList<>(task.items());
      others.removeAll(et);
      return others.isEmpty() ? Optional.empty() : Optional.of(others.get(rnd.nextInt(others.size())));
    }
    return Optional.empty();
  }
}

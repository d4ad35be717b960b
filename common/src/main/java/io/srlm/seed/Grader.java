package io.srlm.seed;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** The additive 5-point criteria of {@link Grade}, checked on tokens. */
final class Grader {
  /** Longer answers are checked for repetition on their first tokens only (model output is capped anyway). */
  private static final int MAX_REPEAT_CHECK_TOKENS = 256;

  private Grader() {}

  static Grade grade(Task task, String answer, boolean numeric) {
    String a = answer == null ? "" : answer.strip();
    if (a.isEmpty()) {
      return of(Grade.Outcome.EMPTY, false, false, false, false, false);
    }
    List<String> at = tokens(a);
    List<String> et = tokens(task.expected());
    Set<String> related = new HashSet<>(et);
    for (String item : task.items()) {
      related.addAll(tokens(item));
    }
    boolean number = false;
    boolean shares = false;
    for (String t : at) {
      shares |= related.contains(t);
      number |= isNumber(t);
    }
    boolean relevant = shares || (numeric && number);
    int present = presentCount(et, at);
    boolean substantial = !et.isEmpty() && 2 * present >= et.size();
    boolean basic = !et.isEmpty() && present == et.size();
    boolean direct = !et.isEmpty() && indexOf(at, et, 0) >= 0;
    boolean exact = a.equals(task.expected());
    if (repeats(at, et)) {
      return of(Grade.Outcome.REPEATED, relevant, substantial, basic, direct, exact);
    }
    int score = 0;
    for (boolean c : new boolean[] {relevant, substantial, basic, direct, exact}) {
      if (!c) {
        break;
      }
      score++;
    }
    Grade.Outcome outcome = switch (score) {
      case 0 -> Grade.Outcome.UNRELATED;
      case 1 -> numeric && number ? Grade.Outcome.WRONG_NUMBER : Grade.Outcome.WRONG;
      case 2 -> Grade.Outcome.PARTIAL;
      case 3 -> Grade.Outcome.UNORDERED;
      case 4 -> Grade.Outcome.EXTRA;
      default -> Grade.Outcome.EXACT;
    };
    return of(outcome, relevant, substantial, basic, direct, exact);
  }

  private static Grade of(Grade.Outcome o, boolean relevant, boolean substantial, boolean basic, boolean direct,
      boolean exact) {
    return new Grade(o.score(), relevant, substantial, basic, direct, exact, o, o.sentence());
  }

  /** Lower-cased runs of letters and digits. */
  static List<String> tokens(String s) {
    List<String> out = new ArrayList<>();
    for (String t : s.toLowerCase(Locale.ROOT).split("[^a-z0-9]+")) {
      if (!t.isEmpty()) {
        out.add(t);
      }
    }
    return out;
  }

  private static boolean isNumber(String t) {
    return t.chars().allMatch(Character::isDigit);
  }

  /** How many of the expected tokens the answer has, counting each answer token once (multiset overlap). */
  private static int presentCount(List<String> expected, List<String> answer) {
    Map<String, Integer> bag = new HashMap<>();
    for (String t : answer) {
      bag.merge(t, 1, Integer::sum);
    }
    int n = 0;
    for (String t : expected) {
      Integer c = bag.get(t);
      if (c != null && c > 0) {
        bag.put(t, c - 1);
        n++;
      }
    }
    return n;
  }

  private static int indexOf(List<String> hay, List<String> needle, int from) {
    outer:
    for (int i = from; i + needle.size() <= hay.size(); i++) {
      for (int j = 0; j < needle.size(); j++) {
        if (!hay.get(i + j).equals(needle.get(j))) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  /**
   * Whether the answer repeats itself: it has some block of tokens twice in a row ("red red", "4 4",
   * "sun fox sun fox") where the expected answer does not. So "cat cat cat" is fine when that is the answer,
   * and "cat cat cat cat" is not.
   */
  static boolean repeats(List<String> answer, List<String> expected) {
    List<String> a = answer.size() > MAX_REPEAT_CHECK_TOKENS ? answer.subList(0, MAX_REPEAT_CHECK_TOKENS) : answer;
    int n = a.size();
    for (int len = 1; 2 * len <= n; len++) {
      for (int i = 0; i + 2 * len <= n; i++) {
        if (a.subList(i, i + len).equals(a.subList(i + len, i + 2 * len))
            && indexOf(expected, a.subList(i, i + 2 * len), 0) < 0) {
          return true;
        }
      }
    }
    return false;
  }
}

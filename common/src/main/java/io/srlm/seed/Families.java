package io.srlm.seed;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.Function;

/** The built-in task families. Every template of every family must be unambiguous against all the others. */
final class Families {
  /** Word lists of 2 to 8 lower-case words, separated by single spaces. */
  private static final String WORDS = "[a-z]+(?: [a-z]+){1,7}";
  private static final String WORD = "[a-z]+";
  private static final String NUMBER = "0|[1-9][0-9]{0,2}";
  private static final String POSITIVE = "[1-9][0-9]{0,2}";
  private static final String DIGIT = "[1-9]";
  private static final Map<String, String> SLOTS = Map.of("words", WORDS, "word", WORD, "a", NUMBER, "b", NUMBER,
      "n", DIGIT, "amount", POSITIVE, "from", WORD, "to", WORD);

  /** A unit conversion by a power of ten, so the answer only appends zeros. */
  private record Conversion(String from, String to, int factor) {}

  private static final List<Conversion> CONVERSIONS = List.of(
      new Conversion("kilometer", "meter", 1000), new Conversion("meter", "centimeter", 100),
      new Conversion("centimeter", "millimeter", 10), new Conversion("kilogram", "gram", 1000),
      new Conversion("liter", "milliliter", 1000), new Conversion("meter", "millimeter", 1000));

  static final List<TaskFamily> ALL = List.of(
      listFamily("reverse_words", 3, 5, words -> {
        List<String> r = new ArrayList<>(words);
        Collections.reverse(r);
        return String.join(" ", r);
      }, "Reverse the order of these words: {words}",
          "Write these words in reverse order: {words}",
          "List these words backwards: {words}"),
      sortFamily(),
      listFamily("count_words", 2, 6, words -> Integer.toString(words.size()),
          "How many words are in this list: {words}?",
          "Count the words in this list: {words}",
          "How many words does this list have: {words}?"),
      addFamily(),
      convertFamily(),
      repeatFamily(),
      listFamily("first_word", 3, 5, words -> words.get(0),
          "What is the first word in this list: {words}?",
          "Write the first word of this list: {words}",
          "Which word is first in this list: {words}?"),
      listFamily("last_word", 3, 5, words -> words.get(words.size() - 1),
          "What is the last word in this list: {words}?",
          "Write the last word of this list: {words}",
          "Which word is last in this list: {words}?"));

  private Families() {}

  private static List<SlotTemplate> templates(String... texts) {
    List<SlotTemplate> out = new ArrayList<>();
    for (String t : texts) {
      out.add(new SlotTemplate(t, SLOTS));
    }
    return List.copyOf(out);
  }

  private static List<String> split(String words) {
    return List.of(words.split(" "));
  }

  /** A family over a word list of {@code min..max} distinct words; the answer is a function of the list. */
  private static TaskFamily listFamily(String name, int min, int max, Function<List<String>, String> answer,
      String... texts) {
    boolean numeric = name.equals("count_words");
    return new TaskFamily(name, numeric, templates(texts),
        rnd -> Map.of("words", String.join(" ", Vocabulary.distinct(min + rnd.nextInt(max - min + 1), rnd))),
        slots -> {
          List<String> words = split(slots.get("words"));
          return Optional.of(new TaskFamily.Solution(answer.apply(words), words));
        });
  }

  /** Sorting: generated lists are never already sorted (the task would be a copy). */
  private static TaskFamily sortFamily() {
    Function<Random, Map<String, String>> gen = rnd -> {
      List<String> words;
      do {
        words = Vocabulary.distinct(3 + rnd.nextInt(3), rnd);
      } while (sorted(words).equals(words));
      return Map.of("words", String.join(" ", words));
    };
    return new TaskFamily("sort_words", false, templates(
        "Sort these words alphabetically: {words}",
        "Put these words in alphabetical order: {words}",
        "Write these words in alphabetical order: {words}"), gen,
        slots -> {
          List<String> words = split(slots.get("words"));
          return Optional.of(new TaskFamily.Solution(String.join(" ", sorted(words)), words));
        });
  }

  private static List<String> sorted(List<String> words) {
    List<String> s = new ArrayList<>(words);
    Collections.sort(s);
    return s;
  }

  private static TaskFamily addFamily() {
    return new TaskFamily("add", true, templates(
        "What is {a} plus {b}?",
        "Add {a} and {b}.",
        "What is the sum of {a} and {b}?"),
        rnd -> Map.of("a", Integer.toString(rnd.nextInt(21)), "b", Integer.toString(rnd.nextInt(21))),
        slots -> Optional.of(new TaskFamily.Solution(
            Integer.toString(Integer.parseInt(slots.get("a")) + Integer.parseInt(slots.get("b"))),
            List.of(slots.get("a"), slots.get("b")))));
  }

  private static TaskFamily convertFamily() {
    return new TaskFamily("convert", true, templates(
        "Convert {amount} {from} to {to}.",
        "How many {to} are in {amount} {from}?",
        "Express {amount} {from} in {to}."),
        rnd -> {
          Conversion c = CONVERSIONS.get(rnd.nextInt(CONVERSIONS.size()));
          int amount = 1 + rnd.nextInt(20);
          return Map.of("amount", Integer.toString(amount), "from", amount == 1 ? c.from() : c.from() + "s",
              "to", c.to() + "s");
        },
        slots -> {
          String from = singular(slots.get("from"));
          String to = singular(slots.get("to"));
          for (Conversion c : CONVERSIONS) {
            if (c.from().equals(from) && c.to().equals(to)) {
              long amount = Long.parseLong(slots.get("amount"));
              return Optional.of(new TaskFamily.Solution(amount * c.factor() + " " + c.to() + "s",
                  List.of(slots.get("amount"), slots.get("from"), slots.get("to"))));
            }
          }
          return Optional.empty();
        });
  }

  private static String singular(String unit) {
    return unit.endsWith("s") ? unit.substring(0, unit.length() - 1) : unit;
  }

  private static TaskFamily repeatFamily() {
    return new TaskFamily("repeat_word", false, templates(
        "Repeat the word {word} {n} times.",
        "Write the word {word} {n} times.",
        "Say the word {word} {n} times."),
        rnd -> Map.of("word", Vocabulary.one(rnd), "n", Integer.toString(2 + rnd.nextInt(4))),
        slots -> {
          int n = Integer.parseInt(slots.get("n"));
          return Optional.of(new TaskFamily.Solution(String.join(" ", Collections.nCopies(n, slots.get("word"))),
              List.of(slots.get("word"))));
        });
  }
}

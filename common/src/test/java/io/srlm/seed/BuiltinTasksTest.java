package io.srlm.seed;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class BuiltinTasksTest {
  private static final int SAMPLES = 300;

  static List<String> families() {
    return BuiltinTasks.families();
  }

  @Test
  void familiesAreFixed() {
    assertThat(BuiltinTasks.families()).containsExactly("reverse_words", "sort_words", "count_words", "add",
        "convert", "repeat_word", "first_word", "last_word");
    for (String f : BuiltinTasks.families()) {
      assertThat(BuiltinTasks.templates(f)).hasSizeBetween(2, 3);
    }
  }

  @ParameterizedTest
  @MethodSource("families")
  void sampleParsesBackToTheSameTaskAndItsAnswerGradesFive(String family) {
    Random rnd = new Random(11);
    Set<String> templatesSeen = new TreeSet<>();
    for (int i = 0; i < SAMPLES; i++) {
      Task t = BuiltinTasks.sample(family, rnd);
      Optional<Task> parsed = BuiltinTasks.parse(t.prompt());
      assertThat(parsed).as(t.prompt()).contains(t);
      assertThat(BuiltinTasks.isCorrect(t.prompt(), t.expected())).isTrue();
      assertThat(BuiltinTasks.isCorrect(t.prompt(), "  " + t.expected() + "\n")).isTrue();
      assertThat(BuiltinTasks.isCorrect(t.prompt(), t.expected() + ".")).isFalse();
      Grade g = BuiltinTasks.grade(t, t.expected());
      assertThat(g.score()).as(t.prompt()).isEqualTo(5);
      assertThat(g.outcome()).isEqualTo(Grade.Outcome.EXACT);
      assertThat(List.of(g.relevant(), g.substantial(), g.basic(), g.direct(), g.exact())).containsOnly(true);
      for (SlotTemplate tpl : BuiltinTasks.family(family).templates()) {
        tpl.match(SlotTemplate.normalize(t.prompt())).ifPresent(x -> templatesSeen.add(tpl.text()));
      }
    }
    assertThat(templatesSeen).as("all paraphrases are used").hasSize(BuiltinTasks.templates(family).size());
  }

  @ParameterizedTest
  @MethodSource("families")
  void everyFlawGradesAsDesigned(String family) {
    Random rnd = new Random(5);
    Map<Flaw, Integer> applied = new HashMap<>();
    for (int i = 0; i < SAMPLES; i++) {
      Task t = BuiltinTasks.sample(family, rnd);
      for (Flaw f : Flaw.values()) {
        Optional<String> answer = f.apply(t, rnd);
        if (answer.isPresent()) {
          applied.merge(f, 1, Integer::sum);
          Grade g = BuiltinTasks.grade(t, answer.get());
          assertThat(g.score()).as("%s: %s -> '%s' (%s)", f, t.prompt(), answer.get(), g)
              .isEqualTo(f.designedScore());
          assertThat(g.justification()).isEqualTo(g.outcome().sentence());
        }
      }
    }
    Set<Integer> levels = new TreeSet<>();
    applied.keySet().forEach(f -> levels.add(f.designedScore()));
    assertThat(levels).as("score levels a group can show").hasSizeGreaterThanOrEqualTo(4).contains(0, 1, 4, 5);
    assertThat(applied).containsKeys(Flaw.CORRECT, Flaw.CHATTER, Flaw.ONE, Flaw.EMPTY, Flaw.UNRELATED,
        Flaw.REPEATED);
  }

  @Test
  void gradesFollowTheCumulativeCriteria() {
    Task t = BuiltinTasks.parse("Reverse the order of these words: red fox sun").orElseThrow();
    assertThat(t.expected()).isEqualTo("sun fox red");
    assertThat(grade(t, "sun fox red")).isEqualTo(Grade.Outcome.EXACT);
    assertThat(grade(t, "The answer is sun fox red.")).isEqualTo(Grade.Outcome.EXTRA);
    assertThat(grade(t, "Sun fox red")).isEqualTo(Grade.Outcome.EXTRA);
    assertThat(grade(t, "red fox sun")).isEqualTo(Grade.Outcome.UNORDERED);
    assertThat(grade(t, "sun fox")).isEqualTo(Grade.Outcome.PARTIAL);
    assertThat(grade(t, "fox")).isEqualTo(Grade.Outcome.WRONG);
    assertThat(grade(t, "I do not know.")).isEqualTo(Grade.Outcome.UNRELATED);
    assertThat(grade(t, "7")).as("a number is not relevant to a word task").isEqualTo(Grade.Outcome.UNRELATED);
    Grade partial = BuiltinTasks.grade(t, "sun fox");
    assertThat(partial.relevant()).isTrue();
    assertThat(partial.substantial()).isTrue();
    assertThat(partial.basic()).isFalse();
    assertThat(partial.justification()).isEqualTo("The response has part of the answer but misses the rest.");
    assertThat(BuiltinTasks.grade(t, "red fox sun").justification())
        .isEqualTo("The response has all the words but in the wrong order.");

    Task add = BuiltinTasks.parse("What is 3 plus 4?").orElseThrow();
    assertThat(grade(add, "7")).isEqualTo(Grade.Outcome.EXACT);
    assertThat(grade(add, "8")).isEqualTo(Grade.Outcome.WRONG_NUMBER);
    assertThat(grade(add, "3 plus 4 is 7")).isEqualTo(Grade.Outcome.EXTRA);
  }

  @Test
  void emptyAndRepeatedAnswersScoreZero() {
    Task rev = BuiltinTasks.parse("Reverse the order of these words: red fox sun").orElseThrow();
    assertThat(grade(rev, "")).isEqualTo(Grade.Outcome.EMPTY);
    assertThat(grade(rev, "   \n")).isEqualTo(Grade.Outcome.EMPTY);
    assertThat(grade(rev, null)).isEqualTo(Grade.Outcome.EMPTY);
    assertThat(grade(rev, "sun fox red sun fox red")).isEqualTo(Grade.Outcome.REPEATED);
    assertThat(grade(rev, "sun fox red. Sun fox red.")).isEqualTo(Grade.Outcome.REPEATED);
    assertThat(grade(rev, "sun fox red red")).isEqualTo(Grade.Outcome.REPEATED);
    Grade doubled = BuiltinTasks.grade(rev, "sun fox red sun fox red");
    assertThat(doubled.score()).isZero();
    assertThat(doubled.direct()).as("raw criteria are kept").isTrue();

    Task rep = BuiltinTasks.parse("Repeat the word cat 3 times.").orElseThrow();
    assertThat(rep.expected()).isEqualTo("cat cat cat");
    assertThat(grade(rep, "cat cat cat")).isEqualTo(Grade.Outcome.EXACT);
    assertThat(grade(rep, "cat cat")).isEqualTo(Grade.Outcome.PARTIAL);
    assertThat(grade(rep, "cat")).isEqualTo(Grade.Outcome.WRONG);
    assertThat(grade(rep, "cat cat cat cat")).isEqualTo(Grade.Outcome.REPEATED);
    assertThat(grade(rep, "The answer is cat cat cat.")).isEqualTo(Grade.Outcome.EXTRA);

    Task count = BuiltinTasks.parse("How many words are in this list: cat dog bee?").orElseThrow();
    assertThat(grade(count, "3 3")).isEqualTo(Grade.Outcome.REPEATED);
    assertThat(grade(count, "The answer is 3. The answer is 3.")).isEqualTo(Grade.Outcome.REPEATED);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "Reverse the order of these words: red fox sun|reverse_words|sun fox red",
      "Write these words in reverse order: cat dog|reverse_words|dog cat",
      "List these words backwards: zig zag zoo quux|reverse_words|quux zoo zag zig",
      "Sort these words alphabetically: pear apple fig|sort_words|apple fig pear",
      "Put these words in alphabetical order: dog cat|sort_words|cat dog",
      "Write these words in alphabetical order: b a c a.|sort_words|a a b c",
      "How many words are in this list: a b c d?|count_words|4",
      "Count the words in this list: red fox sun.|count_words|3",
      "How many words does this list have: one two?|count_words|2",
      "What is 3 plus 4?|add|7",
      "Add 120 and 5.|add|125",
      "What is the sum of 0 and 0?|add|0",
      "Convert 3 kilometers to meters.|convert|3000 meters",
      "Convert 1 kilometer to meters.|convert|1000 meters",
      "How many centimeters are in 7 meters?|convert|700 centimeters",
      "Express 12 kilograms in grams.|convert|12000 grams",
      "Express 4 liters in milliliters|convert|4000 milliliters",
      "Repeat the word cat 3 times.|repeat_word|cat cat cat",
      "Write the word sun 2 times.|repeat_word|sun sun",
      "Say the word owl 4 times!|repeat_word|owl owl owl owl",
      "What is the first word in this list: red fox sun?|first_word|red",
      "Write the first word of this list: cat dog|first_word|cat",
      "Which word is first in this list: a b c?|first_word|a",
      "What is the last word in this list: red fox sun?|last_word|sun",
      "Write the last word of this list: cat dog|last_word|dog",
      "Which word is last in this list: a b c?|last_word|c",
      "  Reverse   the order of these words:  red  fox   sun  |reverse_words|sun fox red",
      "Reverse the order of these words: red fox sun.|reverse_words|sun fox red",
  })
  void paraphrasedAndModelWrittenPromptsParse(String prompt, String family, String expected) {
    Task t = BuiltinTasks.parse(prompt).orElseThrow(() -> new AssertionError("not parsed: " + prompt));
    assertThat(t.family()).isEqualTo(family);
    assertThat(t.expected()).isEqualTo(expected);
    assertThat(t.prompt()).isEqualTo(prompt.strip());
    assertThat(BuiltinTasks.isCorrect(prompt, expected)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "   ", "What is the capital of France?", "Reverse the order of these words: Red Fox",
      "Reverse the order of these words: red", "Reverse the order of these words:", "Convert 3 meters to kilograms.",
      "Convert 3 kilometers to grams.", "Repeat the word cat 0 times.", "Repeat the word cat 12 times.",
      "What is 3 minus 4?", "What is -3 plus 4?", "Add 1000 and 1.", "Sort these words: b a",
      "Reverse the order of these words: red, fox, sun", "<task>What is 3 plus 4?</task>",
      "What is 3 plus 4? And 5 plus 6?"})
  void unknownPromptsDoNotParse(String prompt) {
    assertThat(BuiltinTasks.parse(prompt)).isEmpty();
    assertThat(BuiltinTasks.isCorrect(prompt, "7")).isFalse();
  }

  @Test
  void nullPromptDoesNotParse() {
    assertThat(BuiltinTasks.parse(null)).isEmpty();
    assertThat(BuiltinTasks.isCorrect(null, "x")).isFalse();
  }

  @Test
  void noPromptMatchesTwoFamilies() {
    Random rnd = new Random(3);
    for (String family : BuiltinTasks.families()) {
      for (int i = 0; i < 100; i++) {
        Task t = BuiltinTasks.sample(family, rnd);
        List<String> matching = new ArrayList<>();
        for (TaskFamily f : Families.ALL) {
          f.parse(t.prompt(), SlotTemplate.normalize(t.prompt())).ifPresent(x -> matching.add(f.name()));
        }
        assertThat(matching).as(t.prompt()).containsExactly(family);
      }
    }
  }

  @Test
  void sampleIsDeterministicForASeed() {
    for (String family : BuiltinTasks.families()) {
      assertThat(BuiltinTasks.sample(family, new Random(42))).isEqualTo(BuiltinTasks.sample(family, new Random(42)));
    }
  }

  private static Grade.Outcome grade(Task t, String answer) {
    return BuiltinTasks.grade(t, answer).outcome();
  }
}

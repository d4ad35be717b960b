package io.srlm.model.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** A synthetic corpus like the built-in model's: a judge template, small tasks, answers and judgements. */
final class TestCorpus {
  private TestCorpus() {}

  /** A judge prompt in the style of the built-in one (written for these tests), with two placeholders. */
  static final String JUDGE = "Review the user's question and the answer below with the additive 5-point scoring "
      + "system described here.\n"
      + "Add 1 point if the answer is relevant and gives some information related to the question.\n"
      + "Add a 2nd point if it addresses a substantial part of the question but is not complete.\n"
      + "Add a 3rd point if it answers the basic elements of the question in a useful way.\n"
      + "Add a 4th point if it is clearly written, direct and complete.\n"
      + "Add a 5th point if it is exact and concise, with nothing extra.\n"
      + "<question>{prompt}</question>\n<answer>{response}</answer>\n"
      + "Explain briefly, then end with \"Score: <points>\".";

  private static final String[] WORDS = {"apple", "river", "stone", "cloud", "tiger", "lemon", "piano", "green",
      "house", "window", "garden", "silver", "Café", "naïve", "straße", "東京", "😀"};

  /** One task prompt and its correct answer. */
  record Task(String prompt, String answer) {}

  static Task task(Random r) {
    switch (r.nextInt(5)) {
      case 0 -> {
        int a = r.nextInt(100);
        int b = r.nextInt(100);
        return new Task("What is " + a + " + " + b + "?", Integer.toString(a + b));
      }
      case 1 -> {
        String w = WORDS[r.nextInt(WORDS.length)];
        return new Task("Reverse the word '" + w + "'.", new StringBuilder(w).reverse().toString());
      }
      case 2 -> {
        String w = WORDS[r.nextInt(WORDS.length)];
        return new Task("How many letters are in \"" + w + "\"?", Integer.toString(w.length()));
      }
      case 3 -> {
        String w = pseudoWord(r);
        return new Task("Repeat the word " + w + " twice.", w + " " + w);
      }
      default -> {
        int a = r.nextInt(50);
        int b = r.nextInt(50);
        return new Task("Which is larger, " + a + " or " + b + "?", Integer.toString(Math.max(a, b)));
      }
    }
  }

  /** A made-up word of two to four syllables, so the corpus has thousands of distinct words. */
  static String pseudoWord(Random r) {
    String consonants = "bdfgklmnprstvz";
    String vowels = "aeiou";
    StringBuilder w = new StringBuilder();
    int syllables = 2 + r.nextInt(3);
    for (int i = 0; i < syllables; i++) {
      w.append(consonants.charAt(r.nextInt(consonants.length()))).append(vowels.charAt(r.nextInt(vowels.length())));
    }
    return w.toString();
  }

  /** Texts totalling at least {@code chars} characters: tasks, answers and filled-in judge prompts. */
  static List<String> texts(int chars, long seed) {
    Random r = new Random(seed);
    List<String> out = new ArrayList<>();
    int total = 0;
    while (total < chars) {
      Task t = task(r);
      String answer = r.nextInt(4) == 0 ? "I think it is " + t.answer() + "." : t.answer();
      int score = 1 + r.nextInt(5);
      String judged = JUDGE.replace("{prompt}", t.prompt()).replace("{response}", answer);
      String judgement = "The answer is " + (score > 3 ? "correct and short" : "partly wrong") + ". Score: " + score;
      String chat = "<s><|user|>" + t.prompt() + "<|assistant|>" + answer + "</s>";
      for (String s : List.of(t.prompt(), answer, judged, judgement, chat)) {
        out.add(s);
        total += s.length();
      }
    }
    return out;
  }
}

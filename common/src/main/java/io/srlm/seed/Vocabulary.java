package io.srlm.seed;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The built-in tasks' words: short, common, lower-case English nouns, colours and animals. None of them is a word
 * of the task templates or of the canned answers, so relevance can be judged by shared words.
 */
final class Vocabulary {
  static final List<String> WORDS = List.of(
      // colours
      "red", "blue", "green", "yellow", "black", "white", "pink", "brown", "gray", "orange", "purple", "gold",
      // animals
      "cat", "dog", "fox", "cow", "pig", "hen", "owl", "bee", "ant", "bat", "rat", "elk", "yak", "emu", "ape",
      "eel", "frog", "duck", "goat", "lion", "bear", "wolf", "deer", "seal", "crab", "fish", "bird", "horse",
      "mouse", "sheep", "tiger", "zebra", "snake", "whale", "shark", "eagle", "camel", "panda", "koala", "otter",
      // things
      "sun", "moon", "star", "tree", "rock", "lake", "hill", "road", "door", "book", "cup", "hat", "bed", "box",
      "pen", "key", "map", "car", "bus", "boat", "ship", "ball", "kite", "drum", "bell", "ring", "coin", "lamp",
      "milk", "cake", "bread", "apple", "lemon", "grape", "plum", "pear", "rice", "salt", "snow", "rain", "wind",
      "fire", "sand", "leaf", "rose", "seed", "shoe", "sock", "coat", "desk");

  private Vocabulary() {}

  /** {@code k} distinct words, in random order. */
  static List<String> distinct(int k, Random rnd) {
    List<String> pool = new ArrayList<>(WORDS);
    List<String> out = new ArrayList<>(k);
    for (int i = 0; i < k; i++) {
      out.add(pool.remove(rnd.nextInt(pool.size())));
    }
    return out;
  }

  static String one(Random rnd) {
    return WORDS.get(rnd.nextInt(WORDS.size()));
  }
}

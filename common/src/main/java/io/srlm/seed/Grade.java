package io.srlm.seed;

import java.io.Serializable;

/**
 * The additive 5-point grade of one answer to a built-in task.
 *
 * <p>The criteria are checked on the expected answer's tokens E and the answer's tokens A (lower-cased words and
 * numbers). They are cumulative: the score is the number of consecutive criteria met, counting from the first.
 * An empty answer, or one that repeats itself, scores 0 whatever the criteria say. The booleans are the raw
 * checks, before that rule is applied.
 *
 * @param score 0 to 5
 * @param relevant A shares a word or number with the question or the answer (or, for numeric tasks, is a number)
 * @param substantial at least half of E's tokens are in A
 * @param basic all of E's tokens are in A (as a multiset)
 * @param direct E appears in A contiguously and in order
 * @param exact A equals E exactly (after trimming), nothing extra
 * @param outcome which fixed outcome this is
 * @param justification a short fixed sentence for the outcome, used as the judge's target justification
 */
public record Grade(int score, boolean relevant, boolean substantial, boolean basic, boolean direct, boolean exact,
    Outcome outcome, String justification) implements Serializable {

  /** The fixed outcomes, each with its score, its sentence and the phrase used in pairwise judgements. */
  public enum Outcome {
    EMPTY(0, "The response is empty, so it scores 0.", "is empty"),
    REPEATED(0, "The response repeats itself, so it scores 0.", "repeats itself"),
    UNRELATED(0, "The response is not related to the question at all.", "is unrelated"),
    WRONG(1, "The response is related to the question but gives the wrong answer.", "gives the wrong answer"),
    WRONG_NUMBER(1, "The response gives a number, but it is the wrong one.", "gives the wrong number"),
    PARTIAL(2, "The response has part of the answer but misses the rest.", "has only part of the answer"),
    UNORDERED(3, "The response has all the words but in the wrong order.", "has the words in the wrong order"),
    EXTRA(4, "The response has the right answer but adds extra text.", "adds extra text"),
    EXACT(5, "The response is exactly right and concise.", "is exactly right");

    private final int score;
    private final String sentence;
    private final String phrase;

    Outcome(int score, String sentence, String phrase) {
      this.score = score;
      this.sentence = sentence;
      this.phrase = phrase;
    }

    public int score() {
      return score;
    }

    /** The justification sentence, e.g. "The response has all the words but in the wrong order." */
    public String sentence() {
      return sentence;
    }

    /** A verb phrase for pairwise judgements, e.g. "adds extra text" ("Response B adds extra text."). */
    public String phrase() {
      return phrase;
    }
  }
}

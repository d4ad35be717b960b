package io.srlm.prompting;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a judge's text into a score, or into a status that says why it could not. An unparseable judgement is
 * never coerced into a score (the Oxen reproduction turned it into -1, which made that answer the rejected one).
 *
 * <p>The rule: the template's score regex must match the judgement exactly once. No match is {@code no_score};
 * two or more are {@code multiple_scores}, even when they agree. The paper's prompt asks for the score once, at
 * the end, as "Score: &lt;total points&gt;"; a judge that writes several has corrected itself, kept a running
 * tally, or degenerated into repetition, and which one it meant is a guess. Taking the last (or first) would turn
 * an ambiguous judgement into a number; counting it as a parse failure keeps it visible in the parse rate.
 */
public final class ScoreParser implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Why a judgement has or has no score. Stored as {@code parse_status} in the judgements table. */
  public enum Status {
    OK, EMPTY, NO_SCORE, MULTIPLE_SCORES, OUT_OF_RANGE, NOT_A_NUMBER, NOT_INTEGER;

    public String column() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Pairwise verdicts. */
  public enum Choice { A, B, TIE }

  /**
   * @param status why it parsed or not
   * @param score the score when status is OK (for pairwise: 1 = A, 0 = B, 0.5 = tie), else null
   * @param raw the matched text (for diagnostics), or null
   */
  public record Parsed(Status status, Double score, String raw) implements Serializable {
    public boolean ok() {
      return status == Status.OK;
    }

    public Choice choice() {
      if (!ok()) {
        return null;
      }
      return score == 1.0 ? Choice.A : score == 0.0 ? Choice.B : Choice.TIE;
    }
  }

  private final JudgeTemplate template;
  private transient Pattern pattern;

  public ScoreParser(JudgeTemplate template) {
    this.template = template;
  }

  private Pattern pattern() {
    if (pattern == null) {
      int flags = template.scoreType() == JudgeTemplate.ScoreType.CHOICE ? Pattern.CASE_INSENSITIVE : 0;
      pattern = Pattern.compile(template.scoreRegex(), flags);
    }
    return pattern;
  }

  /** Group 1 of every match of {@code pattern} in {@code text}, in order. */
  static List<String> matches(Pattern pattern, String text) {
    Matcher m = pattern.matcher(text);
    List<String> found = new ArrayList<>();
    while (m.find()) {
      found.add(m.group(1));
    }
    return found;
  }

  public Parsed parse(String text) {
    if (text == null || text.isBlank()) {
      return new Parsed(Status.EMPTY, null, null);
    }
    List<String> found = matches(pattern(), text);
    if (found.isEmpty()) {
      return new Parsed(Status.NO_SCORE, null, null);
    }
    if (found.size() > 1) {
      return new Parsed(Status.MULTIPLE_SCORES, null, String.join("|", found));
    }
    String raw = found.get(0);
    if (template.scoreType() == JudgeTemplate.ScoreType.CHOICE) {
      String v = raw.trim().toLowerCase(Locale.ROOT);
      return switch (v) {
        case "a" -> new Parsed(Status.OK, 1.0, raw);
        case "b" -> new Parsed(Status.OK, 0.0, raw);
        case "tie" -> new Parsed(Status.OK, 0.5, raw);
        default -> new Parsed(Status.NO_SCORE, null, raw);
      };
    }
    double v;
    try {
      v = Double.parseDouble(raw.trim());
    } catch (NumberFormatException e) {
      return new Parsed(Status.NOT_A_NUMBER, null, raw);
    }
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      return new Parsed(Status.NOT_A_NUMBER, null, raw);
    }
    if (v < template.scoreMin() || v > template.scoreMax()) {
      return new Parsed(Status.OUT_OF_RANGE, null, raw);
    }
    if (template.scoreType() == JudgeTemplate.ScoreType.INTEGER && v != Math.rint(v)) {
      return new Parsed(Status.NOT_INTEGER, null, raw);
    }
    return new Parsed(Status.OK, v, raw);
  }
}

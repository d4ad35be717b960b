package io.srlm.prompting;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import io.srlm.config.ConfSource;
import io.srlm.errors.Errors;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A judge prompt: a template with placeholders, and the regex and range that turn the judge's text into a score.
 * Pointwise templates use {prompt} and {response}; pairwise templates use {prompt}, {response_a} and
 * {response_b}. Loaded from conf/judges/NAME.conf or from a file path.
 *
 * @param name template name (for lineage and reports)
 * @param kind pointwise or pairwise
 * @param template the prompt text with placeholders
 * @param scoreRegex the regex whose group 1 is the score (pointwise) or A/B/tie (pairwise); a judgement has a
 *     score only when the regex matches it exactly once ({@link ScoreParser})
 * @param scoreMin lowest valid score
 * @param scoreMax highest valid score
 * @param scoreType integer, real or choice
 * @param scoreFormat how a target judgement states its score (EFT rows): "Score: {score}", or "Winner: {winner}"
 *     for pairwise templates; it must parse back with scoreRegex
 * @param referenceFormat empty, or (reference-guided judging, pointwise only) how a target judgement first states
 *     the expected answer, e.g. "Expected: {reference}."; seed EFT rows whose answer is known then start with it,
 *     so the judge learns to write its own expected answer before it compares (key reference_format)
 * @param origin the file it came from, for messages
 */
public record JudgeTemplate(String name, Kind kind, String template, String scoreRegex, double scoreMin,
    double scoreMax, ScoreType scoreType, String scoreFormat, String referenceFormat, String origin)
    implements Serializable {

  public enum Kind { POINTWISE, PAIRWISE }

  public enum ScoreType { INTEGER, REAL, CHOICE }

  private static final List<String> POINTWISE_KEYS = List.of("prompt", "response");
  /**
   * The optional placeholder of a pointwise template for self-reference judging: the judge model's own greedy
   * answer to the question at run time, the known answer in seed EFT rows.
   */
  public static final String REFERENCE = "reference";
  private static final List<String> PAIRWISE_KEYS = List.of("prompt", "response_a", "response_b");

  public JudgeTemplate {
    List<String> required = kind == Kind.POINTWISE ? POINTWISE_KEYS : PAIRWISE_KEYS;
    Set<String> present = Placeholders.names(template);
    for (String key : required) {
      if (!present.contains(key)) {
        throw Errors.judge("Judge template '" + name + "' has no {" + key + "} placeholder",
            "a " + kind.name().toLowerCase() + " template needs " + braces(required), "file", origin);
      }
    }
    for (String key : present) {
      if (!required.contains(key) && !(kind == Kind.POINTWISE && key.equals(REFERENCE))) {
        throw Errors.judge("Judge template '" + name + "' has an unknown placeholder {" + key + "}",
            "a " + kind.name().toLowerCase() + " template may use only " + braces(required)
                + (kind == Kind.POINTWISE ? " and the optional {" + REFERENCE + "}" : ""), "file", origin);
      }
    }
    try {
      Pattern p = Pattern.compile(scoreRegex);
      if (p.matcher("").groupCount() < 1) {
        throw Errors.judge("Judge score_regex has no capturing group",
            "wrap the score in parentheses, e.g. \"Score: ?([0-9]+)\"", "file", origin, "regex", scoreRegex);
      }
    } catch (PatternSyntaxException e) {
      throw Errors.judge("Judge score_regex is not a valid regex: " + e.getDescription(),
          "fix the regex", "file", origin, "regex", scoreRegex);
    }
    if (kind == Kind.PAIRWISE && scoreType != ScoreType.CHOICE) {
      throw Errors.judge("A pairwise judge template must have score_type = \"choice\"",
          "set score_type = \"choice\" and a regex capturing A, B or tie", "file", origin);
    }
    if (kind == Kind.POINTWISE && scoreType == ScoreType.CHOICE) {
      throw Errors.judge("A pointwise judge template cannot have score_type = \"choice\"",
          "use integer or real", "file", origin);
    }
    if (!(scoreMin < scoreMax) || Double.isNaN(scoreMin) || Double.isInfinite(scoreMax)) {
      throw Errors.judge("Judge score range is empty: [" + scoreMin + ", " + scoreMax + "]",
          "set score_min < score_max", "file", origin);
    }
    String slot = kind == Kind.POINTWISE ? "score" : "winner";
    if (!Placeholders.names(scoreFormat).equals(Set.of(slot))) {
      throw Errors.judge("Judge score_format must contain exactly the {" + slot + "} placeholder",
          "e.g. score_format = \"" + (kind == Kind.POINTWISE ? "Score: {score}" : "Winner: {winner}") + "\"",
          "file", origin, "score_format", scoreFormat);
    }
    // The format must round-trip through the regex under the parser's rule (exactly one match, group 1 the value
    // written), or the model would be taught a line the parser rejects or misreads. (Fields are not assigned yet
    // inside a compact constructor, so this works on the parameters.)
    String value = kind == Kind.PAIRWISE ? "A"
        : scoreType == ScoreType.INTEGER ? Long.toString(Math.round(scoreMax)) : Double.toString(scoreMax);
    String probe = Placeholders.fill(scoreFormat, java.util.Map.of("score", value, "winner", value));
    List<String> found = ScoreParser.matches(Pattern.compile(scoreRegex,
        scoreType == ScoreType.CHOICE ? Pattern.CASE_INSENSITIVE : 0), probe);
    if (found.isEmpty()) {
      throw Errors.judge("Judge score_format '" + scoreFormat + "' does not match score_regex",
          "make score_format produce text that score_regex matches", "file", origin, "regex", scoreRegex);
    }
    if (found.size() > 1) {
      throw Errors.judge("Judge score_format '" + scoreFormat + "' matches score_regex " + found.size()
          + " times; a judgement counts only when the regex matches exactly once (several matches are "
          + "multiple_scores)", "write the score once in score_format", "file", origin, "regex", scoreRegex);
    }
    if (!found.get(0).trim().equalsIgnoreCase(value)) {
      throw Errors.judge("Judge score_regex reads '" + found.get(0) + "' from '" + probe + "', not " + value,
          "make group 1 of score_regex capture the whole " + (kind == Kind.PAIRWISE ? "verdict" : "score"),
          "file", origin, "regex", scoreRegex);
    }
    referenceFormat = referenceFormat == null ? "" : referenceFormat;
    if (!referenceFormat.isEmpty() && present.contains(REFERENCE)) {
      throw Errors.judge("Judge template '" + name + "' has both reference_format (the judge writes the expected "
          + "answer) and a {reference} placeholder (the prompt shows one)", "keep one of the two", "file", origin);
    }
    if (!referenceFormat.isEmpty()) {
      if (kind != Kind.POINTWISE) {
        throw Errors.judge("Judge reference_format is for pointwise templates only",
            "remove reference_format, or make the template pointwise", "file", origin);
      }
      if (!Placeholders.names(referenceFormat).equals(Set.of("reference"))) {
        throw Errors.judge("Judge reference_format must contain exactly the {reference} placeholder",
            "e.g. reference_format = \"Expected: {reference}.\"", "file", origin, "reference_format",
            referenceFormat);
      }
      if (!ScoreParser.matches(Pattern.compile(scoreRegex), referenceFormat).isEmpty()) {
        throw Errors.judge("Judge reference_format '" + referenceFormat + "' matches score_regex: the "
            + "expected-answer line would be read as a score", "word the line without the score pattern", "file",
            origin, "regex", scoreRegex);
      }
    }
  }

  /**
   * Whether the prompt shows a reference answer ({reference}): the judge model's own greedy answer at run time
   * (self-reference judging), the question's known answer in seed rows.
   */
  public boolean readsReference() {
    return Placeholders.names(template).contains(REFERENCE);
  }

  /** Whether target judgements state the expected answer first (reference-guided judging). */
  public boolean usesReference() {
    return !referenceFormat.isEmpty();
  }

  /**
   * The expected-answer line of a target judgement, e.g. "Expected: cat fox red.", or empty when the template has
   * no reference_format, the answer is blank, or the line would contain a score the parser could read.
   */
  public java.util.Optional<String> formatReference(String expected) {
    if (!usesReference() || expected == null || expected.isBlank()) {
      return java.util.Optional.empty();
    }
    String line = Placeholders.fill(referenceFormat, java.util.Map.of("reference", expected.strip()));
    return ScoreParser.matches(Pattern.compile(scoreRegex), line).isEmpty() ? java.util.Optional.of(line)
        : java.util.Optional.empty();
  }

  /** The score line of a target judgement, e.g. "Score: 4". Integer scales print without decimals. */
  public String formatScore(double score) {
    String v = scoreType == ScoreType.INTEGER ? Long.toString(Math.round(score)) : Double.toString(score);
    return Placeholders.fill(scoreFormat, java.util.Map.of("score", v));
  }

  /** The verdict line of a pairwise target judgement, e.g. "Winner: A". */
  public String formatWinner(ScoreParser.Choice choice) {
    String v = switch (choice) {
      case A -> "A";
      case B -> "B";
      case TIE -> "tie";
    };
    return Placeholders.fill(scoreFormat, java.util.Map.of("winner", v));
  }

  /** Renders a pointwise judge prompt of a template without {reference}. */
  public String renderPointwise(String prompt, String response) {
    return renderPointwise(prompt, response, null);
  }

  /**
   * Renders a pointwise judge prompt. Values are inserted in one pass: text inside them is never re-expanded.
   *
   * @param reference the reference answer for a template with {reference} (required there), else ignored
   */
  public String renderPointwise(String prompt, String response, String reference) {
    if (kind != Kind.POINTWISE) {
      throw Errors.judge("Judge template '" + name + "' is pairwise but was used for pointwise scoring",
          "set judge.template to a pointwise template, or judge.mode = pairwise", "file", origin);
    }
    if (!readsReference()) {
      return Placeholders.fill(template, java.util.Map.of("prompt", prompt, "response", response));
    }
    if (reference == null) {
      throw Errors.judge("Judge template '" + name + "' shows a {reference} answer, and none was given",
          "this step does not make reference answers: use a template without {reference} here", "file", origin);
    }
    return Placeholders.fill(template, java.util.Map.of("prompt", prompt, "response", response, REFERENCE,
        reference.strip()));
  }

  /** Renders a pairwise judge prompt. */
  public String renderPairwise(String prompt, String responseA, String responseB) {
    if (kind != Kind.PAIRWISE) {
      throw Errors.judge("Judge template '" + name + "' is pointwise but was used for pairwise judging",
          "use a pairwise template such as pairwise-ab", "file", origin);
    }
    return Placeholders.fill(template,
        java.util.Map.of("prompt", prompt, "response_a", responseA, "response_b", responseB));
  }

  public ScoreParser parser() {
    return new ScoreParser(this);
  }

  /** Loads conf/judges/{nameOrPath}.conf, or the file at that path when it names one. */
  public static JudgeTemplate load(ConfSource conf, String nameOrPath, String key) {
    String origin;
    String text;
    Path asPath = Path.of(nameOrPath);
    if (nameOrPath.endsWith(".conf") && Files.isRegularFile(asPath)) {
      origin = asPath.toString();
      try {
        text = Files.readString(asPath, StandardCharsets.UTF_8);
      } catch (java.io.IOException e) {
        throw Errors.configParse(origin, e);
      }
    } else {
      String rel = "judges/" + nameOrPath + ".conf";
      origin = conf.describe(rel);
      text = conf.require(rel, key);
    }
    return parse(text, origin);
  }

  public static JudgeTemplate parse(String hocon, String origin) {
    Config c;
    try {
      c = ConfigFactory.parseString(hocon, ConfigParseOptions.defaults().setOriginDescription(origin));
    } catch (ConfigException e) {
      throw Errors.configParse(origin, e);
    }
    try {
      String kindText = c.getString("kind");
      Kind kind = switch (kindText) {
        case "pointwise" -> Kind.POINTWISE;
        case "pairwise" -> Kind.PAIRWISE;
        default -> throw Errors.configBadValue("kind", origin, "must be pointwise or pairwise", kindText);
      };
      String typeText = c.hasPath("score_type") ? c.getString("score_type") : "integer";
      ScoreType type = switch (typeText) {
        case "integer" -> ScoreType.INTEGER;
        case "real" -> ScoreType.REAL;
        case "choice" -> ScoreType.CHOICE;
        default -> throw Errors.configBadValue("score_type", origin, "must be integer, real or choice", typeText);
      };
      for (String k : c.root().keySet()) {
        if (!Set.of("name", "kind", "template", "score_regex", "score_min", "score_max", "score_type",
            "score_format", "reference_format").contains(k)) {
          throw Errors.configUnknownKey(k, origin, null);
        }
      }
      return new JudgeTemplate(c.getString("name"), kind, c.getString("template"), c.getString("score_regex"),
          c.getDouble("score_min"), c.getDouble("score_max"), type, c.getString("score_format"),
          c.hasPath("reference_format") ? c.getString("reference_format") : "", origin);
    } catch (ConfigException.Missing e) {
      throw Errors.error(io.srlm.errors.ErrorCode.JUDGE, "Judge template is missing a key: " + e.getMessage(),
          "a judge .conf needs name, kind, template, score_regex, score_format, score_min, score_max, score_type"
              + " (reference_format is optional)", e,
          "file", origin);
    } catch (ConfigException.WrongType e) {
      throw Errors.configBadType("judge template", origin, "of the documented type", e);
    }
  }

  private static String braces(List<String> keys) {
    StringBuilder sb = new StringBuilder();
    for (String k : keys) {
      sb.append(sb.length() == 0 ? "" : ", ").append('{').append(k).append('}');
    }
    return sb.toString();
  }
}

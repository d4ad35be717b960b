package io.srlm.seed;

import static org.assertj.core.api.Assertions.assertThat;

import io.srlm.prompting.JudgeTemplate;
import io.srlm.prompting.ScoreParser;
import io.srlm.prompting.TaskPrompt;
import io.srlm.tables.SeedEft;
import io.srlm.tables.SeedIft;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BuiltinSeedTest {
  private static final BuiltinSeed.Options SMALL = new BuiltinSeed.Options(60, 12, 40, 0.2, 7);
  private static final BuiltinSeed.Options DEFAULT = new BuiltinSeed.Options(400, 60, 300, 0.1, 1);
  private static final Pattern TASK_LINE = Pattern.compile("<task>(.*?)</task>");

  private static SeedData generate(BuiltinSeed.Options opts, String judge) {
    return BuiltinSeed.generate(opts, SeedTestSupport.judge(judge), SeedTestSupport.taskPrompt(), "run-1");
  }

  @Test
  void iftRowsAreCorrectDistinctAnswers() {
    SeedData d = generate(SMALL, "additive-5pt-compact");
    List<SeedIft> tasks = d.ift().stream().filter(r -> !r.taskType().equals(BuiltinSeed.TASK_CREATION)).toList();
    assertThat(tasks).hasSize(8 * 60);
    assertThat(tasks.stream().map(SeedIft::prompt).distinct()).hasSize(tasks.size());
    for (SeedIft r : tasks) {
      Task t = BuiltinTasks.parse(r.prompt()).orElseThrow();
      assertThat(t.family()).isEqualTo(r.taskType());
      assertThat(r.completion()).isEqualTo(t.expected());
      assertThat(r.runId()).isEqualTo("run-1");
      assertThat(r.iteration()).isZero();
      assertThat(r.source()).isEqualTo("builtin");
      assertThat(r.split()).isIn("train", "heldout");
    }
    assertThat(d.ift().stream().map(SeedIft::seedId).distinct()).hasSize(d.ift().size());
    assertThat(d.count("ift_rows")).isEqualTo(tasks.size());
    assertThat(d.count("ift_rows.add")).isEqualTo(60);
    assertThat(d.rejected()).isEmpty();
  }

  @Test
  void taskCreationRowsShowEightTasksAndAskForAnother() {
    SeedData d = generate(SMALL, "additive-5pt-compact");
    TaskPrompt tp = SeedTestSupport.taskPrompt();
    List<SeedIft> rows = d.ift().stream().filter(r -> r.taskType().equals(BuiltinSeed.TASK_CREATION)).toList();
    assertThat(rows).hasSize(40);
    assertThat(d.count("task_creation_rows")).isEqualTo(40);
    assertThat(rows).extracting(SeedIft::split).contains("train", "heldout");
    for (SeedIft r : rows) {
      List<String> shots = tasks(r.prompt());
      assertThat(shots).hasSize(8).doesNotHaveDuplicates();
      assertThat(r.prompt()).startsWith("Come up with a series of tasks");
      String target = tp.extract(r.completion()).orElseThrow();
      assertThat(shots).doesNotContain(target);
      assertThat(BuiltinTasks.parse(target)).isPresent();
      for (String s : shots) {
        assertThat(BuiltinTasks.parse(s)).as(s).isPresent();
      }
    }
  }

  @Test
  void eftGroupsAreGradedByTheGraderAndRanked() {
    JudgeTemplate judge = SeedTestSupport.judge("additive-5pt-compact");
    SeedData d = generate(SMALL, "additive-5pt-compact");
    Map<String, List<SeedEft>> groups = d.eft().stream().collect(Collectors.groupingBy(SeedEft::groupId));
    assertThat(groups).hasSize(8 * 12);
    assertThat(d.count("eft_groups")).isEqualTo(groups.size());
    assertThat(d.count("eft_rows")).isEqualTo(d.eft().size());
    Map<Double, Integer> byScore = new TreeMap<>();
    for (List<SeedEft> g : groups.values()) {
      assertThat(g).hasSizeBetween(4, 6);
      assertThat(g.stream().map(SeedEft::response).distinct()).hasSize(g.size());
      assertThat(g.stream().map(SeedEft::question).distinct()).hasSize(1);
      assertThat(g.stream().map(SeedEft::split).distinct()).hasSize(1);
      double best = g.stream().mapToDouble(SeedEft::humanScore).max().orElseThrow();
      for (SeedEft r : g) {
        Task t = BuiltinTasks.parse(r.question()).orElseThrow();
        assertThat(r.taskType()).isEqualTo(t.family());
        Grade grade = BuiltinTasks.grade(t, r.response());
        assertThat(r.humanScore()).isEqualTo(grade.score());
        assertThat(r.prompt()).isEqualTo(judge.renderPointwise(r.question(), r.response()));
        assertThat(r.completion()).isEqualTo(grade.justification() + "\nScore: " + grade.score());
        long better = g.stream().filter(o -> o.humanScore() > r.humanScore()).count();
        assertThat(r.humanRank()).isEqualTo(better);
        assertThat(r.humanRank() == 0).isEqualTo(r.humanScore() == best);
        byScore.merge(r.humanScore(), 1, Integer::sum);
      }
    }
    System.out.println("EFT rows by score (small options): " + byScore);
    assertThat(byScore.keySet()).containsExactly(0.0, 1.0, 2.0, 3.0, 4.0, 5.0);
    assertThat(d.eft().stream().map(SeedEft::eftId).distinct()).hasSize(d.eft().size());
  }

  @ParameterizedTest
  @ValueSource(strings = {"additive-5pt-compact", "additive-5pt", "rating-0-10", "additive-5pt-reference",
      "additive-5pt-self-reference"})
  void eftScoreLinesParseBackToTheHumanScore(String name) {
    JudgeTemplate judge = SeedTestSupport.judge(name);
    SeedData d = generate(SMALL, name);
    ScoreParser parser = judge.parser();
    Set<Double> seen = new HashSet<>();
    for (SeedEft r : d.eft()) {
      ScoreParser.Parsed p = parser.parse(r.completion());
      assertThat(p.status()).as(r.completion()).isEqualTo(ScoreParser.Status.OK);
      assertThat(p.score()).isEqualTo(r.humanScore());
      Task t = BuiltinTasks.parse(r.question()).orElseThrow();
      double expected = BuiltinTasks.grade(t, r.response()).score() / 5.0 * judge.scoreMax();
      assertThat(r.humanScore()).isEqualTo(expected);
      assertThat(parser.parse(r.prompt() + "\n" + r.completion()).status())
          .as("the prompt itself has no score line").isEqualTo(ScoreParser.Status.OK);
      seen.add(r.humanScore());
    }
    assertThat(seen).hasSize(6).contains(judge.scoreMin(), judge.scoreMax());
  }

  /**
   * Reference-guided judging: every built-in EFT target states the question's expected answer first, then the
   * grader's outcome sentence, then the unchanged score line; the rubric template's targets do not.
   */
  @Test
  void referenceTemplateTargetsStateTheExpectedAnswerThenTheOutcomeAndScore() {
    JudgeTemplate judge = SeedTestSupport.judge("additive-5pt-reference");
    assertThat(judge.usesReference()).isTrue();
    SeedData d = generate(SMALL, "additive-5pt-reference");
    SeedData plain = generate(SMALL, "additive-5pt-compact");
    assertThat(d.eft()).hasSameSizeAs(plain.eft());
    ScoreParser parser = judge.parser();
    for (int i = 0; i < d.eft().size(); i++) {
      SeedEft r = d.eft().get(i);
      Task t = BuiltinTasks.parse(r.question()).orElseThrow();
      Grade grade = BuiltinTasks.grade(t, r.response());
      assertThat(r.completion()).isEqualTo("Expected: " + t.expected() + ".\n" + grade.justification()
          + "\nScore: " + grade.score());
      assertThat(r.prompt()).isEqualTo(judge.renderPointwise(r.question(), r.response()))
          .contains("First write the expected answer");
      ScoreParser.Parsed p = parser.parse(r.completion());
      assertThat(p.status()).isEqualTo(ScoreParser.Status.OK);
      assertThat(p.score()).isEqualTo(grade.score()).isEqualTo(r.humanScore());
      // Same rows, same scores and ranks as the plain rubric: only the target text differs.
      SeedEft q = plain.eft().get(i);
      assertThat(q.response()).isEqualTo(r.response());
      assertThat(q.humanScore()).isEqualTo(r.humanScore());
      assertThat(q.completion()).doesNotContain("Expected:");
      assertThat(r.completion()).endsWith(q.completion());
    }
  }

  @Test
  void pairwiseRowsNameTheBetterAnswerInBothOrders() {
    JudgeTemplate judge = SeedTestSupport.judge("pairwise-ab");
    SeedData d = generate(SMALL, "pairwise-ab");
    ScoreParser parser = judge.parser();
    Map<String, List<SeedEft>> groups = d.eft().stream().collect(Collectors.groupingBy(SeedEft::groupId));
    assertThat(groups).hasSize(8 * 12);
    int aWins = 0;
    for (List<SeedEft> g : groups.values()) {
      assertThat(g.size() % 2).isZero();
      Map<String, SeedEft> byPrompt = g.stream().collect(Collectors.toMap(SeedEft::prompt, r -> r));
      assertThat(byPrompt).hasSize(g.size());
      for (SeedEft r : g) {
        ScoreParser.Parsed p = parser.parse(r.completion());
        assertThat(p.status()).isEqualTo(ScoreParser.Status.OK);
        assertThat(p.score()).isEqualTo(r.humanScore());
        String[] ab = answers(r.prompt());
        assertThat(ab[0]).isEqualTo(r.response());
        Task t = BuiltinTasks.parse(r.question()).orElseThrow();
        int sa = BuiltinTasks.grade(t, ab[0]).score();
        int sb = BuiltinTasks.grade(t, ab[1]).score();
        assertThat(sa).isNotEqualTo(sb);
        assertThat(p.choice()).isEqualTo(sa > sb ? ScoreParser.Choice.A : ScoreParser.Choice.B);
        aWins += sa > sb ? 1 : 0;
        assertThat(byPrompt).containsKey(judge.renderPairwise(r.question(), ab[1], ab[0]));
        assertThat(r.completion()).startsWith("Response A ");
      }
    }
    assertThat(aWins * 2).isEqualTo(d.eft().size());
  }

  @Test
  void noHeldOutQuestionAppearsInTrainRows() {
    SeedData d = generate(DEFAULT, "additive-5pt-compact");
    Set<String> heldout = new HashSet<>();
    for (SeedIft r : d.ift()) {
      if (r.split().equals("heldout") && !r.taskType().equals(BuiltinSeed.TASK_CREATION)) {
        heldout.add(r.prompt());
      }
    }
    d.eft().stream().filter(r -> r.split().equals("heldout")).forEach(r -> heldout.add(r.question()));
    assertThat(heldout).hasSizeGreaterThan(100);
    int checked = 0;
    for (SeedIft r : d.ift()) {
      if (r.split().equals("train")) {
        List<String> mentioned = r.taskType().equals(BuiltinSeed.TASK_CREATION) ? tasks(r.prompt() + r.completion())
            : List.of(r.prompt());
        for (String q : mentioned) {
          assertThat(heldout).as("train row mentions a held-out question").doesNotContain(q);
          checked++;
        }
      }
    }
    for (SeedEft r : d.eft()) {
      if (r.split().equals("train")) {
        assertThat(heldout).doesNotContain(r.question());
        checked++;
      }
    }
    assertThat(checked).isGreaterThan(3000);
    double frac = d.count("heldout_ift") / (double) d.ift().size();
    assertThat(frac).isBetween(0.06, 0.14);
  }

  @Test
  void sameOptionsGiveTheSameRows() {
    SeedData a = generate(SMALL, "additive-5pt-compact");
    SeedData b = generate(SMALL, "additive-5pt-compact");
    assertThat(a).isEqualTo(b);
    SeedData c = generate(new BuiltinSeed.Options(60, 12, 40, 0.2, 8), "additive-5pt-compact");
    assertThat(c.ift()).isNotEqualTo(a.ift());
    assertThat(c.eft()).isNotEqualTo(a.eft());
  }

  @Test
  void sizesAndLengthsForTheDefaultOptions() {
    SeedData d = generate(DEFAULT, "additive-5pt-compact");
    List<SeedIft> tasks = d.ift().stream().filter(r -> !r.taskType().equals(BuiltinSeed.TASK_CREATION)).toList();
    List<SeedIft> creation = d.ift().stream().filter(r -> r.taskType().equals(BuiltinSeed.TASK_CREATION)).toList();
    double judgeChars = d.eft().stream().mapToInt(r -> r.prompt().length() + r.completion().length()).average()
        .orElseThrow();
    int judgeMax = d.eft().stream().mapToInt(r -> r.prompt().length() + r.completion().length()).max().orElseThrow();
    double taskChars = tasks.stream().mapToInt(r -> r.prompt().length() + r.completion().length()).average()
        .orElseThrow();
    double creationChars = creation.stream().mapToInt(r -> r.prompt().length() + r.completion().length())
        .average().orElseThrow();
    int creationMax = creation.stream().mapToInt(r -> r.prompt().length() + r.completion().length()).max()
        .orElseThrow();
    double completionChars = d.eft().stream().mapToInt(r -> r.completion().length()).average().orElseThrow();
    System.out.printf("builtin seed %s:%n  counts %s%n", DEFAULT, d.counts());
    System.out.printf("  mean chars: task IFT %.1f, judge prompt+completion %.1f (max %d, judgement %.1f),"
        + " task creation %.1f (max %d)%n", taskChars, judgeChars, judgeMax, completionChars, creationChars,
        creationMax);
    assertThat(judgeChars).isLessThan(600);
    assertThat(judgeMax).isLessThan(700);
    assertThat(creationMax).isLessThan(900);
    assertThat(tasks).hasSizeGreaterThan(3000);
    assertThat(creation).hasSize(300);
    assertThat(d.count("eft_groups")).isEqualTo(480);
    List<String> corpus = BuiltinSeed.corpus(d);
    assertThat(corpus).hasSize(2 * (d.ift().size() + d.eft().size()));
    assertThat(corpus).contains(tasks.get(0).prompt(), tasks.get(0).completion(), d.eft().get(0).completion());
  }

  /**
   * Contrast groups: the right answer against wrong answers of its own form (the same unit, a word of the question,
   * a list of about the same length), graded by the grader, from train questions only; the other rows are exactly
   * the rows made without them, so the held-out judge evaluation does not change.
   */
  @Test
  void contrastGroupsPitTheRightAnswerAgainstWrongAnswersOfTheSameForm() {
    BuiltinSeed.Options opts = new BuiltinSeed.Options(60, 12, 20, 0, 40, 0.2, 7);
    SeedData d = generate(opts, "additive-5pt-compact");
    SeedData without = generate(SMALL, "additive-5pt-compact");
    List<SeedEft> contrast = d.eft().stream().filter(r -> r.source().equals(BuiltinSeed.CONTRAST_SOURCE)).toList();
    assertThat(d.eft().stream().filter(r -> !r.source().equals(BuiltinSeed.CONTRAST_SOURCE)).toList())
        .isEqualTo(without.eft());
    assertThat(d.ift()).isEqualTo(without.ift());
    Map<String, List<SeedEft>> groups = contrast.stream().collect(Collectors.groupingBy(SeedEft::groupId));
    assertThat(groups).hasSize(8 * 20);
    assertThat(d.count("contrast_groups")).isEqualTo(8 * 20);
    assertThat(d.count("eft_rows")).isEqualTo(d.eft().size());
    Map<String, Integer> perFamily = new TreeMap<>();
    int wrong = 0;
    for (List<SeedEft> g : groups.values()) {
      assertThat(g).hasSizeBetween(2, 1 + BuiltinSeed.CONTRAST_WRONG);
      assertThat(g.stream().map(SeedEft::response).distinct()).hasSize(g.size());
      Task t = BuiltinTasks.parse(g.get(0).question()).orElseThrow();
      perFamily.merge(t.family(), 1, Integer::sum);
      assertThat(g).allSatisfy(r -> assertThat(r.split()).isEqualTo("train"));
      assertThat(SeedSplit.of(t.prompt(), 0.2)).as("a train question").isEqualTo(SeedSplit.TRAIN);
      assertThat(g).filteredOn(r -> r.response().equals(t.expected())).singleElement()
          .satisfies(r -> assertThat(r.humanScore()).isEqualTo(5.0))
          .satisfies(r -> assertThat(r.humanRank()).isZero());
      for (SeedEft r : g) {
        Grade grade = BuiltinTasks.grade(t, r.response());
        assertThat(r.humanScore()).isEqualTo(grade.score());
        assertThat(r.completion()).isEqualTo(grade.justification() + "\nScore: " + grade.score());
        if (r.response().equals(t.expected())) {
          continue;
        }
        wrong++;
        assertThat(r.humanScore()).as(r.response()).isLessThan(5.0);
        String[] e = t.expected().split(" ");
        String[] w = r.response().split(" ");
        if (BuiltinTasks.family(t.family()).numeric()) {
          assertThat(w).as("a number with the unit kept: " + r.response()).hasSameSizeAs(e);
          assertThat(w[0]).matches("[0-9]+").isNotEqualTo(e[0]);
          assertThat(List.of(w).subList(1, w.length)).isEqualTo(List.of(e).subList(1, e.length));
        } else if (e.length == 1) {
          assertThat(t.items()).as("another word of the question").contains(r.response());
        } else {
          assertThat(Math.abs(w.length - e.length)).as(r.response()).isLessThanOrEqualTo(1);
        }
      }
    }
    assertThat(perFamily).hasSize(8).allSatisfy((f, n) -> assertThat(n).isEqualTo(20));
    assertThat(wrong).isGreaterThan(2 * groups.size());
    assertThat(contrast.stream().map(SeedEft::eftId).distinct()).hasSize(contrast.size());
    assertThat(d.eft().stream().map(SeedEft::eftId).distinct()).hasSize(d.eft().size());
  }

  /**
   * Self-reference template: every built-in EFT row (ordinary and contrast groups) shows the question's known
   * answer as the reference in its prompt, and its target is the plain outcome and score.
   */
  @Test
  void selfReferenceRowsShowTheKnownAnswerAsTheReference() {
    JudgeTemplate judge = SeedTestSupport.judge("additive-5pt-self-reference");
    SeedData d = generate(new BuiltinSeed.Options(60, 12, 10, 0, 40, 0.2, 7), "additive-5pt-self-reference");
    assertThat(d.eft()).extracting(SeedEft::source).contains("builtin", BuiltinSeed.CONTRAST_SOURCE);
    for (SeedEft r : d.eft()) {
      Task t = BuiltinTasks.parse(r.question()).orElseThrow();
      assertThat(r.prompt()).isEqualTo(judge.renderPointwise(r.question(), r.response(), t.expected()))
          .contains("<reference>" + t.expected() + "</reference>");
      Grade grade = BuiltinTasks.grade(t, r.response());
      assertThat(r.completion()).isEqualTo(grade.justification() + "\nScore: " + grade.score());
    }
  }

  /**
   * Reference groups: per train question, the reference shown is the right answer or a near miss, the two answers
   * are the shown reference and the other one, and both are graded against the shown reference, so the answer
   * equal to the reference is the one scored 5 whether or not it is right; right and wrong references come in about
   * equal numbers; the other rows are exactly those made without them.
   */
  @Test
  void referenceGroupsScoreTheAnswersAgainstTheShownReferenceRightOrWrong() {
    JudgeTemplate judge = SeedTestSupport.judge("additive-5pt-self-reference");
    SeedData d = generate(new BuiltinSeed.Options(60, 12, 0, 30, 40, 0.2, 7), "additive-5pt-self-reference");
    SeedData without = generate(SMALL, "additive-5pt-self-reference");
    assertThat(d.eft().stream().filter(r -> !r.source().equals(BuiltinSeed.REFERENCE_SOURCE)).toList())
        .isEqualTo(without.eft());
    assertThat(d.ift()).isEqualTo(without.ift());
    List<SeedEft> rows = d.eft().stream().filter(r -> r.source().equals(BuiltinSeed.REFERENCE_SOURCE)).toList();
    Map<String, List<SeedEft>> groups = rows.stream().collect(Collectors.groupingBy(SeedEft::groupId));
    assertThat(groups).hasSize(8 * 30);
    assertThat(d.count("reference_groups")).isEqualTo(8 * 30);
    int wrongShown = 0;
    for (List<SeedEft> g : groups.values()) {
      Task t = BuiltinTasks.parse(g.get(0).question()).orElseThrow();
      assertThat(SeedSplit.of(t.prompt(), 0.2)).as("a train question").isEqualTo(SeedSplit.TRAIN);
      assertThat(g).hasSize(2).extracting(SeedEft::response).contains(t.expected());
      String miss = g.stream().map(SeedEft::response).filter(a -> !a.equals(t.expected())).findFirst().orElseThrow();
      String shown = g.stream().filter(r -> r.prompt().contains("<reference>" + t.expected() + "</reference>"))
          .findAny().isPresent() ? t.expected() : miss;
      wrongShown += shown.equals(miss) ? 1 : 0;
      Task asShown = new Task(t.family(), t.prompt(), shown, t.items());
      for (SeedEft r : g) {
        assertThat(r.split()).isEqualTo("train");
        assertThat(r.prompt()).isEqualTo(judge.renderPointwise(r.question(), r.response(), shown));
        Grade grade = BuiltinTasks.grade(asShown, r.response());
        assertThat(r.humanScore()).as(r.response() + " against " + shown).isEqualTo(grade.score());
        assertThat(r.completion()).isEqualTo(grade.justification() + "\nScore: " + grade.score());
        if (r.response().equals(shown)) {
          assertThat(r.humanScore()).isEqualTo(5.0);
          assertThat(r.humanRank()).isZero();
        } else {
          assertThat(r.humanScore()).isLessThan(5.0);
        }
      }
    }
    assertThat(wrongShown).isEqualTo(d.count("reference_groups.wrong_reference")).isBetween(90, 150);
    assertThat(d.eft().stream().map(SeedEft::eftId).distinct()).hasSize(d.eft().size());
  }

  @Test
  void referenceGroupsNeedATemplateThatShowsAReference() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> generate(new BuiltinSeed.Options(60, 12, 0, 5, 40, 0.2, 7), "additive-5pt-compact"))
        .hasMessageContaining("seed.builtin.reference_groups_per_task").hasMessageContaining("judge.template")
        .hasMessageContaining("additive-5pt-compact");
  }

  @Test
  void optionsAreValidated() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new BuiltinSeed.Options(-1, 1, 1, 0.1, 1))
        .hasMessageContaining("seed.builtin.ift_per_task");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new BuiltinSeed.Options(1, 1, 1, 1.0, 1))
        .hasMessageContaining("seed.heldout_fraction");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new BuiltinSeed.Options(1, 1, -1, 0, 1, 0.1, 1))
        .hasMessageContaining("seed.builtin.contrast_groups_per_task");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new BuiltinSeed.Options(1, 1, 0, -1, 1, 0.1, 1))
        .hasMessageContaining("seed.builtin.reference_groups_per_task");
  }

  private static List<String> tasks(String text) {
    List<String> out = new ArrayList<>();
    Matcher m = TASK_LINE.matcher(text);
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  /** Responses A and B of a rendered pairwise prompt. */
  private static String[] answers(String prompt) {
    Matcher a = Pattern.compile("<response_a>(.*?)</response_a>", Pattern.DOTALL).matcher(prompt);
    Matcher b = Pattern.compile("<response_b>(.*?)</response_b>", Pattern.DOTALL).matcher(prompt);
    assertThat(a.find() && b.find()).isTrue();
    return new String[] {a.group(1), b.group(1)};
  }
}

package io.srlm.seed;

import io.srlm.config.SrlmConfig;
import io.srlm.errors.Errors;
import io.srlm.prompting.JudgeTemplate;
import io.srlm.prompting.TaskPrompt;
import io.srlm.tables.SeedEft;
import io.srlm.tables.SeedIft;
import io.srlm.util.StableIds;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

/**
 * The embedded default seed set, made by code from {@link BuiltinTasks}: instruction-following rows (task and bare
 * answer), judging rows (graded candidate answers with the additive rubric's justification and score) and
 * task-creation rows (eight example tasks in, one new task out). The same options always give the same rows.
 *
 * <p>Splits are by question: a question's split comes from a hash of its text ({@link SeedSplit}), so a held-out
 * question never appears in a train row of any kind. Task-creation rows take their example and target tasks from
 * the IFT prompts of their own split.
 */
public final class BuiltinSeed {
  public static final String SOURCE = "builtin";
  /** The source of contrast groups' rows (the right answer against same-form wrong ones). */
  public static final String CONTRAST_SOURCE = "builtin_contrast";
  /** The source of reference groups' rows (answers scored against a shown reference that is right or wrong). */
  public static final String REFERENCE_SOURCE = "builtin_reference";
  public static final String TASK_CREATION = "task_creation";
  /** Wrong answers per contrast group, at most. */
  static final int CONTRAST_WRONG = 3;
  private static final int SHOTS = 8;
  /** Sampling gives up on finding new distinct questions for a family after this many tries per wanted row. */
  private static final int TRIES_PER_ROW = 50;

  /**
   * @param iftPerTask distinct instruction-following questions per family (fewer when a family has fewer)
   * @param eftGroupsPerTask judging groups per family (one question, 4 to 6 graded answers each)
   * @param contrastGroupsPerTask more judging groups per family, of train-split questions only: the right answer
   *     and up to 3 wrong answers of the same form ({@link NearMiss}), so that only checking the answer against the
   *     question ranks them; 0 for none
   * @param referenceGroupsPerTask more judging groups per family for a template that shows a reference answer
   *     ({@link JudgeTemplate#readsReference}), of train-split questions only: the reference shown is the right answer
   *     or a near miss (one each, by chance), the two answers are the reference itself and the other one, and both
   *     are graded against the shown reference, so that agreeing with the reference is the only cue; 0 for none
   * @param taskCreationRows task-creation rows, of which about heldoutFraction are held out
   * @param heldoutFraction the fraction of questions held out, in [0, 1)
   * @param seed the random seed
   */
  public record Options(int iftPerTask, int eftGroupsPerTask, int contrastGroupsPerTask,
      int referenceGroupsPerTask, int taskCreationRows, double heldoutFraction, long seed) {
    public Options {
      nonNegative("seed.builtin.ift_per_task", iftPerTask);
      nonNegative("seed.builtin.eft_groups_per_task", eftGroupsPerTask);
      nonNegative("seed.builtin.contrast_groups_per_task", contrastGroupsPerTask);
      nonNegative("seed.builtin.reference_groups_per_task", referenceGroupsPerTask);
      nonNegative("seed.builtin.task_creation_rows", taskCreationRows);
      if (!(heldoutFraction >= 0 && heldoutFraction < 1)) {
        throw Errors.configBadValue("seed.heldout_fraction", "seed options", "must be in [0, 1)", heldoutFraction);
      }
    }

    /** Without contrast or reference groups. */
    public Options(int iftPerTask, int eftGroupsPerTask, int taskCreationRows, double heldoutFraction, long seed) {
      this(iftPerTask, eftGroupsPerTask, 0, 0, taskCreationRows, heldoutFraction, seed);
    }

    /** The options a run's config asks for ({@code seed.builtin.*}). */
    public static Options of(SrlmConfig.BuiltinSeed b, double heldoutFraction, long seed) {
      return new Options(b.iftPerTask(), b.eftGroupsPerTask(), b.contrastGroupsPerTask(),
          b.referenceGroupsPerTask(), b.taskCreationRows(), heldoutFraction, seed);
    }

    private static void nonNegative(String key, int v) {
      if (v < 0) {
        throw Errors.configBadValue(key, "seed options", "must be >= 0", v);
      }
    }
  }

  private BuiltinSeed() {}

  /**
   * Makes the seed rows. EFT rows follow the judge template's kind (see {@link EftRows}): pointwise rows end in the
   * template's score line, pairwise rows in its winner line.
   *
   * <p>Counts: ift_rows (task rows) and ift_rows.FAMILY, ift_shortfall.FAMILY (when a family has fewer distinct
   * questions than asked), task_creation_rows, eft_groups, eft_rows, eft_answers.score_N (graded answers per 0-5
   * score), heldout_ift (task and task-creation rows), heldout_eft, heldout_eft_groups.
   */
  public static SeedData generate(Options opts, JudgeTemplate judge, TaskPrompt taskPrompt, String runId) {
    if (opts.referenceGroupsPerTask() > 0 && !judge.readsReference()) {
      throw Errors.configBadValue("seed.builtin.reference_groups_per_task", "the run's config, with judge.template",
          "needs a judge template that shows a {reference} (judge.template = additive-5pt-self-reference); judge "
              + "template '" + judge.name() + "' shows none, so set it to 0 or change judge.template",
          opts.referenceGroupsPerTask());
    }
    Map<String, Long> counts = new LinkedHashMap<>();
    List<SeedIft> ift = new ArrayList<>();
    List<String> trainPool = new ArrayList<>();
    List<String> heldoutPool = new ArrayList<>();
    for (String family : BuiltinTasks.families()) {
      Random rnd = new Random(StableIds.seed(opts.seed(), "ift", family));
      Set<String> seen = new LinkedHashSet<>();
      for (int tries = 0; seen.size() < opts.iftPerTask() && tries < opts.iftPerTask() * TRIES_PER_ROW; tries++) {
        Task t = BuiltinTasks.sample(family, rnd);
        if (!seen.add(t.prompt())) {
          continue;
        }
        String split = SeedSplit.of(t.prompt(), opts.heldoutFraction());
        (split.equals(SeedSplit.TRAIN) ? trainPool : heldoutPool).add(t.prompt());
        ift.add(new SeedIft(runId, 0, StableIds.id("ift", SOURCE, ift.size()), SOURCE, split, family, t.prompt(),
            t.expected()));
      }
      counts.put("ift_rows." + family, (long) seen.size());
      if (seen.size() < opts.iftPerTask()) {
        counts.put("ift_shortfall." + family, (long) (opts.iftPerTask() - seen.size()));
      }
    }
    counts.put("ift_rows", (long) ift.size());

    int creation = 0;
    int heldoutCreation = (int) Math.round(opts.taskCreationRows() * opts.heldoutFraction());
    Random crnd = new Random(StableIds.seed(opts.seed(), TASK_CREATION));
    creation += taskCreation(ift, trainPool, SeedSplit.TRAIN, opts.taskCreationRows() - heldoutCreation, taskPrompt,
        runId, crnd);
    creation += taskCreation(ift, heldoutPool, SeedSplit.HELDOUT, heldoutCreation, taskPrompt, runId, crnd);
    counts.put("task_creation_rows", (long) creation);

    List<SeedEft> eft = new ArrayList<>();
    int[] heldoutGroups = {0};
    int groups = drawGroups(opts, "eft", opts.eftGroupsPerTask(), false, counts, null, (family, t, rnd, key) -> {
      String split = SeedSplit.of(t.prompt(), opts.heldoutFraction());
      List<EftRows.Candidate> cands = candidates(t, rnd);
      for (EftRows.Candidate c : cands) {
        counts.merge("eft_answers.score_" + (int) c.score5(), 1L, Long::sum);
      }
      eft.addAll(EftRows.build(judge, new EftRows.Group(runId, SOURCE, split, family, key, t.prompt(), t.expected()),
          cands));
      heldoutGroups[0] += split.equals(SeedSplit.HELDOUT) ? 1 : 0;
      return true;
    });
    int contrast = drawGroups(opts, "contrast", opts.contrastGroupsPerTask(), true, counts, "contrast_shortfall.",
        (family, t, rnd, key) -> {
          List<EftRows.Candidate> cands = contrastCandidates(t, rnd);
          if (cands.size() < 2) {
            return false;
          }
          for (EftRows.Candidate c : cands) {
            counts.merge("contrast_answers.score_" + (int) c.score5(), 1L, Long::sum);
          }
          eft.addAll(EftRows.build(judge, new EftRows.Group(runId, CONTRAST_SOURCE, SeedSplit.TRAIN, family, key,
              t.prompt(), t.expected()), cands));
          return true;
        });
    counts.put("contrast_groups", (long) contrast);
    int reference = drawGroups(opts, "reference", opts.referenceGroupsPerTask(), true, counts, "reference_shortfall.",
        (family, t, rnd, key) -> {
          Optional<String> miss = NearMiss.of(t, rnd);
          if (miss.isEmpty()) {
            return false;
          }
          boolean rightShown = rnd.nextBoolean();
          String shown = rightShown ? t.expected() : miss.get();
          List<String> texts = new ArrayList<>(List.of(t.expected(), miss.get()));
          Collections.shuffle(texts, rnd);
          List<EftRows.Candidate> cands = graded(new Task(t.family(), t.prompt(), shown, t.items()), texts);
          counts.merge("reference_groups." + (rightShown ? "right" : "wrong") + "_reference", 1L, Long::sum);
          eft.addAll(EftRows.build(judge, new EftRows.Group(runId, REFERENCE_SOURCE, SeedSplit.TRAIN, family, key,
              t.prompt(), shown), cands));
          return true;
        });
    counts.put("reference_groups", (long) reference);
    counts.put("eft_groups", (long) groups);
    counts.put("eft_rows", (long) eft.size());
    counts.put("heldout_ift", ift.stream().filter(r -> r.split().equals(SeedSplit.HELDOUT)).count());
    counts.put("heldout_eft", eft.stream().filter(r -> r.split().equals(SeedSplit.HELDOUT)).count());
    counts.put("heldout_eft_groups", (long) heldoutGroups[0]);
    return new SeedData(ift, eft, List.of(), counts);
  }

  /** Makes one judging group of a drawn question; false when the question gives none (it is then skipped). */
  private interface GroupMaker {
    boolean make(String family, Task t, Random rnd, int groupKey);
  }

  /**
   * Draws distinct questions per family, each family from its own random stream ({@code stream}, family), and hands
   * each to {@code maker} with that stream, until {@code wanted} groups are made or {@value #TRIES_PER_ROW} tries per
   * wanted group are spent. Group keys count the groups made across families, from 0.
   *
   * @param trainOnly skip held-out questions
   * @param shortfallKey prefix of the count of groups a family fell short by, or null for none
   * @return the groups made
   */
  private static int drawGroups(Options opts, String stream, int wanted, boolean trainOnly, Map<String, Long> counts,
      String shortfallKey, GroupMaker maker) {
    int groups = 0;
    for (String family : BuiltinTasks.families()) {
      Random rnd = new Random(StableIds.seed(opts.seed(), stream, family));
      Set<String> seen = new LinkedHashSet<>();
      int made = 0;
      for (int tries = 0; made < wanted && tries < wanted * TRIES_PER_ROW; tries++) {
        Task t = BuiltinTasks.sample(family, rnd);
        boolean heldout = !SeedSplit.of(t.prompt(), opts.heldoutFraction()).equals(SeedSplit.TRAIN);
        if ((trainOnly && heldout) || !seen.add(t.prompt())) {
          continue;
        }
        if (maker.make(family, t, rnd, groups)) {
          groups++;
          made++;
        }
      }
      if (shortfallKey != null && made < wanted) {
        counts.put(shortfallKey + family, (long) (wanted - made));
      }
    }
    return groups;
  }

  /** All prompt and completion texts of the seed data (to train the built-in model's tokenizer). */
  public static List<String> corpus(SeedData data) {
    return data.corpus();
  }

  /**
   * A group of 4 to 6 distinct answers to the task: always the correct one, then one answer per other quality
   * level that applies to the task (chatter, wrong order, half, one item or wrong number, and one of the three
   * score-0 kinds), in random order, then, while the group is short, another wrong item or number, another score-0
   * kind, another chatter form and the last score-0 kind. Each answer is
   * graded by {@link BuiltinTasks#grade}; the flaw only decides how the answer is written.
   */
  static List<EftRows.Candidate> candidates(Task t, Random rnd) {
    int size = 4 + rnd.nextInt(3);
    List<Flaw> zeros = new ArrayList<>(List.of(Flaw.EMPTY, Flaw.UNRELATED, Flaw.REPEATED));
    Collections.shuffle(zeros, rnd);
    List<Flaw> levels = new ArrayList<>(List.of(Flaw.CHATTER, Flaw.WRONG_ORDER, Flaw.HALF, Flaw.ONE, zeros.get(0)));
    Collections.shuffle(levels, rnd);
    List<Flaw> order = new ArrayList<>();
    order.add(Flaw.CORRECT);
    order.addAll(levels);
    order.addAll(List.of(Flaw.ONE, zeros.get(1), Flaw.CHATTER, zeros.get(2)));
    List<String> texts = new ArrayList<>();
    for (Flaw f : order) {
      if (texts.size() == size) {
        break;
      }
      Optional<String> text = f.apply(t, rnd);
      if (text.isPresent() && !texts.contains(text.get())) {
        texts.add(text.get());
      }
    }
    Collections.shuffle(texts, rnd);
    return graded(t, texts);
  }

  /** The right answer and up to {@value #CONTRAST_WRONG} distinct near misses, graded, in random order. */
  static List<EftRows.Candidate> contrastCandidates(Task t, Random rnd) {
    List<String> texts = new ArrayList<>();
    texts.add(t.expected());
    for (int tries = 0; texts.size() <= CONTRAST_WRONG && tries < 10 * CONTRAST_WRONG; tries++) {
      NearMiss.of(t, rnd).filter(s -> !texts.contains(s)).ifPresent(texts::add);
    }
    Collections.shuffle(texts, rnd);
    return graded(t, texts);
  }

  private static List<EftRows.Candidate> graded(Task t, List<String> texts) {
    List<Grade> grades = new ArrayList<>();
    List<Double> scores = new ArrayList<>();
    for (String text : texts) {
      Grade g = BuiltinTasks.grade(t, text);
      grades.add(g);
      scores.add((double) g.score());
    }
    int[] ranks = EftRows.ranksByScore(scores);
    List<EftRows.Candidate> out = new ArrayList<>();
    for (int i = 0; i < texts.size(); i++) {
      Grade g = grades.get(i);
      out.add(new EftRows.Candidate(texts.get(i), g.score(), ranks[i], g.justification(), g.outcome().phrase()));
    }
    return out;
  }

  /** Rows that show eight tasks of the pool and ask for one more; the target is a ninth task of the same pool. */
  private static int taskCreation(List<SeedIft> ift, List<String> pool, String split, int rows,
      TaskPrompt taskPrompt, String runId, Random rnd) {
    if (pool.size() < SHOTS + 1) {
      return 0;
    }
    for (int i = 0; i < rows; i++) {
      List<String> picked = new ArrayList<>(SHOTS + 1);
      Set<Integer> used = new LinkedHashSet<>();
      while (picked.size() < SHOTS + 1) {
        int k = rnd.nextInt(pool.size());
        if (used.add(k)) {
          picked.add(pool.get(k));
        }
      }
      ift.add(new SeedIft(runId, 0, StableIds.id("ift", SOURCE, ift.size()), SOURCE, split, TASK_CREATION,
          taskPrompt.render(picked.subList(0, SHOTS)), TaskPrompt.formatTask(picked.get(SHOTS))));
    }
    return rows;
  }
}

package io.srlm.report;

import io.srlm.tables.EvaluationRow;
import io.srlm.tables.JudgementRow;
import io.srlm.tables.MetricRow;
import io.srlm.tables.ModelRow;
import io.srlm.tables.PairRow;
import io.srlm.tables.PromptRow;
import io.srlm.tables.ResponseRow;
import io.srlm.tables.RunStep;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Synthetic rows of a 3-iteration run (SFT model M0, then M1..M3), with hostile text in a few places. */
final class ReportFixtures {
  static final String RUN = "run-1";
  static final String SCRIPT = "<script>alert(1)</script>";
  static final String QUOTES = "\"'&";
  static final String IMG = "<img src=x onerror=alert(2)>";

  private ReportFixtures() {}

  static ReportData run() {
    Random rnd = new Random(7);
    List<PromptRow> prompts = new ArrayList<>();
    List<ResponseRow> responses = new ArrayList<>();
    List<JudgementRow> judgements = new ArrayList<>();
    List<PairRow> pairs = new ArrayList<>();
    List<MetricRow> metrics = new ArrayList<>();
    List<EvaluationRow> evals = new ArrayList<>();
    List<ModelRow> models = new ArrayList<>();
    List<RunStep> steps = new ArrayList<>();
    models.add(model(0, "M0", "sft", null));
    for (int s = 0; s < 20; s++) {
      metrics.add(new MetricRow(RUN, 0, "sft", "train", s, "loss", 2.0 * Math.exp(-s / 8.0) + 0.1, 0));
    }
    for (int it = 1; it <= 3; it++) {
      models.add(model(it, "M" + it, "dpo", "M" + (it - 1)));
      for (int p = 0; p < 12; p++) {
        String pid = "p" + it + "-" + p;
        boolean rejected = p % 4 == 3;
        String text = p == 0 && it == 1 ? "Explain " + IMG + " please" : "Prompt " + pid;
        prompts.add(new PromptRow(RUN, it, pid, text, rejected ? "rejected" : "accepted",
            rejected ? (p % 8 == 3 ? "too_short" : "near_duplicate_seed") : null, null, text, p, List.of("s1"),
            "M" + (it - 1), p, 20, "eos"));
        if (rejected) {
          continue;
        }
        double best = -1;
        double worst = 99;
        String bestId = null;
        String worstId = null;
        for (int k = 0; k < 4; k++) {
          String rid = pid + "-r" + k;
          String body = p == 0 && it == 1 && k == 0 ? "Answer " + SCRIPT + " and " + QUOTES : "Answer " + rid;
          int tokens = 80 + 30 * it + rnd.nextInt(60);
          responses.add(new ResponseRow(RUN, it, rid, pid, k, k, text, body, 20, tokens,
              tokens > 190 ? "length" : "eos", "M" + (it - 1), "self"));
          double sum = 0;
          int valid = 0;
          List<Double> scores = new ArrayList<>();
          for (int j = 0; j < 3; j++) {
            boolean fail = rnd.nextInt(10) == 0;
            Double sc = fail ? null : (double) Math.min(5, rnd.nextInt(4) + it / 2 + (k == 0 ? 1 : 0));
            scores.add(sc);
            if (sc != null) {
              sum += sc;
              valid++;
            }
          }
          Double mean = valid == 0 ? null : sum / valid;
          for (int j = 0; j < 3; j++) {
            judgements.add(new JudgementRow(RUN, it, rid + "-j" + j, rid, pid, j, j, "Score: " + scores.get(j),
                scores.get(j), scores.get(j) == null ? "no_score" : "ok", mean, valid, "M" + (it - 1),
                "additive-5pt", 40, "eos"));
          }
          if (mean != null && mean > best) {
            best = mean;
            bestId = rid;
          }
          if (mean != null && mean < worst) {
            worst = mean;
            worstId = rid;
          }
        }
        if (bestId != null && best > worst) {
          String chosen = bestId.endsWith("r0") && p == 0 && it == 1 ? "Answer " + SCRIPT + " and " + QUOTES
              : "Answer " + bestId;
          pairs.add(new PairRow(RUN, it, "pair-" + pid, pid, text, bestId, worstId, chosen, "Answer " + worstId,
              best, worst, best - worst, "self_reward", "self_reward_dpo"));
        }
      }
      for (int s = 0; s < 30; s++) {
        metrics.add(new MetricRow(RUN, it, "dpo", "train", s, "loss", 0.69 * Math.exp(-s / (10.0 * it)) + 0.05,
            0));
        metrics.add(new MetricRow(RUN, it, "dpo", "train", s, "reward_accuracy",
            Math.min(1, 0.5 + s / 60.0 + rnd.nextDouble() * 0.05), 0));
        if (s % 10 == 9) {
          metrics.add(new MetricRow(RUN, it, "dpo", "val", s, "loss", 0.69 * Math.exp(-s / (12.0 * it)) + 0.1, 0));
          metrics.add(new MetricRow(RUN, it, "dpo", "val", s, "reward_accuracy", 0.5 + s / 80.0, 0));
        }
      }
      String m = "M" + it;
      evals.add(ev(it, m, "judge", "pairwise_accuracy", 0.65 + 0.05 * it, 500, 0.6 + 0.05 * it, 0.7 + 0.05 * it));
      evals.add(ev(it, m, "judge", "spearman", 0.25 + 0.03 * it, 120, null, null));
      evals.add(ev(it, m, "judge", "kendall_tau", 0.2 + 0.03 * it, 120, null, null));
      evals.add(ev(it, m, "judge", "five_best", 0.2 + 0.02 * it, 120, 0.15, 0.3));
      evals.add(ev(it, m, "judge", "exact_match", 0.1 + 0.01 * it, 120, 0.05, 0.2));
      evals.add(ev(it, m, "judge", "parse_failure_rate", 0.05 / it, 1500, 0.01, 0.08));
      double wr = 0.5 + 0.04 * it;
      evals.add(ev(it, m + " vs M0", "head_to_head", "win_rate", wr, 256, wr - 0.06, wr + 0.06));
      evals.add(ev(it, m + " vs M0", "head_to_head", "wins", 100 + 10 * it, 256, null, null));
      evals.add(ev(it, m + " vs M0", "head_to_head", "ties", 56, 256, null, null));
      evals.add(ev(it, m + " vs M0", "head_to_head", "losses", 100 - 10 * it, 256, null, null));
      evals.add(ev(it, m, "task_accuracy", "greedy_accuracy", 0.3 + 0.05 * it, 200, 0.25, 0.45));
      evals.add(ev(it, m, "task_accuracy", "sampled_accuracy", 0.25 + 0.05 * it, 800, 0.2, 0.4));
      steps.add(new RunStep(RUN, "s0" + it + ".judge", it, "self_reward_dpo", "judge", "e" + it, "succeeded",
          1000L * it, 1000L * it + 4500, Map.of(), Map.of("judgements", 3L), Map.of("rows_out", 108L), null,
          "h", "host"));
    }
    evals.add(ev(0, "M0", "judge", "pairwise_accuracy", 0.651, 500, 0.6, 0.7));
    return new ReportData(RUN, models, prompts, responses, judgements, pairs, metrics, evals, steps);
  }

  private static ModelRow model(int it, String name, String stage, String parent) {
    return new ModelRow(RUN, it, "mid-" + it, name, stage, "/models/" + name, null, "base", parent,
        parent == null ? null : "M" + (it - 1), Map.of("preference_pairs", (long) it, "seed_ift", 0L), "h", 0L,
        Map.of("final_loss", 0.3));
  }

  private static EvaluationRow ev(int it, String model, String evaluation, String metric, double v, long n,
      Double lo, Double hi) {
    return new EvaluationRow(RUN, it, model, evaluation, metric, v, n, lo, hi);
  }
}

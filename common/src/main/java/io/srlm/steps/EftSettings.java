package io.srlm.steps;

import io.srlm.config.SrlmConfig;
import io.srlm.errors.Errors;
import java.util.Map;

/**
 * The keys of model-written EFT (eft.*) and of the own-answer evaluations (eval.judge.truth_*,
 * eval.head_to_head.answers / fixed_judge), read from the resolved config tree (defined with their documentation
 * in conf/srlm.conf; global keys, not per-stage overrides).
 */
public record EftSettings(boolean enabled, int prompts, int answers, int seedGroups, boolean fallback, int epochs,
    int truthPrompts, int truthAnswers, int h2hAnswers, boolean h2hFixedJudge) {

  public static EftSettings of(SrlmConfig c) {
    Map<String, String> f = c.resolved().flat();
    return new EftSettings(bool(f, "eft.enabled"), num(f, "eft.prompts", 0), num(f, "eft.answers", 1),
        num(f, "eft.seed_groups", 0), bool(f, "eft.fallback"), num(f, "eft.epochs", 1),
        num(f, "eval.judge.truth_prompts", 0), num(f, "eval.judge.truth_answers", 2),
        num(f, "eval.head_to_head.answers", 1), bool(f, "eval.head_to_head.fixed_judge"));
  }

  private static String raw(Map<String, String> f, String key) {
    String v = f.get(key);
    if (v == null) {
      throw Errors.configBadValue(key, "conf/srlm.conf", "must be defined", "(missing)");
    }
    return v;
  }

  private static boolean bool(Map<String, String> f, String key) {
    String v = raw(f, key);
    if (!v.equals("true") && !v.equals("false")) {
      throw Errors.configBadValue(key, "config", "must be true or false", v);
    }
    return v.equals("true");
  }

  private static int num(Map<String, String> f, String key, int min) {
    String v = raw(f, key);
    try {
      int n = Integer.parseInt(v);
      if (n < min) {
        throw Errors.configBadValue(key, "config", "must be >= " + min, v);
      }
      return n;
    } catch (NumberFormatException e) {
      throw Errors.configBadValue(key, "config", "must be a whole number", v);
    }
  }
}

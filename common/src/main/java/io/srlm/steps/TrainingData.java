package io.srlm.steps;

import io.srlm.model.LanguageModel;
import io.srlm.tables.RejectedRow;
import io.srlm.train.PairExample;
import io.srlm.train.SftExample;
import java.util.Arrays;
import java.util.List;

/**
 * Tokenizes training rows with the model's chat template and applies the overlong rule, recording every skipped
 * or truncated row. The rule (sft.on_overlong / dpo.on_overlong): a row whose prompt + completion exceeds the
 * limit (max_seq_len, or the model's context if smaller) is skipped; with "truncate", the prompt loses tokens from
 * its start (the completion is always kept whole), and a row whose completion alone does not fit is skipped.
 */
final class TrainingData {
  private TrainingData() {}

  static int limit(LanguageModel lm, int maxSeqLen) {
    return Math.min(maxSeqLen, lm.model().ropeLength());
  }

  /** Returns the example, or null when the row was skipped (and recorded in {@code rejected}). */
  static SftExample sft(LanguageModel lm, String id, String prompt, String completion, int limit, String onOverlong,
      RejectedCollector rejected) {
    int[] p = lm.promptIds(prompt);
    int[] c = lm.completionIds(prompt, completion);
    int[] fit = fit(p, c.length, limit, onOverlong, id, rejected);
    return fit == null ? null : new SftExample(id, fit, c);
  }

  static PairExample pair(LanguageModel lm, String id, String prompt, String chosen, String rejectedText, int limit,
      String onOverlong, RejectedCollector rejected) {
    if (chosen.isBlank() || rejectedText.isBlank()) {
      rejected.add(id, "empty_completion", "chosen or rejected text is empty");
      return null;
    }
    int[] p = lm.promptIds(prompt);
    int[] c = lm.completionIds(prompt, chosen);
    int[] r = lm.completionIds(prompt, rejectedText);
    int[] fit = fit(p, Math.max(c.length, r.length), limit, onOverlong, id, rejected);
    return fit == null ? null : new PairExample(id, fit, c, r, Double.NaN, Double.NaN);
  }

  private static int[] fit(int[] prompt, int completion, int limit, String onOverlong, String id,
      RejectedCollector rejected) {
    if (prompt.length + completion <= limit) {
      return prompt;
    }
    String detail = (prompt.length + completion) + " tokens > limit " + limit;
    if (onOverlong.equals("truncate") && completion < limit - 1) {
      rejected.add(id, "truncated", detail);
      return Arrays.copyOfRange(prompt, prompt.length - (limit - completion), prompt.length);
    }
    rejected.add(id, "too_long", detail);
    return null;
  }

  /** Collects rejected rows for one step. */
  static final class RejectedCollector {
    private final String runId;
    private final int iteration;
    private final String step;
    private final String source;
    private final List<RejectedRow> rows = new java.util.ArrayList<>();

    RejectedCollector(String runId, int iteration, String step, String source) {
      this.runId = runId;
      this.iteration = iteration;
      this.step = step;
      this.source = source;
    }

    void add(String rowRef, String reason, String detail) {
      rows.add(new RejectedRow(runId, iteration, step, source, rowRef, reason, detail));
    }

    List<RejectedRow> rows() {
      return rows;
    }

    long count(String reason) {
      return rows.stream().filter(r -> r.reason().equals(reason)).count();
    }
  }
}

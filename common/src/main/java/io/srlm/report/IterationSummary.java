package io.srlm.report;

import io.srlm.eval.Stats;
import io.srlm.tables.JudgementRow;
import io.srlm.tables.PairRow;
import io.srlm.tables.PromptRow;
import io.srlm.tables.ResponseRow;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one iteration produced, counted from its rows.
 *
 * @param iteration the iteration
 * @param promptsAccepted prompts with status accepted
 * @param promptsRejected prompts with any other status
 * @param rejectedByReason rejected prompts per reject_reason ("unknown" when null), sorted by reason
 * @param responses response rows
 * @param responsesTruncated responses with finish_reason = length
 * @param judgements judgement rows
 * @param judgementsParsed judgements with parse_status = ok
 * @param responsesScored distinct judged responses with a mean score
 * @param responsesJudged distinct judged responses
 * @param meanScore mean over scored responses of their mean score, NaN when none
 * @param pairs preference pairs
 * @param meanMargin mean pair margin, NaN when no pairs
 */
public record IterationSummary(int iteration, long promptsAccepted, long promptsRejected,
    Map<String, Long> rejectedByReason, long responses, long responsesTruncated, long judgements,
    long judgementsParsed, long responsesScored, long responsesJudged, double meanScore, long pairs,
    double meanMargin) {

  public IterationSummary {
    rejectedByReason = Collections.unmodifiableMap(new TreeMap<>(rejectedByReason));
  }

  /** judgementsParsed / judgements, NaN when there are none. */
  public double parseRate() {
    return judgements == 0 ? Double.NaN : (double) judgementsParsed / judgements;
  }

  /** One summary per loop iteration of {@code data} ({@link ReportData#loopIterations()}), ascending. */
  public static List<IterationSummary> of(ReportData data) {
    List<IterationSummary> out = new ArrayList<>();
    for (int it : data.loopIterations()) {
      out.add(of(data, it));
    }
    return out;
  }

  static IterationSummary of(ReportData data, int it) {
    long accepted = 0;
    long rejected = 0;
    Map<String, Long> reasons = new TreeMap<>();
    for (PromptRow p : data.prompts()) {
      if (p.iteration() != it) {
        continue;
      }
      if ("accepted".equals(p.status())) {
        accepted++;
      } else {
        rejected++;
        reasons.merge(p.rejectReason() == null ? "unknown" : p.rejectReason(), 1L, Long::sum);
      }
    }
    long responses = 0;
    long truncated = 0;
    for (ResponseRow r : data.responses()) {
      if (r.iteration() == it) {
        responses++;
        if ("length".equals(r.finishReason())) {
          truncated++;
        }
      }
    }
    long judgements = 0;
    long parsed = 0;
    for (JudgementRow j : data.judgements()) {
      if (j.iteration() == it) {
        judgements++;
        if ("ok".equals(j.parseStatus())) {
          parsed++;
        }
      }
    }
    Map<String, Double> means = responseMeans(data.judgements(), it);
    List<Double> scored = means.values().stream().filter(v -> v != null).toList();
    List<Double> margins = data.pairs().stream().filter(p -> p.iteration() == it).map(PairRow::margin).toList();
    return new IterationSummary(it, accepted, rejected, reasons, responses, truncated, judgements, parsed,
        scored.size(), means.size(), Stats.mean(scored), margins.size(), Stats.mean(margins));
  }

  /**
   * Each judged response of iteration {@code it} to its mean score (the first non-null mean_score of its k
   * judgement rows, which all carry the same value), or to null when none of its judgements parsed.
   */
  static Map<String, Double> responseMeans(List<JudgementRow> judgements, int it) {
    Map<String, Double> out = new LinkedHashMap<>();
    for (JudgementRow j : judgements) {
      if (j.iteration() != it) {
        continue;
      }
      Double prev = out.get(j.responseId());
      if (prev == null) {
        out.put(j.responseId(), j.meanScore());
      }
    }
    return out;
  }
}

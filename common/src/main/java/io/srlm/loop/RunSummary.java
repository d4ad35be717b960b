package io.srlm.loop;

import io.srlm.pipeline.RunContext;
import io.srlm.tables.Catalogue;
import io.srlm.tables.EvaluationRow;
import io.srlm.tables.ModelRow;
import io.srlm.tables.TableStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/**
 * The per-iteration summary the loop prints at the end, computed from the run's tables: counts, the judge's parse
 * rate and score distribution, pairs and margins, DPO metrics, evaluations, and model paths.
 */
public record RunSummary(String runId, List<Line> lines) {

  /** One iteration's figures (null where the table has nothing yet). */
  public record Line(int iteration, String model, String stage, Long promptsAccepted, Long promptsTotal,
      Long responses, Long judgements, Double parseRate, Map<Integer, Long> scoreHistogram, Long pairs,
      Double meanMargin, Double dpoLoss, Double dpoRewardAccuracy, Map<String, Double> evaluations, String path) {}

  public static RunSummary of(RunContext ctx) {
    TableStore t = ctx.tables();
    String run = ctx.runId();
    Map<Integer, long[]> prompts = new TreeMap<>();
    for (Row r : t.read(Catalogue.PROMPTS).where(TableStore.runIs(run)).groupBy("iteration")
        .agg(functions.sum(functions.when(functions.col("status").equalTo("accepted"), 1).otherwise(0)),
            functions.count("*")).collectAsList()) {
      prompts.put(r.getInt(0), new long[] {r.getLong(1), r.getLong(2)});
    }
    Map<Integer, Long> responses = counts(t.read(Catalogue.RESPONSES).where(TableStore.runIs(run)));
    Map<Integer, double[]> judge = new TreeMap<>();
    for (Row r : t.read(Catalogue.JUDGEMENTS).where(TableStore.runIs(run)).groupBy("iteration")
        .agg(functions.count("*"), functions.count("score")).collectAsList()) {
      judge.put(r.getInt(0), new double[] {r.getLong(1), r.getLong(2)});
    }
    Map<Integer, Map<Integer, Long>> hist = new TreeMap<>();
    for (Row r : t.read(Catalogue.JUDGEMENTS).where(TableStore.runIs(run).and(functions.col("mean_score")
        .isNotNull())).select("iteration", "response_id", "mean_score").distinct()
        .groupBy(functions.col("iteration"), functions.round(functions.col("mean_score")).cast("int").as("b"))
        .count().collectAsList()) {
      hist.computeIfAbsent(r.getInt(0), k -> new TreeMap<>()).put(r.getInt(1), r.getLong(2));
    }
    Map<Integer, double[]> pairs = new TreeMap<>();
    for (Row r : t.read(Catalogue.PREFERENCE_PAIRS).where(TableStore.runIs(run)).groupBy("iteration")
        .agg(functions.count("*"), functions.avg("margin")).collectAsList()) {
      pairs.put(r.getInt(0), new double[] {r.getLong(1), r.getDouble(2)});
    }
    Map<Integer, Map<String, Double>> dpo = new TreeMap<>();
    Dataset<Row> m = t.read(Catalogue.TRAINING_METRICS).where(TableStore.runIs(run)
        .and(functions.col("split").equalTo("train")));
    for (Row r : m.groupBy("iteration", "stage", "metric").agg(functions.max("step").as("s"))
        .join(m, new String[] {"iteration", "stage", "metric"}).where(functions.col("step").equalTo(
            functions.col("s"))).select("iteration", "metric", "value").collectAsList()) {
      dpo.computeIfAbsent(r.getInt(0), k -> new LinkedHashMap<>()).put(r.getString(1), r.getDouble(2));
    }
    Map<Integer, Map<String, Double>> evals = new TreeMap<>();
    for (EvaluationRow e : t.collect(Catalogue.EVALUATIONS, TableStore.runIs(run))) {
      evals.computeIfAbsent(e.iteration(), k -> new TreeMap<>()).put(e.evaluation() + "." + e.metric(), e.value());
    }
    List<ModelRow> models = t.collect(Catalogue.MODELS, TableStore.runIs(run));
    models.sort((a, b) -> a.name().compareTo(b.name()));
    List<Line> lines = new ArrayList<>();
    for (ModelRow mr : models) {
      if (mr.stage().equals("base")) {
        continue;
      }
      int it = mr.iteration();
      long[] p = prompts.get(it);
      double[] j = judge.get(it);
      double[] pr = pairs.get(it);
      Map<String, Double> d = dpo.getOrDefault(it, Map.of());
      lines.add(new Line(it, mr.name(), mr.stage(), p == null ? null : p[0], p == null ? null : p[1],
          responses.get(it), j == null ? null : (long) j[0], j == null || j[0] == 0 ? null : j[1] / j[0],
          hist.getOrDefault(it, Map.of()), pr == null ? null : (long) pr[0], pr == null ? null : pr[1],
          d.get("loss"), d.get("reward_accuracy"), evals.getOrDefault(it, Map.of()),
          mr.path()));
    }
    return new RunSummary(run, lines);
  }

  private static Map<Integer, Long> counts(Dataset<Row> df) {
    Map<Integer, Long> out = new TreeMap<>();
    for (Row r : df.groupBy("iteration").count().collectAsList()) {
      out.put(r.getInt(0), r.getLong(1));
    }
    return out;
  }

  /** A fixed-width text table. */
  public String render() {
    StringBuilder sb = new StringBuilder();
    sb.append("Run ").append(runId).append('\n');
    sb.append(String.format(Locale.ROOT, "%-4s %-5s %-16s %-10s %-9s %-11s %-6s %-23s %-6s %-6s %-8s %-8s%n", "it",
        "model", "stage", "prompts", "responses", "judgements", "parse", "scores 0|1|2|3|4|5", "pairs", "margin",
        "loss", "rew.acc"));
    for (Line l : lines) {
      StringBuilder h = new StringBuilder();
      for (int b = 0; b <= 5; b++) {
        h.append(b == 0 ? "" : "|").append(l.scoreHistogram().getOrDefault(b, 0L));
      }
      sb.append(String.format(Locale.ROOT, "%-4d %-5s %-16s %-10s %-9s %-11s %-6s %-23s %-6s %-6s %-8s %-8s%n",
          l.iteration(), l.model(), l.stage(),
          l.promptsTotal() == null ? "-" : l.promptsAccepted() + "/" + l.promptsTotal(), n(l.responses()),
          n(l.judgements()), l.parseRate() == null ? "-" : String.format(Locale.ROOT, "%.1f%%", 100 * l.parseRate()),
          l.scoreHistogram().isEmpty() ? "-" : h.toString(), n(l.pairs()), f(l.meanMargin()), f(l.dpoLoss()),
          f(l.dpoRewardAccuracy())));
    }
    boolean anyEval = lines.stream().anyMatch(l -> !l.evaluations().isEmpty());
    if (anyEval) {
      sb.append("\nEvaluations (model after each stage):\n");
      for (Line l : lines) {
        if (!l.evaluations().isEmpty()) {
          sb.append(String.format(Locale.ROOT, "  %-4s", l.model()));
          l.evaluations().forEach((k, v) -> sb.append(String.format(Locale.ROOT, " %s=%.3f", k, v)));
          sb.append('\n');
        }
      }
    }
    sb.append("\nModels:\n");
    for (Line l : lines) {
      sb.append("  ").append(l.model()).append("  ").append(l.path()).append('\n');
    }
    return sb.toString();
  }

  private static String n(Long v) {
    return v == null ? "-" : Long.toString(v);
  }

  private static String f(Double v) {
    return v == null || v.isNaN() ? "-" : String.format(Locale.ROOT, "%.3f", v);
  }
}

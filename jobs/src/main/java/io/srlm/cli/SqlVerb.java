package io.srlm.cli;

import io.srlm.pipeline.RunContext;
import io.srlm.tables.Catalogue;
import io.srlm.tables.TableDef;
import io.srlm.util.Json;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "sql", mixinStandardHelpOptions = true,
    description = {"Run Spark SQL over the tables, registered as temporary views by their catalogue names "
        + "(prompts, responses, judgements, preference_pairs, runs, ...).",
        "Example: srlm sql -p local \"SELECT iteration, avg(mean_score) FROM judgements GROUP BY iteration\""})
final class SqlVerb extends SparkVerb {
  @Parameters(index = "0", paramLabel = "QUERY", description = "The SQL query")
  String query;

  @Option(names = "--json", description = "Print JSON lines instead of a table")
  boolean json;

  @Option(names = "--limit", defaultValue = "100", description = "Rows to print (default ${DEFAULT-VALUE})")
  int limit;

  @Override
  Boolean inspectRequiresRun() {
    return false;
  }

  @Override
  int run(RunContext ctx) {
    List<String> views = registerViews(ctx, query);
    try {
      return query(ctx);
    } finally {
      // The views shadow metastore tables of the same names (DESCRIBE HISTORY needs a table): drop them, so a
      // session that outlives the verb (a notebook, a test) sees the tables again.
      views.forEach(ctx.spark().catalog()::dropTempView);
    }
  }

  private int query(RunContext ctx) {
    // With --run-id, the named marker :run_id is bound (as in the notebooks): WHERE run_id = :run_id.
    String q = absoluteDeltaPaths(query);
    Dataset<Row> df = ctx.runId().isEmpty() || !q.contains(":run_id") ? ctx.spark().sql(q)
        : ctx.spark().sql(q, Map.of("run_id", (Object) ctx.runId()));
    if (json) {
      for (Row r : df.limit(limit).collectAsList()) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < r.length(); i++) {
          Object v = r.get(i);
          if (v instanceof scala.collection.Seq<?> s) {
            v = scala.collection.JavaConverters.seqAsJavaList(s);
          } else if (v instanceof scala.collection.Map<?, ?> sm) {
            v = scala.collection.JavaConverters.mapAsJavaMap(sm);
          }
          m.put(df.columns()[i], v);
        }
        System.out.println(Json.write(m));
      }
    } else {
      System.out.print(df.showString(limit, 60, false));
    }
    return 0;
  }

  private static final Pattern DELTA_PATH = Pattern.compile("(?i)\\bdelta\\.`([^`]+)`");

  /**
   * Delta's catalog takes {@code delta.`path`} as a table only when the path is absolute (a relative one fails with
   * UNSUPPORTED_DATASOURCE_FOR_DIRECT_QUERY), so relative local paths are made absolute against the working
   * folder, as a shell user means them. Paths with a scheme (s3a://, dbfs:/, file:) are left as written.
   */
  static String absoluteDeltaPaths(String sql) {
    Matcher m = DELTA_PATH.matcher(sql);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String path = m.group(1);
      String abs = path.contains(":") || path.startsWith("/") ? path
          : Path.of(path).toAbsolutePath().normalize().toString();
      m.appendReplacement(out, Matcher.quoteReplacement("delta.`" + abs + "`"));
    }
    m.appendTail(out);
    return out.toString();
  }

  /**
   * The catalogue tables the query names, each as a temporary view of its current version. A table whose name is
   * not a word of the query cannot be referenced by it, and loading its Delta snapshot would cost a Spark job for
   * nothing (a second per table on 2 cores), so only the named ones are registered; a name that appears only in a
   * string literal or a comment registers a view that goes unused.
   */
  static List<String> registerViews(RunContext ctx, String query) {
    List<String> names = new java.util.ArrayList<>();
    for (TableDef<?> d : named(query)) {
      ctx.tables().read(d).createOrReplaceTempView(d.name());
      names.add(d.name());
    }
    return names;
  }

  /** The catalogue tables whose names are words of {@code query} (bare or in backticks, not qualified). */
  static List<TableDef<?>> named(String query) {
    return Catalogue.ALL.stream().filter(d -> Pattern.compile("(?i)(?<![\\w`.])`?" + Pattern.quote(d.name())
        + "`?(?![\\w`])").matcher(query).find()).toList();
  }
}

package io.srlm.cli;

import io.srlm.config.SrlmConfig;
import io.srlm.errors.Errors;
import io.srlm.pipeline.RunContext;
import io.srlm.spark.SparkSessions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Mixin;

/**
 * Base of the verbs that need Spark and a run: builds the session and the run context, runs, stops Spark when it
 * started it (a session the JVM already had, e.g. an in-process caller's, is used and left running).
 */
abstract class SparkVerb implements Callable<Integer> {
  /**
   * Keys a profile leaves to the user, with how to set them; a verb that writes fails before starting Spark,
   * naming them, while they are empty. conf/profiles/NAME.conf lists them in its comments too.
   */
  static final Map<String, Map<String, String>> REQUIRED_BY_PROFILE = Map.of(DatabricksJob.PROFILE,
      Map.of("model.base", "the job parameter model (bundle run --params model=...), or --set model.base=..."));

  @Mixin
  ConfigOptions options;

  /** Whether the run must already exist (step verbs) or may be created (seed, loop). */
  boolean requireExistingRun() {
    return true;
  }

  boolean force() {
    return false;
  }

  /**
   * Read-only verbs (sql, tables, report) inspect the tables without recording or comparing a run config, so
   * they work with any profile that points at the same storage, and get a local master when none is configured.
   * null: the verb registers a run.
   */
  Boolean inspectRequiresRun() {
    return null;
  }

  abstract int run(RunContext ctx) throws Exception;

  @Override
  public Integer call() throws Exception {
    SrlmConfig cfg = options.load();
    Boolean inspect = inspectRequiresRun();
    if (inspect == null) {
      checkRequired(cfg);
    }
    boolean readOnly = inspect != null;
    boolean callers = SparkSessions.running(); // in-process caller's session: used, never stopped
    SparkSession spark = SparkSessions.create(cfg, readOnly);
    try {
      RunContext ctx = readOnly ? RunContext.inspect(spark, cfg, inspect)
          : RunContext.open(spark, cfg, requireExistingRun(), force());
      return run(ctx);
    } finally {
      if (!callers && (!cfg.spark().master().isEmpty() || SparkSessions.usesLocalMaster(cfg, readOnly))) {
        spark.stop();
      }
    }
  }

  /** Fails naming the keys the chosen profiles require and the config leaves empty. */
  void checkRequired(SrlmConfig cfg) {
    for (String profile : cfg.resolved().profiles()) {
      Map<String, String> required = REQUIRED_BY_PROFILE.getOrDefault(profile, Map.of());
      List<String> empty = new ArrayList<>();
      List<String> how = new ArrayList<>();
      for (Map.Entry<String, String> e : required.entrySet()) {
        String value = cfg.resolved().flat().getOrDefault(e.getKey(), "").replace("\"", "");
        if (value.isBlank()) {
          empty.add(e.getKey());
          how.add(e.getKey() + ": " + e.getValue());
        }
      }
      if (!empty.isEmpty()) {
        throw Errors.configRequiredByProfile(profile, empty, "set " + String.join("; ", how));
      }
    }
  }
}

package io.srlm.cli;

import io.srlm.config.SrlmConfig;
import io.srlm.pipeline.RunContext;
import io.srlm.spark.SparkSessions;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Mixin;

/** Base of the verbs that need Spark and a run: builds the session and the run context, runs, stops Spark. */
abstract class SparkVerb implements Callable<Integer> {
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
   * they work with any profile that points at the same storage. null: the verb registers a run.
   */
  Boolean inspectRequiresRun() {
    return null;
  }

  abstract int run(RunContext ctx) throws Exception;

  @Override
  public Integer call() throws Exception {
    SrlmConfig cfg = options.load();
    SparkSession spark = SparkSessions.create(cfg);
    try {
      Boolean inspect = inspectRequiresRun();
      RunContext ctx = inspect != null ? RunContext.inspect(spark, cfg, inspect)
          : RunContext.open(spark, cfg, requireExistingRun(), force());
      return run(ctx);
    } finally {
      if (!cfg.spark().master().isEmpty()) {
        spark.stop();
      }
    }
  }
}

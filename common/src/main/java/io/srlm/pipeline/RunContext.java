package io.srlm.pipeline;

import io.srlm.config.ConfigLoader;
import io.srlm.config.SrlmConfig;
import io.srlm.errors.Errors;
import io.srlm.spark.SparkSessions;
import io.srlm.tables.Catalogue;
import io.srlm.tables.RunConfig;
import io.srlm.tables.TableStore;
import io.srlm.util.Json;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;

/**
 * The run a step belongs to: the session, the tables, the run's config, id and seed, the ledger, and its
 * {@link ModelStore} (where its models live). Opening a context registers the run's config in run_config, or
 * checks that a resumed run uses the same config (a changed config is refused, listing the differing keys, unless
 * forced).
 */
public final class RunContext {
  private final SparkSession spark;
  private final TableStore tables;
  private final SrlmConfig config;
  private final String runId;
  private final RunLedger ledger;
  private final ModelStore models;

  private RunContext(SparkSession spark, TableStore tables, SrlmConfig config, String runId) {
    this.spark = spark;
    this.tables = tables;
    this.config = config;
    this.runId = runId;
    this.ledger = new RunLedger(tables, runId, config.resolved().hash());
    this.models = new ModelStore(config.storage(), config.engine(), runId,
        spark.sparkContext().hadoopConfiguration());
  }

  /**
   * @param requireExisting step jobs run inside an existing run: its run_config must exist
   * @param force accept a changed config for an existing run
   */
  public static RunContext open(SparkSession spark, SrlmConfig cfg, boolean requireExisting, boolean force) {
    String runId = cfg.run().id().isEmpty()
        ? "run-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))
        : cfg.run().id();
    // storage.s3 also reaches a session made elsewhere (a Databricks notebook, a test): the builder's
    // spark.hadoop.* settings apply only when the session is created.
    applyS3(spark, cfg);
    TableStore tables = new TableStore(spark, cfg.storage());
    RunContext ctx = new RunContext(spark, tables, cfg, runId);
    ctx.registerConfig(requireExisting, force);
    return ctx;
  }

  /** storage.s3 into the session's Hadoop configuration, srlm's defaults only where it sets nothing itself. */
  private static void applyS3(SparkSession spark, SrlmConfig cfg) {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    SparkSessions.hadoopS3(cfg.storage(), conf).forEach(conf::set);
  }

  /**
   * A context for reading a run's tables (sql, tables, report): no run_config is written or compared, so any
   * profile or override that points at the same storage can inspect a run. {@code requireRun}: the run id must
   * name a run that exists.
   */
  public static RunContext inspect(SparkSession spark, SrlmConfig cfg, boolean requireRun) {
    applyS3(spark, cfg);
    TableStore tables = new TableStore(spark, cfg.storage());
    String runId = cfg.run().id();
    if (requireRun && (runId.isEmpty()
        || tables.collect(Catalogue.RUN_CONFIG, TableStore.runIs(runId)).isEmpty())) {
      throw Errors.runState("Run '" + runId + "' does not exist in " + tables.root(),
          "pass the --run-id of an existing run (srlm sql \"SELECT DISTINCT run_id FROM run_config\" lists them) "
              + "and the same storage.table_root", "run_id", runId);
    }
    return new RunContext(spark, tables, cfg, runId);
  }

  private void registerConfig(boolean requireExisting, boolean force) {
    List<RunConfig> existing = tables.collect(Catalogue.RUN_CONFIG, TableStore.runIs(runId));
    String json = Json.write(config.resolved().flat());
    if (existing.isEmpty()) {
      if (requireExisting) {
        throw Errors.runState("Run '" + runId + "' does not exist in " + tables.root(),
            "start it with 'srlm loop' or 'srlm seed' first, or check --run-id and storage.table_root", "run_id",
            runId);
      }
      tables.replace(Catalogue.RUN_CONFIG, List.of(new RunConfig(runId, config.resolved().hash(), json,
          System.currentTimeMillis())), TableStore.runOnly(runId));
      return;
    }
    RunConfig prev = existing.get(0);
    if (prev.configHash().equals(config.resolved().hash())) {
      return;
    }
    Map<String, String> before = readFlat(prev.configJson());
    List<String> diff = ConfigLoader.diff(before, config.resolved().flat());
    if (!force) {
      throw Errors.runState("Run '" + runId + "' was started with a different config; differing keys: "
          + String.join("; ", diff), "resume with the original settings, use a new --run-id, or pass --force to "
          + "continue with the new config", "run_id", runId);
    }
    tables.replace(Catalogue.RUN_CONFIG, List.of(new RunConfig(runId, config.resolved().hash(), json,
        System.currentTimeMillis())), TableStore.runOnly(runId));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, String> readFlat(String json) {
    try {
      return Json.MAPPER.readValue(json, Map.class);
    } catch (java.io.IOException e) {
      throw Errors.internal("run_config.config_json is not JSON", e);
    }
  }

  public SparkSession spark() {
    return spark;
  }

  public TableStore tables() {
    return tables;
  }

  public SrlmConfig config() {
    return config;
  }

  public String runId() {
    return runId;
  }

  public RunLedger ledger() {
    return ledger;
  }

  public long seed() {
    return config.run().seed();
  }

  /** Where the run's models live (publish, local copies, executor specs). */
  public ModelStore models() {
    return models;
  }
}

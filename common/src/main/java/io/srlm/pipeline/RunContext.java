package io.srlm.pipeline;

import io.srlm.config.ConfigLoader;
import io.srlm.config.SrlmConfig;
import io.srlm.errors.Errors;
import io.srlm.model.EngineOptions;
import io.srlm.model.io.ModelLocation;
import io.srlm.spark.ModelSpec;
import io.srlm.spark.SparkSessions;
import io.srlm.tables.Catalogue;
import io.srlm.tables.Roots;
import io.srlm.tables.RunConfig;
import io.srlm.tables.TableStore;
import io.srlm.util.Json;
import io.srlm.util.Locations;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;

/**
 * Everything a step needs about its run: the session, the tables, the run's config and id, the ledger, and where
 * models live. Opening a context registers the run's config in run_config, or checks that a resumed run uses the
 * same config (a changed config is refused, listing the differing keys, unless forced).
 */
public final class RunContext {
  private final SparkSession spark;
  private final TableStore tables;
  private final SrlmConfig config;
  private final String runId;
  private final RunLedger ledger;

  private RunContext(SparkSession spark, TableStore tables, SrlmConfig config, String runId) {
    this.spark = spark;
    this.tables = tables;
    this.config = config;
    this.runId = runId;
    this.ledger = new RunLedger(tables, runId, config.resolved().hash());
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
    io.srlm.spark.SparkSessions.hadoopS3(cfg.storage()).forEach(spark.sparkContext().hadoopConfiguration()::set);
    TableStore tables = new TableStore(spark, cfg.storage());
    RunContext ctx = new RunContext(spark, tables, cfg, runId);
    ctx.registerConfig(requireExisting, force);
    return ctx;
  }

  /**
   * A context for reading a run's tables (sql, tables, report): no run_config is written or compared, so any
   * profile or override that points at the same storage can inspect a run. {@code requireRun}: the run id must
   * name a run that exists.
   */
  public static RunContext inspect(SparkSession spark, SrlmConfig cfg, boolean requireRun) {
    io.srlm.spark.SparkSessions.hadoopS3(cfg.storage()).forEach(spark.sparkContext().hadoopConfiguration()::set);
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

  /** The run's model location for a model name (M0, M1, ...), under storage.model_root. */
  public String modelLocation(String name) {
    return Roots.under(modelRoot(), runId, name);
  }

  /** Where a stage's training checkpoints go (local disk when the model root is remote). */
  public Path checkpointDir(String stageId) {
    String root = modelRoot();
    if (isRemote(root)) {
      return cacheDir().resolve("checkpoints").resolve(runId).resolve(stageId);
    }
    return Path.of(Roots.under(root, runId, "checkpoints", stageId));
  }

  /** A local folder to write a model into before {@link #publish}. */
  public Path stagingDir(String name) {
    String loc = modelLocation(name);
    if (!isRemote(loc)) {
      return Path.of(loc + ".staging");
    }
    return cacheDir().resolve("staging").resolve(runId).resolve(name);
  }

  /**
   * Moves a finished model from its staging folder to its location (rename locally, upload remotely, with the
   * completion marker written last) and returns the location.
   */
  public String publish(Path staging, String name) {
    String loc = modelLocation(name);
    try {
      Files.writeString(staging.resolve(ModelLocation.COMPLETE_MARKER), runId + "\n");
      if (!isRemote(loc)) {
        Path target = Path.of(loc);
        io.srlm.util.FileTrees.delete(target);
        Files.createDirectories(target.getParent());
        Files.move(staging, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      } else {
        ModelLocation.upload(staging, loc, hadoop());
      }
    } catch (java.io.IOException e) {
      throw Errors.storageRoot("storage.model_root", modelRoot(), "cannot publish model " + name + " (" + e
          .getMessage() + ")", e);
    }
    return loc;
  }

  /** A local directory for any model location (remote ones are copied to the cache). */
  public Path localModel(String location) {
    return ModelLocation.resolve(location, cacheDir(), hadoop());
  }

  public boolean modelExists(String location) {
    try {
      if (!isRemote(location)) {
        return Files.isRegularFile(Path.of(location, ModelLocation.COMPLETE_MARKER));
      }
      org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(location, ModelLocation.COMPLETE_MARKER);
      return p.getFileSystem(hadoop()).exists(p);
    } catch (java.io.IOException e) {
      return false;
    }
  }

  public ModelSpec modelSpec(String location) {
    return new ModelSpec(location, EngineOptions.of(config.engine()), config.storage().cacheDir(),
        SparkSessions.hadoopS3(config.storage()));
  }

  public Configuration hadoop() {
    return spark.sparkContext().hadoopConfiguration();
  }

  public Path cacheDir() {
    return config.storage().cacheDir().isEmpty() ? Path.of(System.getProperty("java.io.tmpdir"), "srlm-cache")
        : Path.of(config.storage().cacheDir());
  }

  private String modelRoot() {
    String root = config.storage().modelRoot();
    return isRemote(root) ? root : Path.of(root).toAbsolutePath().normalize().toString();
  }

  static boolean isRemote(String loc) {
    return Locations.isRemote(loc);
  }
}

package io.srlm.pipeline;

import io.srlm.config.SrlmConfig;
import io.srlm.errors.Errors;
import io.srlm.model.EngineOptions;
import io.srlm.model.io.ModelLocation;
import io.srlm.spark.ModelSpec;
import io.srlm.spark.SparkSessions;
import io.srlm.tables.Roots;
import io.srlm.util.FileTrees;
import io.srlm.util.Locations;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.apache.hadoop.conf.Configuration;

/**
 * Where a run's models live: storage.model_root/RUN_ID/NAME (local or remote through Hadoop), the local folders a
 * model is written into before it is published (staging, training checkpoints), the local cache remote models are
 * copied into, and the {@link ModelSpec} executors load a model with. A published model carries a completion
 * marker written last, so a half-copied model never counts as existing.
 */
public final class ModelStore {
  private final SrlmConfig.Storage storage;
  private final SrlmConfig.Engine engine;
  private final String runId;
  private final Configuration hadoop;

  /** {@code hadoop}: the session's Hadoop configuration (storage.s3 already applied), used for remote roots. */
  public ModelStore(SrlmConfig.Storage storage, SrlmConfig.Engine engine, String runId, Configuration hadoop) {
    this.storage = storage;
    this.engine = engine;
    this.runId = runId;
    this.hadoop = hadoop;
  }

  /** The run's model location for a model name (M0, M1, ...), under storage.model_root. */
  public String modelLocation(String name) {
    return Roots.under(modelRoot(), runId, name);
  }

  /** Where a stage's training checkpoints go (local disk when the model root is remote). */
  public Path checkpointDir(String stageId) {
    String root = modelRoot();
    if (Locations.isRemote(root)) {
      return cacheDir().resolve("checkpoints").resolve(runId).resolve(stageId);
    }
    return Path.of(Roots.under(root, runId, "checkpoints", stageId));
  }

  /** A local folder to write a model into before {@link #publish}. */
  public Path stagingDir(String name) {
    String loc = modelLocation(name);
    if (!Locations.isRemote(loc)) {
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
      if (!Locations.isRemote(loc)) {
        Path target = Path.of(loc);
        FileTrees.delete(target);
        Files.createDirectories(target.getParent());
        Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
      } else {
        ModelLocation.upload(staging, loc, hadoop);
      }
    } catch (IOException e) {
      throw Errors.storageRoot("storage.model_root", modelRoot(), "cannot publish model " + name + " (" + e
          .getMessage() + ")", e);
    }
    return loc;
  }

  /** A local directory for any model location (remote ones are copied to the cache). */
  public Path localModel(String location) {
    return ModelLocation.resolve(location, cacheDir(), hadoop);
  }

  /** Whether a model was published at {@code location} (its completion marker exists). */
  public boolean modelExists(String location) {
    try {
      if (!Locations.isRemote(location)) {
        return Files.isRegularFile(Path.of(location, ModelLocation.COMPLETE_MARKER));
      }
      org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(location, ModelLocation.COMPLETE_MARKER);
      return p.getFileSystem(hadoop).exists(p);
    } catch (IOException e) {
      return false;
    }
  }

  /** The spec executors load {@code location} with, using the run's engine settings. */
  public ModelSpec modelSpec(String location) {
    return spec(location, engine, storage);
  }

  /** The spec executors load {@code location} with, using {@code engine} (e.g. a stage's own settings). */
  public static ModelSpec spec(String location, SrlmConfig.Engine engine, SrlmConfig.Storage storage) {
    return new ModelSpec(location, EngineOptions.of(engine), storage.cacheDir(), SparkSessions.hadoopS3(storage),
        SparkSessions.hadoopKeys(storage.s3Defaults()));
  }

  /** The session's Hadoop configuration, for reading and writing remote locations. */
  public Configuration hadoop() {
    return hadoop;
  }

  /** The local cache for copies of remote files (storage.cache_dir, else java.io.tmpdir/srlm-cache). */
  public Path cacheDir() {
    return Locations.cacheDir(storage.cacheDir());
  }

  /** storage.model_root, made absolute when it is a local path. */
  public String modelRoot() {
    String root = storage.modelRoot();
    return Locations.isRemote(root) ? root : Path.of(root).toAbsolutePath().normalize().toString();
  }
}

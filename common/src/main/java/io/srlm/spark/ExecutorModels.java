package io.srlm.spark;

import io.srlm.model.Devices;
import io.srlm.model.LanguageModel;
import io.srlm.model.RewardModel;
import io.srlm.model.io.ModelLocation;
import io.srlm.util.Locations;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.hadoop.conf.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One loaded model per executor JVM, spec and device: the pattern of DJL's Spark extension. Tasks call
 * {@link #get}; the first call in a JVM for a (spec, device) loads the model (copying a remote directory to the
 * local cache first), later calls reuse it for the JVM's lifetime. The device is the task's placement
 * ({@link Devices#placement}: with {@code engine.device = auto}, the GPU Spark assigned to the task mapped to a
 * CUDA ordinal), so two tasks of one executor that hold different GPUs never share a model on the wrong GPU.
 * This is the project's one welcome static: a cache keyed by an immutable spec and a device name. Models
 * are closed at JVM shutdown, or by {@link #evictAll} (tests, and the driver before training). Sequence-
 * classification reward models ({@link #reward}) are cached the same way, in their own map.
 */
public final class ExecutorModels {
  private static final Logger LOG = LoggerFactory.getLogger(ExecutorModels.class);
  private static final Map<Key, LanguageModel> MODELS = new ConcurrentHashMap<>();
  private static final Map<Key, RewardModel> REWARD_MODELS = new ConcurrentHashMap<>();
  private static final AtomicLong LOADS = new AtomicLong();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(ExecutorModels::evictAll, "srlm-model-cache-close"));
  }

  private ExecutorModels() {}

  /** A cache key: the spec and the device name the model was placed on ("cpu", "cuda:1"). */
  public record Key(ModelSpec spec, String device) {}

  /** The model of a spec on this task's device (loaded on first use in this JVM). */
  public static LanguageModel get(ModelSpec spec) {
    return get(spec, Devices.placement(spec.engine().device()));
  }

  static LanguageModel get(ModelSpec spec, Devices.Placement placement) {
    return MODELS.computeIfAbsent(new Key(spec, placement.name()), k -> load(k, placement));
  }

  /** The sequence-classification reward model of a spec (judge.reward_head = sequence_classification). */
  public static RewardModel reward(ModelSpec spec) {
    Devices.Placement placement = Devices.placement(spec.engine().device());
    return REWARD_MODELS.computeIfAbsent(new Key(spec, placement.name()), k -> {
      long t0 = System.nanoTime();
      RewardModel m = RewardModel.load(localDir(spec), spec.engine().onDevice(placement.name()));
      long n = LOADS.incrementAndGet();
      LOG.info("Executor reward model load #{} of {} on {}{} took {} ms", n, spec.location(), placement.name(),
          origin(placement), (System.nanoTime() - t0) / 1_000_000);
      return m;
    });
  }

  /** The keys of the models this JVM holds now (tests and the GPU check read the devices from them). */
  public static List<Key> cached() {
    return List.copyOf(MODELS.keySet());
  }

  /**
   * The executor's Hadoop settings: the cluster's own (spark.hadoop.* of the executor's SparkConf, e.g. S3A
   * credentials providers set by an admin) plus the spec's storage.s3 entries, srlm's defaults among them only
   * where the cluster sets nothing.
   */
  static Configuration hadoopConf(ModelSpec spec) {
    org.apache.spark.SparkEnv env = org.apache.spark.SparkEnv.get();
    Configuration conf = env == null ? new Configuration()
        : org.apache.spark.deploy.SparkHadoopUtil.get().newConfiguration(env.conf());
    SparkSessions.withoutClusterSet(spec.hadoop(), spec.hadoopDefaults(), conf).forEach(conf::set);
    return conf;
  }

  private static LanguageModel load(Key key, Devices.Placement placement) {
    long t0 = System.nanoTime();
    ModelSpec spec = key.spec();
    LanguageModel m = LanguageModel.load(localDir(spec), spec.engine().onDevice(placement.name()));
    long n = LOADS.incrementAndGet();
    LOG.info("Executor model load #{} of {} on {}{} took {} ms", n, spec.location(), placement.name(),
        origin(placement), (System.nanoTime() - t0) / 1_000_000);
    return m;
  }

  private static String origin(Devices.Placement p) {
    return p.sparkAddress() == null ? "" : " (Spark GPU address " + p.sparkAddress() + ")";
  }

  private static Path localDir(ModelSpec spec) {
    Configuration conf = hadoopConf(spec);
    return ModelLocation.resolve(spec.location(), Locations.cacheDir(spec.cacheDir()), conf);
  }

  /** Models loaded by this JVM since it started (the cluster test asserts at most one per spec). */
  public static long loads() {
    return LOADS.get();
  }

  /** Closes and forgets every cached model (frees native memory; the next get loads again). */
  public static synchronized void evictAll() {
    for (LanguageModel m : MODELS.values()) {
      try {
        m.close();
      } catch (RuntimeException e) {
        LOG.warn("closing cached model failed", e);
      }
    }
    MODELS.clear();
    for (RewardModel m : REWARD_MODELS.values()) {
      try {
        m.close();
      } catch (RuntimeException e) {
        LOG.warn("closing cached reward model failed", e);
      }
    }
    REWARD_MODELS.clear();
  }
}

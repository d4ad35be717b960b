package io.srlm.spark;

import io.srlm.config.SrlmConfig;
import io.srlm.errors.Errors;
import io.srlm.tables.AtomicLocalLogStore;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;

/**
 * Builds the SparkSession for an entry point (CLI verb or job main). Library code never creates sessions; it
 * receives one. Delta's extension, catalog and local log store ({@link #DELTA_CONF}) are always set; {@code spark.conf} passes through; {@code
 * storage.s3} becomes {@code spark.hadoop.fs.s3a.*}, srlm's own defaults only where the cluster sets nothing
 * ({@link #hadoopS3(SrlmConfig.Storage, Configuration)}).
 */
public final class SparkSessions {
  private static final String[] SECRET_KEYS = {"access.key", "secret.key", "session.token",
      "server-side-encryption.key", "encryption.key"};

  private SparkSessions() {}

  /**
   * What every srlm session sets for Delta (before {@code spark.conf}, which may override it): the SQL extension and
   * catalog, and {@link AtomicLocalLogStore} for {@code file:} tables, so that two drivers writing one local table
   * cannot both commit the same version (Delta's default local log store is atomic within one JVM only).
   */
  public static final Map<String, String> DELTA_CONF = Map.of(
      "spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension",
      "spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog",
      AtomicLocalLogStore.SPARK_KEY, AtomicLocalLogStore.class.getName());

  public static SparkSession create(SrlmConfig cfg) {
    return create(cfg, false);
  }

  /**
   * The master used when spark.master is empty and nothing else supplies one: spark-submit (and Databricks) set
   * the {@code spark.master} system property of the driver JVM; a plain {@code java} launch (bin/srlm) does not.
   */
  public static final String LOCAL_MASTER = "local[*]";

  /** Whether a session built for this config gets {@link #LOCAL_MASTER} when {@code localIfUnset}. */
  public static boolean usesLocalMaster(SrlmConfig cfg, boolean localIfUnset) {
    return localIfUnset && cfg.spark().master().isEmpty() && System.getProperty("spark.master") == null;
  }

  /**
   * The session; with {@code localIfUnset} (read-only verbs: tables, sql, report) a local master when none is
   * configured and the JVM was not started by spark-submit, so inspecting tables needs no cluster settings.
   */
  public static SparkSession create(SrlmConfig cfg, boolean localIfUnset) {
    SparkSession.Builder b = SparkSession.builder().appName(cfg.spark().appName());
    if (!cfg.spark().master().isEmpty()) {
      b.master(cfg.spark().master());
    } else if (usesLocalMaster(cfg, localIfUnset)) {
      b.master(LOCAL_MASTER);
      b.config("spark.ui.enabled", "false");
      // Sized to this machine, not a cluster (spark.conf still overrides): Delta rebuilds each table's snapshot in
      // 50 partitions and SQL shuffles into 200 by default, nearly all empty tasks here. `srlm tables` over a
      // finished demo run: 56 s with the defaults, 45 s this way (2 cores, 2026-12-04).
      String cores = Integer.toString(Runtime.getRuntime().availableProcessors());
      b.config("spark.databricks.delta.snapshotPartitions", cores);
      b.config("spark.sql.shuffle.partitions", cores);
    }
    DELTA_CONF.forEach((k, v) -> {
      if (System.getProperty(k) == null) { // spark-submit's --conf arrives as a system property: the user's wins
        b.config(k, v);
      }
    });
    for (Map.Entry<String, String> e : hadoopS3(cfg.storage(), launchHadoopConf()).entrySet()) {
      b.config("spark.hadoop." + e.getKey(), e.getValue());
    }
    for (Map.Entry<String, String> e : cfg.spark().conf().entrySet()) {
      b.config(e.getKey(), e.getValue());
    }
    return b.getOrCreate();
  }

  /**
   * storage.s3 entries as Hadoop keys. Credentials are refused: they come from the environment or the instance
   * profile (S3A's default provider chain), never from config files that end up in repos, logs or tables.
   */
  public static Map<String, String> hadoopS3(SrlmConfig.Storage storage) {
    Map<String, String> out = new java.util.TreeMap<>();
    for (Map.Entry<String, String> e : storage.s3().entrySet()) {
      String k = e.getKey();
      String lower = k.toLowerCase(Locale.ROOT);
      for (String s : SECRET_KEYS) {
        if (lower.endsWith(s)) {
          throw Errors.configBadValue("storage.s3." + k, "(config)",
              "must not hold credentials; use AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY in the environment, or the "
                  + "instance profile", "(redacted)");
        }
      }
      out.put(hadoopKey(k), e.getValue());
    }
    return out;
  }

  /**
   * The storage.s3 entries to apply over {@code cluster}, the Hadoop settings already in force (a session's Hadoop
   * configuration, or core-site.xml and spark-submit's {@code spark.hadoop.*}): an entry that is only srlm's
   * default ({@link SrlmConfig.Storage#s3Defaults()}) is left out when the cluster sets that key itself, so an
   * admin's S3A retry or timeout settings stay in force; a value set in srlm's config (a profile, --config, --set)
   * is always applied. Hadoop's built-in defaults (core-default.xml) do not count as the cluster's.
   */
  public static Map<String, String> hadoopS3(SrlmConfig.Storage storage, Configuration cluster) {
    return withoutClusterSet(hadoopS3(storage), hadoopKeys(storage.s3Defaults()), cluster);
  }

  /** {@code fs.s3a.}-prefixed forms of storage.s3 keys. */
  public static Set<String> hadoopKeys(Set<String> s3Keys) {
    Set<String> out = new TreeSet<>();
    for (String k : s3Keys) {
      out.add(hadoopKey(k));
    }
    return out;
  }

  /** The Hadoop key of a storage.s3 key (which may be written with or without the {@code fs.s3a.} prefix). */
  private static String hadoopKey(String s3Key) {
    return s3Key.startsWith("fs.s3a.") ? s3Key : "fs.s3a." + s3Key;
  }

  /** {@code settings} less the {@code defaults} keys that {@code cluster} sets from a source of its own. */
  public static Map<String, String> withoutClusterSet(Map<String, String> settings, Set<String> defaults,
      Configuration cluster) {
    Map<String, String> out = new TreeMap<>();
    settings.forEach((k, v) -> {
      if (!defaults.contains(k) || !clusterSets(cluster, k)) {
        out.put(k, v);
      }
    });
    return out;
  }

  private static boolean clusterSets(Configuration conf, String key) {
    if (conf.get(key) == null) {
      return false;
    }
    String[] sources = conf.getPropertySources(key);
    if (sources == null) {
      return true; // set programmatically without a recorded source
    }
    for (String src : sources) {
      if (!src.equals("core-default.xml")) {
        return true;
      }
    }
    return false;
  }

  /**
   * What a session about to be created here will start from: core-site.xml (HADOOP_CONF_DIR, the classpath) and
   * the {@code spark.hadoop.*} settings spark-submit passes as system properties (--conf, spark-defaults.conf).
   */
  static Configuration launchHadoopConf() {
    Configuration conf = new Configuration();
    for (String name : System.getProperties().stringPropertyNames()) {
      if (name.startsWith("spark.hadoop.")) {
        conf.set(name.substring("spark.hadoop.".length()), System.getProperty(name), "spark-submit " + name);
      }
    }
    return conf;
  }

  /**
   * Whether this JVM already has a running SparkSession: a caller's (a test, a notebook, an application running
   * {@code Srlm.run} in-process, Databricks' own). {@link #create} then returns it, and the entry point must leave it
   * running: only the entry point that created a session stops it. (A bare SparkContext without a session is not
   * seen here.)
   */
  public static boolean running() {
    return live(SparkSession.getActiveSession()) || live(SparkSession.getDefaultSession());
  }

  private static boolean live(scala.Option<SparkSession> session) {
    return session.isDefined() && !session.get().sparkContext().isStopped();
  }
}

package io.srlm.testing;

import io.srlm.util.FileTrees;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The one shared local Spark + Delta fixture: local[2] with up to 4 attempts per task (so injected task failures
 * are retried as on a cluster), 2 shuffle partitions, UI off, loopback only. One session per test JVM (Spark
 * allows one SparkContext per JVM), with its own warehouse folder; each test class keeps its tables under its own
 * @TempDir.
 */
public final class LocalSpark implements BeforeAllCallback {
  private static SparkSession session;

  @Override
  public void beforeAll(ExtensionContext context) {
    session();
  }

  public static synchronized SparkSession session() {
    if (session == null) {
      SparkSession.Builder b = SparkSession.builder().master("local[2,4]").appName("srlm-tests");
      io.srlm.spark.SparkSessions.DELTA_CONF.forEach(b::config);
      session = b
          .config("spark.sql.shuffle.partitions", "2")
          .config("spark.default.parallelism", "2")
          .config("spark.ui.enabled", "false")
          .config("spark.driver.host", "127.0.0.1")
          .config("spark.driver.bindAddress", "127.0.0.1")
          .config("spark.databricks.delta.snapshotPartitions", "2")
          .config("spark.sql.adaptive.enabled", "false")
          // Interpreted expressions, as the local profile: on test-sized rows, generating and compiling code for
          // every plan cost more than running it (the steps' tests ran 24% faster; docs/performance.md).
          .config("spark.sql.codegen.wholeStage", "false")
          .config("spark.sql.codegen.factoryMode", "NO_CODEGEN")
          .config("spark.sql.warehouse.dir", warehouse())
          .getOrCreate();
      session.sparkContext().setLogLevel("WARN");
    }
    return session;
  }

  /**
   * A warehouse folder of this JVM's own (surefire runs two test JVMs side by side in one module folder, where
   * Spark's default spark-warehouse would be shared), deleted when the JVM exits.
   */
  private static String warehouse() {
    try {
      Path dir = Files.createTempDirectory("srlm-test-warehouse");
      Runtime.getRuntime().addShutdownHook(new Thread(() -> FileTrees.delete(dir)));
      return dir.toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

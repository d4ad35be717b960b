package io.srlm.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.srlm.config.SrlmConfig;
import io.srlm.pipeline.ModelStore;
import io.srlm.testing.TestConf;
import java.nio.file.Path;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * srlm's own S3A retry and timeout defaults (conf/srlm.conf storage.s3) yield to the cluster's settings of the same
 * keys (core-site.xml, spark.hadoop.* of the session or the executor), and a value the user set in srlm's config
 * wins over both. Pure: no Spark session, no S3.
 */
class S3DefaultsTest {
  @TempDir
  Path dir;

  /** A cluster configuration with Hadoop's built-in defaults and two keys of its own. */
  private static Configuration cluster() {
    Configuration conf = new Configuration();
    conf.set("fs.s3a.attempts.maximum", "9", "core-site.xml");
    conf.set("fs.s3a.connection.timeout", "777", "core-site.xml");
    return conf;
  }

  @Test
  void theDefaultsFileKeysAreKnownAsDefaultsAndAnOverrideIsNot() {
    SrlmConfig cfg = TestConf.tiny(dir, "storage.s3.connection.timeout=12345", "storage.s3.endpoint=http://s3.local");
    assertThat(cfg.storage().s3()).containsEntry("attempts.maximum", "3").containsEntry("connection.timeout",
        "12345").containsEntry("endpoint", "http://s3.local");
    assertThat(cfg.storage().s3Defaults()).containsExactlyInAnyOrder("attempts.maximum", "retry.limit",
        "retry.interval", "connection.establish.timeout");
    // A stage's own settings keep the distinction.
    SrlmConfig staged = TestConf.tiny(dir, "storage.s3.retry.limit=5",
        "loop.stages=[sft, {type = self_reward_dpo, engine { threads = 3 }}]");
    assertThat(staged.loop().stages().get(1).settings().storage().s3Defaults()).contains("attempts.maximum")
        .doesNotContain("retry.limit");
  }

  @Test
  void theClusterKeepsItsOwnValuesOfDefaultKeysAndTheUsersValuesWin() {
    SrlmConfig cfg = TestConf.tiny(dir, "storage.s3.connection.timeout=12345");
    Map<String, String> applied = SparkSessions.hadoopS3(cfg.storage(), cluster());
    assertThat(applied)
        .doesNotContainKey("fs.s3a.attempts.maximum") // the cluster's 9 stays
        .containsEntry("fs.s3a.connection.timeout", "12345") // set in srlm's config: over the cluster's 777
        .containsEntry("fs.s3a.retry.limit", "3") // Hadoop's built-in default (7) is not the cluster's
        .containsEntry("fs.s3a.connection.establish.timeout", "5000");

    // The executors apply the same rule to their own configuration.
    ModelSpec spec = ModelStore.spec("s3a://bucket/models/M1", cfg.engine(), cfg.storage());
    Configuration executor = cluster();
    SparkSessions.withoutClusterSet(spec.hadoop(), spec.hadoopDefaults(), executor).forEach(executor::set);
    assertThat(executor.get("fs.s3a.attempts.maximum")).isEqualTo("9");
    assertThat(executor.get("fs.s3a.connection.timeout")).isEqualTo("12345");
    assertThat(executor.get("fs.s3a.retry.limit")).isEqualTo("3");
  }

  @Test
  void withNothingSetByTheClusterEverythingApplies() {
    SrlmConfig cfg = TestConf.tiny(dir);
    assertThat(SparkSessions.hadoopS3(cfg.storage(), new Configuration()))
        .isEqualTo(SparkSessions.hadoopS3(cfg.storage()))
        .containsEntry("fs.s3a.attempts.maximum", "3");
  }
}

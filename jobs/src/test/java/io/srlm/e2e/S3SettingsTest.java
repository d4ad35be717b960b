package io.srlm.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.srlm.config.SrlmConfig;
import io.srlm.errors.SrlmException;
import io.srlm.pipeline.RunContext;
import io.srlm.spark.SparkSessions;
import io.srlm.testing.LocalSpark;
import io.srlm.testing.TestConf;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * S3 settings that must hold before any object is written: srlm's S3A retry and timeout defaults turn an
 * unreachable endpoint into a prompt error naming the table root, and credentials in config are refused. A whole
 * run on S3 (tables, models, base model, resumed after interruptions, no secret in logs or tables) is
 * {@link LoopEndToEndTest#interruptedRunsResumeToTheSameTablesAndModel}.
 */
@ExtendWith(LocalSpark.class)
class S3SettingsTest {
  @TempDir
  static Path dir;

  static SrlmConfig config(String runId, String bucket, int endpointPort, String... extra) {
    List<String> sets = new ArrayList<>(List.of("run.id=" + runId, "loop.stages=[self_reward_dpo]",
        "storage.cache_dir=" + dir.resolve("cache-" + runId)));
    sets.addAll(S3Proxy.storageSets(bucket, endpointPort));
    sets.addAll(List.of(extra));
    return TestConf.loop(dir.resolve("local-" + runId), sets.toArray(new String[0]));
  }

  /**
   * An endpoint that refuses connections, with srlm's own retry and timeout defaults (conf/srlm.conf storage.s3:
   * the test sets only the endpoint and path style): the error names the table root within the bound. With
   * Hadoop's defaults instead (20 SDK attempts inside each of 7 S3A retries) it would wait for many minutes; the
   * timeout turns that into a failure.
   */
  @Test
  @Timeout(value = 150, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void anUnreachableEndpointFailsFastNamingTheTableRoot() throws Exception {
    SrlmConfig cfg = config("nowhere", "srlm-nowhere", 0);
    assertThat(SparkSessions.hadoopS3(cfg.storage())).as("srlm's S3A defaults")
        .containsEntry("fs.s3a.attempts.maximum", "3").containsEntry("fs.s3a.retry.limit", "3")
        .containsEntry("fs.s3a.connection.establish.timeout", "5000").containsEntry("fs.s3a.connection.timeout",
            "30000")
        .doesNotContainKeys("fs.s3a.bucket.srlm-nowhere.attempts.maximum", "fs.s3a.bucket.srlm-nowhere.retry.limit");
    int closed = closedPort();
    long t0 = System.nanoTime();
    assertThatThrownBy(() -> RunContext.open(LocalSpark.session(), config("nowhere", "srlm-nowhere", closed), false,
        false))
        .isInstanceOf(SrlmException.class)
        .hasMessageContaining("s3a://srlm-nowhere/tables");
    double seconds = (System.nanoTime() - t0) / 1e9;
    System.out.printf("S3SettingsTest: a refused endpoint failed after %.1f s with srlm's S3A defaults%n", seconds);
    assertThat(seconds).as("seconds until the error").isLessThan(120);
  }

  /** Refused before any S3 call: the endpoint is a closed port, so reaching it would fail differently. */
  @Test
  void credentialsInConfigAreRefused() throws Exception {
    int closed = closedPort();
    assertThatThrownBy(() -> RunContext.open(LocalSpark.session(),
        config("creds", "srlm-test", closed, "storage.s3.access.key=AKIAEXAMPLE"), false, false))
        .isInstanceOf(SrlmException.class)
        .hasMessageContaining("storage.s3.access.key")
        .hasMessageNotContaining("AKIAEXAMPLE");
  }

  private static int closedPort() throws java.io.IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}

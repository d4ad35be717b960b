package io.srlm.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.srlm.config.SrlmConfig;
import io.srlm.model.EngineOptions;
import io.srlm.model.io.ModelLocation;
import io.srlm.spark.ModelSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where a run's models go, local and remote roots, without Spark (the store needs only a Hadoop config). */
class ModelStoreTest {
  @TempDir Path tmp;

  private static final SrlmConfig.Engine ENGINE = new SrlmConfig.Engine("cpu", "f32", 2, 8);

  private ModelStore store(String modelRoot, String cacheDir) {
    SrlmConfig.Storage storage = new SrlmConfig.Storage(tmp.resolve("tables").toString(), modelRoot, "", cacheDir,
        Map.of("fs.s3a.endpoint", "http://minio:9000"));
    return new ModelStore(storage, ENGINE, "r1", new Configuration(false));
  }

  @Test
  void localRootKeepsStagingAndCheckpointsBesideTheModels() {
    ModelStore s = store(tmp.resolve("models") + "/", "");
    String root = tmp.resolve("models").toString();
    assertThat(s.modelLocation("M1")).isEqualTo(root + "/r1/M1");
    assertThat(s.stagingDir("M1")).isEqualTo(Path.of(root + "/r1/M1.staging"));
    assertThat(s.checkpointDir("iter1")).isEqualTo(Path.of(root, "r1", "checkpoints", "iter1"));
  }

  @Test
  void relativeLocalRootIsMadeAbsolute() {
    ModelStore s = store("rel/models", "");
    assertThat(Path.of(s.modelLocation("M0"))).isAbsolute()
        .isEqualTo(Path.of("rel/models/r1/M0").toAbsolutePath().normalize());
  }

  @Test
  void remoteRootStagesAndCheckpointsInTheLocalCache() {
    Path cache = tmp.resolve("cache");
    ModelStore s = store("s3a://bucket/models", cache.toString());
    assertThat(s.modelLocation("M2")).isEqualTo("s3a://bucket/models/r1/M2");
    assertThat(s.stagingDir("M2")).isEqualTo(cache.resolve("staging/r1/M2"));
    assertThat(s.checkpointDir("iter2")).isEqualTo(cache.resolve("checkpoints/r1/iter2"));
    assertThat(s.cacheDir()).isEqualTo(cache);
  }

  @Test
  void emptyCacheDirIsTheTmpDirDefault() {
    assertThat(store("s3a://b/m", "").cacheDir())
        .isEqualTo(Path.of(System.getProperty("java.io.tmpdir"), "srlm-cache"));
  }

  @Test
  void publishMovesStagingToTheLocationWithTheMarkerAndReplacesAnOldCopy() throws Exception {
    ModelStore s = store(tmp.resolve("models").toString(), "");
    String loc = s.modelLocation("M1");
    assertThat(s.modelExists(loc)).isFalse();
    Files.createDirectories(Path.of(loc));
    Files.writeString(Path.of(loc, "stale.txt"), "old");
    Path staging = s.stagingDir("M1");
    Files.createDirectories(staging);
    Files.writeString(staging.resolve("config.json"), "{}");

    assertThat(s.publish(staging, "M1")).isEqualTo(loc);

    assertThat(staging).doesNotExist();
    assertThat(Path.of(loc, "config.json")).hasContent("{}");
    assertThat(Path.of(loc, "stale.txt")).doesNotExist();
    assertThat(Files.readString(Path.of(loc, ModelLocation.COMPLETE_MARKER))).isEqualTo("r1\n");
    assertThat(s.modelExists(loc)).isTrue();
    assertThat(s.modelExists(s.modelLocation("M2"))).isFalse();
    assertThat(s.localModel(loc)).isEqualTo(Path.of(loc));
  }

  @Test
  void remotePublishUploadsFromTheCacheAndTheMarkerIsSeenThroughHadoop() throws Exception {
    Path cache = tmp.resolve("cache");
    ModelStore s = store("file:" + tmp.resolve("remote"), cache.toString());
    String loc = s.modelLocation("M1");
    assertThat(s.modelExists(loc)).isFalse();
    Path staging = s.stagingDir("M1");
    assertThat(staging).isEqualTo(cache.resolve("staging/r1/M1"));
    Files.createDirectories(staging);
    Files.writeString(staging.resolve("config.json"), "{}");

    assertThat(s.publish(staging, "M1")).isEqualTo(loc);

    assertThat(tmp.resolve("remote/r1/M1/config.json")).hasContent("{}");
    assertThat(s.modelExists(loc)).isTrue();
    assertThat(s.modelExists(s.modelLocation("M2"))).isFalse();
  }

  @Test
  void modelSpecCarriesTheEngineTheCacheAndTheS3Settings() {
    ModelSpec spec = store("s3a://b/m", "/c").modelSpec("s3a://b/m/r1/M1");
    assertThat(spec.location()).isEqualTo("s3a://b/m/r1/M1");
    assertThat(spec.engine()).isEqualTo(EngineOptions.of(ENGINE));
    assertThat(spec.cacheDir()).isEqualTo("/c");
    assertThat(spec.hadoop()).containsEntry("fs.s3a.endpoint", "http://minio:9000");
  }
}

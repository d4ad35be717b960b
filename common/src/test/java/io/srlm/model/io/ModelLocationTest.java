package io.srlm.model.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.srlm.errors.ErrorCode;
import io.srlm.errors.SrlmException;
import io.srlm.util.StableIds;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Copies through the Hadoop local file system ({@code file:} URIs); object stores are tested elsewhere. */
class ModelLocationTest {
  @TempDir Path tmp;

  private final Configuration conf = new Configuration(false);

  private Path model(String name) throws Exception {
    Path m = tmp.resolve(name);
    Files.createDirectories(m.resolve("sub"));
    Files.writeString(m.resolve("config.json"), "{\"model_type\": \"llama\"}");
    Files.writeString(m.resolve("tokenizer.json"), "{}");
    Files.write(m.resolve("sub/blob.bin"), new byte[] {1, 2, 3});
    return m;
  }

  private static List<String> names(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void localPathsAndFileUrisResolveInPlace() throws Exception {
    Path m = model("m");
    Path cache = tmp.resolve("cache");
    assertThat(ModelLocation.resolve(m.toString(), cache, conf)).isEqualTo(m);
    assertThat(ModelLocation.resolve(m.toUri().toString(), cache, conf)).isEqualTo(m);
    assertThat(ModelLocation.resolve("file:" + m, cache, conf)).isEqualTo(m);
    assertThat(cache).doesNotExist();
  }

  @Test
  void fetchCopiesOnceIntoTheCacheWithACompletionMarker() throws Exception {
    Path m = model("remote");
    Path cache = tmp.resolve("cache");
    String uri = "file:" + m;
    Path local = ModelLocation.fetch(uri, cache, conf);
    assertThat(local.getParent()).isEqualTo(cache);
    assertThat(local.getFileName().toString()).isEqualTo(StableIds.sha256Hex("file:" + m));
    assertThat(names(local)).containsExactly(".srlm-complete", "config.json", "sub", "tokenizer.json");
    assertThat(Files.readAllBytes(local.resolve("sub/blob.bin"))).containsExactly(1, 2, 3);
    assertThat(names(cache)).containsExactly(local.getFileName().toString()); // no temporary folders left
    // a complete copy is reused, not copied again
    Files.writeString(m.resolve("tokenizer.json"), "{\"changed\": true}");
    assertThat(ModelLocation.fetch(uri + "/", cache, conf)).isEqualTo(local);
    assertThat(Files.readString(local.resolve("tokenizer.json"))).isEqualTo("{}");
  }

  @Test
  void anInterruptedCopyIsNeverUsed() throws Exception {
    Path m = model("remote");
    Path cache = tmp.resolve("cache");
    String uri = "file:" + m;
    Path target = cache.resolve(StableIds.sha256Hex(uri));
    // what a crash mid-copy could leave: a partial directory without the marker, and a temporary folder
    Files.createDirectories(target);
    Files.writeString(target.resolve("config.json"), "{}");
    Files.createDirectories(cache.resolve(target.getFileName() + ".tmp-dead"));
    Path local = ModelLocation.fetch(uri, cache, conf);
    assertThat(local).isEqualTo(target);
    assertThat(names(local)).containsExactly(".srlm-complete", "config.json", "sub", "tokenizer.json");
    assertThat(Files.readString(local.resolve("config.json"))).contains("llama");
  }

  @Test
  void concurrentFetchesAgreeOnOneCompleteCopy() throws Exception {
    Path m = model("remote");
    Path cache = tmp.resolve("cache");
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Path>> results = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        Callable<Path> fetch = () -> ModelLocation.fetch("file:" + m, cache, conf);
        results.add(pool.submit(fetch));
      }
      Path first = results.get(0).get();
      for (Future<Path> f : results) {
        assertThat(f.get()).isEqualTo(first);
      }
      assertThat(names(first)).containsExactly(".srlm-complete", "config.json", "sub", "tokenizer.json");
      assertThat(names(cache)).containsExactly(first.getFileName().toString());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void missingAndPartialModelDirectoriesAreErrors() throws Exception {
    Path cache = tmp.resolve("cache");
    Path partial = tmp.resolve("partial");
    Files.createDirectories(partial);
    Files.writeString(partial.resolve("model.safetensors"), "x");
    for (String loc : List.of(partial.toString(), "file:" + partial)) {
      assertThatThrownBy(() -> ModelLocation.resolve(loc, cache, conf))
          .isInstanceOf(SrlmException.class)
          .satisfies(e -> assertThat(((SrlmException) e).code()).isEqualTo(ErrorCode.MODEL))
          .hasMessageContaining("no config.json")
          .hasMessageContaining("partial model directory")
          .hasMessageContaining(loc);
    }
    assertThatThrownBy(() -> ModelLocation.fetch("file:" + partial, cache, conf))
        .isInstanceOf(SrlmException.class)
        .hasMessageContaining("no config.json");
    Path absent = tmp.resolve("absent");
    assertThatThrownBy(() -> ModelLocation.resolve(absent.toString(), cache, conf))
        .isInstanceOf(SrlmException.class)
        .hasMessageContaining("does not exist")
        .hasMessageContaining(absent.toString());
    assertThatThrownBy(() -> ModelLocation.fetch("file:" + absent, cache, conf))
        .isInstanceOf(SrlmException.class)
        .hasMessageContaining("does not exist");
    assertThat(cache).satisfiesAnyOf(c -> assertThat(c).doesNotExist(), c -> assertThat(names(c)).isEmpty());
  }

  @Test
  void uploadWritesTheMarkerAndRefusesToOverwriteACompleteModel() throws Exception {
    Path m = model("trained");
    Path target = tmp.resolve("store/models/M1");
    String uri = "file:" + target;
    ModelLocation.upload(m, uri, conf);
    assertThat(target.resolve(".srlm-complete")).exists();
    assertThat(Files.readAllBytes(target.resolve("sub/blob.bin"))).containsExactly(1, 2, 3);
    try (Stream<Path> s = Files.list(target.getParent())) {
      assertThat(s.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith("."))).containsExactly("M1");
    }
    assertThatThrownBy(() -> ModelLocation.upload(m, uri, conf))
        .isInstanceOf(SrlmException.class)
        .hasMessageContaining("already exists")
        .hasMessageContaining(uri);
    // an interrupted upload (no marker) is replaced
    Files.delete(target.resolve(".srlm-complete"));
    Files.writeString(target.resolve("stale.txt"), "x");
    ModelLocation.upload(m, uri, conf);
    assertThat(target.resolve("stale.txt")).doesNotExist();
    assertThat(target.resolve(".srlm-complete")).exists();
    // and it can be fetched back
    Path back = ModelLocation.fetch(uri, tmp.resolve("cache"), conf);
    assertThat(Files.readString(back.resolve("config.json"))).contains("llama");
    assertThatThrownBy(() -> ModelLocation.upload(tmp.resolve("nothing"), "file:" + tmp.resolve("x"), conf))
        .isInstanceOf(SrlmException.class)
        .hasMessageContaining("does not exist");
  }

  @Test
  void schemesAreRecognised() {
    assertThat(ModelLocation.scheme("s3a://bucket/m")).isEqualTo("s3a");
    assertThat(ModelLocation.scheme("dbfs:/models/m")).isEqualTo("dbfs");
    assertThat(ModelLocation.scheme("hdfs://nn:8020/m")).isEqualTo("hdfs");
    assertThat(ModelLocation.scheme("FILE:/x")).isEqualTo("file");
    assertThat(ModelLocation.scheme("/local/m")).isNull();
    assertThat(ModelLocation.scheme("relative/m")).isNull();
    assertThat(ModelLocation.scheme("C:\\models\\m")).isNull();
  }
}

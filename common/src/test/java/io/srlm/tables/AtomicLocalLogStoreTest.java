package io.srlm.tables;

import static org.assertj.core.api.Assertions.assertThat;

import io.srlm.testing.LocalSpark;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link AtomicLocalLogStore}: of writers racing for one commit file, exactly one wins and the file holds its
 * actions whole; the others get FileAlreadyExistsException (Delta's signal to check conflicts and retry). Each
 * writer has its own store instance, as two JVMs would (Delta's LocalLogStore only serialises within an
 * instance's JVM lock, and Hadoop's local rename replaces an existing file). And srlm's sessions use it.
 */
class AtomicLocalLogStoreTest {
  @TempDir
  Path dir;

  @Test
  void ofWritersRacingForOneVersionExactlyOneWinsAndTheFileIsWhole() throws Exception {
    int writers = 4;
    int versions = 200;
    Configuration conf = new Configuration();
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    try {
      for (int v = 0; v < versions; v++) {
        org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path(dir.toUri().toString(),
            String.format("%020d.json", v));
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Boolean>> results = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
          AtomicLocalLogStore store = new AtomicLocalLogStore(conf);
          List<String> actions = List.of("{\"writer\":" + w + "}", "{\"version\":" + v + "}");
          results.add(pool.submit(() -> {
            go.await();
            try {
              store.write(file, actions.iterator(), false, conf);
              return true;
            } catch (FileAlreadyExistsException e) {
              return false;
            }
          }));
        }
        go.countDown();
        int winners = 0;
        int winner = -1;
        for (int w = 0; w < writers; w++) {
          if (results.get(w).get()) {
            winners++;
            winner = w;
          }
        }
        assertThat(winners).as("writers that published version " + v).isEqualTo(1);
        assertThat(Files.readAllLines(Path.of(file.toUri())))
            .containsExactly("{\"writer\":" + winner + "}", "{\"version\":" + v + "}");
      }
    } finally {
      pool.shutdownNow();
    }
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).as("no temporary file is left")
          .allMatch(n -> n.endsWith(".json")).hasSize(versions);
    }
  }

  @Test
  void overwriteReplacesTheFileWhole() throws Exception {
    Configuration conf = new Configuration();
    AtomicLocalLogStore store = new AtomicLocalLogStore(conf);
    org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path(dir.toUri().toString(), "_last_checkpoint");
    store.write(file, List.of("a").iterator(), true, conf);
    store.write(file, List.of("b", "c").iterator(), true, conf);
    assertThat(Files.readAllLines(Path.of(file.toUri()))).containsExactly("b", "c");
  }

  @Test
  void srlmSessionsCommitLocalDeltaTablesThroughIt() {
    long before = AtomicLocalLogStore.published();
    LocalSpark.session().range(3).write().format("delta").save(dir.resolve("t").toString());
    assertThat(AtomicLocalLogStore.published()).as("commits published by srlm's local log store").isGreaterThan(before);
    assertThat(LocalSpark.session().read().format("delta").load(dir.resolve("t").toString()).count()).isEqualTo(3);
  }
}

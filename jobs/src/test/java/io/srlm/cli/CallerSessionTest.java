package io.srlm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.srlm.testing.LocalSpark;
import io.srlm.testing.TestConf;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerApplicationEnd;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A verb run in-process ({@link Srlm#run}) by a caller that already has a SparkSession (a test, a notebook, an
 * application) uses that session and leaves it running: only a verb that created its session stops it. The
 * read-only verbs' local master once made `srlm sql` stop the caller's session (LoopEndToEndTest then found its
 * SparkContext stopped).
 */
@ExtendWith(LocalSpark.class)
class CallerSessionTest {
  @TempDir
  Path dir;

  @Test
  void aReadOnlyVerbLeavesTheCallersSessionRunning() {
    SparkSession caller = LocalSpark.session();
    List<String> stoppers = new CopyOnWriteArrayList<>();
    SparkListener watch = new SparkListener() {
      @Override
      public void onApplicationEnd(SparkListenerApplicationEnd end) {
        stoppers.add(stopperStack());
      }
    };
    caller.sparkContext().addSparkListener(watch);
    try {
      String out = SrlmOutput.ok("sql", "--json", "--conf-dir", TestConf.repoRoot().resolve("conf").toString(),
          "-p", TestConf.PROFILES, "--set", "spark.master=", "--set", "storage.table_root=" + dir.resolve("tables"),
          "--set", "storage.model_root=" + dir.resolve("models"), "SELECT 41 + 1 AS n");
      assertThat(out).contains("{\"n\":42}");
      assertThat(caller.sparkContext().isStopped()).as("the caller's SparkContext was stopped by:\n%s",
          String.join("\n--\n", stoppers)).isFalse();
      assertThat(caller.sql("SELECT 1").count()).isEqualTo(1);
    } finally {
      caller.sparkContext().removeSparkListener(watch);
    }
  }

  /** The stack of the thread inside SparkContext.stop (the listener runs on Spark's bus thread, not the caller's). */
  private static String stopperStack() {
    return Thread.getAllStackTraces().entrySet().stream()
        .filter(e -> Arrays.stream(e.getValue()).anyMatch(f -> f.getClassName().equals("org.apache.spark.SparkContext")
            && f.getMethodName().equals("stop")))
        .map(Map.Entry::getValue).map(s -> Arrays.stream(s).map(f -> "  at " + f).collect(Collectors.joining("\n")))
        .collect(Collectors.joining("\n--\n"));
  }
}

package io.srlm.tables;

import io.srlm.config.SrlmConfig;
import io.srlm.testing.LocalSpark;
import io.srlm.testing.TestConf;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * One writer of {@link ConcurrentWritersTest}, as its own JVM with its own Spark session: {@code main(dir, run,
 * rows, me, other)} waits until the other writer is ready too, writes two iterations of its own run (partitions of
 * prompts, steps in runs), then replaces the shared partition of run "run-c" (the same step run twice at once)
 * again and again until either writer has met a Delta commit conflict (at most {@link
 * #MAX_SHARED_WRITES} writes). Prints {@code CONFLICTS_RETRIED=n} (this JVM's count) and exits 0, or 1 on error.
 */
public final class ConcurrentWriterProcess {
  static final int MAX_SHARED_WRITES = 20;
  static final String SHARED_RUN = "run-c";

  private ConcurrentWriterProcess() {}

  public static void main(String[] args) {
    try {
      run(Path.of(args[0]), args[1], Integer.parseInt(args[2]), args[3], args[4]);
      System.exit(0);
    } catch (Throwable e) {
      e.printStackTrace();
      StringBuilder chain = new StringBuilder("WRITER_FAILED:");
      for (Throwable c = e; c != null; c = c.getCause()) {
        chain.append(" <- ").append(c);
      }
      System.out.println(chain); // last, on one line: the test's message quotes it whole
      System.out.flush();
      System.exit(1);
    }
  }

  private static void run(Path dir, String run, int rows, String me, String other) throws Exception {
    SrlmConfig cfg = TestConf.tiny(dir);
    TableStore t = new TableStore(LocalSpark.session(), cfg.storage());
    t.read(Catalogue.PROMPTS).count(); // Spark and Delta warmed up before the race starts
    Files.writeString(dir.resolve(me + ".ready"), "ready\n");
    System.out.println("WRITER " + me + " ready");
    long deadline = System.nanoTime() + 300_000_000_000L;
    while (!Files.exists(dir.resolve(other + ".ready"))) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the other writer (" + other + ") never became ready");
      }
      Thread.sleep(50);
    }
    System.out.println("WRITER " + me + " both ready");
    // Marks this writer as having met a conflict as soon as a retry starts, not only once a write went through: a
    // writer losing every retry to the other's stream of shared writes would otherwise never tell it to stop.
    Thread marker = new Thread(() -> {
      try {
        while (TableStore.conflictsRetried() == 0) {
          Thread.sleep(20);
        }
        Files.writeString(dir.resolve(me + ".conflicted"), TableStore.conflictsRetried() + "\n");
      } catch (Exception e) {
        // interrupted at exit, or the folder went away with the test: nothing to mark
      }
    }, "conflict-marker");
    marker.setDaemon(true);
    marker.start();
    ConcurrentWritersTest.writer(t, run, 2, rows).call();
    System.out.println("WRITER " + me + " wrote run " + run);
    List<PromptRow> shared = ConcurrentWritersTest.prompts(SHARED_RUN, 1, 6);
    for (int i = 0; i < MAX_SHARED_WRITES; i++) {
      t.replace(Catalogue.PROMPTS, shared, TableStore.partition(SHARED_RUN, 1));
      System.out.println("WRITER " + me + " shared write " + (i + 1) + ", conflicts retried so far "
          + TableStore.conflictsRetried());
      if (i >= 1 && (Files.exists(dir.resolve(me + ".conflicted"))
          || Files.exists(dir.resolve(other + ".conflicted")))) {
        break;
      }
    }
    System.out.println("CONFLICTS_RETRIED=" + TableStore.conflictsRetried());
    System.out.flush();
  }
}

package io.srlm.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The processes a test started (and, through them, their descendants: the executors a worker launches, the java a
 * submit script runs), stopped by process id in {@link #close()} and, should the test JVM be shut down first, by a
 * JVM shutdown hook. Each process writes stdout and stderr to its own log file.
 */
final class ChildProcesses implements AutoCloseable {
  private static final Duration GRACE = Duration.ofSeconds(10);

  private final Map<String, Process> started = new LinkedHashMap<>();
  private final Map<String, Path> logs = new LinkedHashMap<>();
  private final Thread hook = new Thread(this::stopAll, "srlm-test-child-processes");
  private boolean hooked;

  /**
   * Starts {@code command} with {@code env} applied to this JVM's environment (a null value removes the variable),
   * output to {@code log}.
   */
  synchronized Process start(String name, List<String> command, Map<String, String> env, Path workDir, Path log) {
    if (!hooked) {
      Runtime.getRuntime().addShutdownHook(hook);
      hooked = true;
    }
    ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    env.forEach((k, v) -> {
      if (v == null) {
        pb.environment().remove(k);
      } else {
        pb.environment().put(k, v);
      }
    });
    try {
      Files.createDirectories(workDir);
      Process p = pb.start();
      started.put(name, p);
      logs.put(name, log);
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name + ": " + command, e);
    }
  }

  synchronized Process get(String name) {
    return started.get(name);
  }

  synchronized Path log(String name) {
    return logs.get(name);
  }

  /** Stops one started process and its descendants (a no-op when it already ended). */
  void stop(String name) {
    Process p;
    synchronized (this) {
      p = started.get(name);
    }
    if (p != null) {
      stopTree(p.toHandle());
    }
  }

  /** Stops every started process, last started first, each with its descendants. */
  void stopAll() {
    List<Process> all;
    synchronized (this) {
      all = new ArrayList<>(started.values());
    }
    for (int i = all.size() - 1; i >= 0; i--) {
      stopTree(all.get(i).toHandle());
    }
  }

  /**
   * SIGTERM to a process and every descendant it has now (a worker stops its executors on SIGTERM, but an
   * executor whose worker is gone is no longer a descendant, so the tree is taken first), then SIGKILL to whatever
   * is still alive after the grace period.
   */
  static void stopTree(ProcessHandle root) {
    List<ProcessHandle> tree = new ArrayList<>(root.descendants().toList());
    tree.add(root);
    for (ProcessHandle h : tree) {
      h.destroy();
    }
    long deadline = System.nanoTime() + GRACE.toNanos();
    for (ProcessHandle h : tree) {
      long left = deadline - System.nanoTime();
      if (left > 0) {
        try {
          h.onExit().get(left, TimeUnit.NANOSECONDS);
        } catch (Exception e) {
          // still running: killed below
        }
      }
    }
    for (ProcessHandle h : tree) {
      if (h.isAlive()) {
        h.destroyForcibly();
      }
    }
  }

  /** Pids of every started process and descendant still alive (empty after {@link #close()}). */
  synchronized List<Long> alive() {
    List<Long> out = new ArrayList<>();
    for (Process p : started.values()) {
      if (p.isAlive()) {
        out.add(p.pid());
      }
      p.toHandle().descendants().filter(ProcessHandle::isAlive).forEach(h -> out.add(h.pid()));
    }
    return out;
  }

  @Override
  public void close() {
    stopAll();
    synchronized (this) {
      if (hooked) {
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
          // the hook is running or has run
        }
        hooked = false;
      }
    }
  }

  /** The last {@code lines} lines of a log file ("" when it does not exist). */
  static String tail(Path file, int lines) {
    if (file == null || !Files.isRegularFile(file)) {
      return "";
    }
    try {
      List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException | UncheckedIOException e) {
      return "(cannot read " + file + ": " + e.getMessage() + ")";
    }
  }
}

package io.srlm.cluster;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * CPU time spent by this JVM (from the meter's start) and every process it started, directly or not (master, workers, executors, driver),
 * sampled once a second while running: on a shared machine wall time says little, CPU time says what the test
 * costs (wall time on an idle machine with N cores is at least CPU time / N). A process that ends between two
 * samples loses at most its last second.
 */
final class CpuMeter implements AutoCloseable {
  private final Map<Long, Duration> perPid = new ConcurrentHashMap<>();
  private final Map<Long, String> roles = new ConcurrentHashMap<>();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "cpu-meter");
    t.setDaemon(true);
    return t;
  });

  /** This JVM's CPU time before the meter started (building the test model, earlier tests): not counted. */
  private final Duration before = ProcessHandle.current().info().totalCpuDuration().orElse(Duration.ZERO);

  CpuMeter() {
    timer.scheduleAtFixedRate(this::sample, 0, 1, TimeUnit.SECONDS);
  }

  private void sample() {
    record(ProcessHandle.current());
    ProcessHandle.current().descendants().forEach(this::record);
  }

  private void record(ProcessHandle h) {
    roles.computeIfAbsent(h.pid(), pid -> role(h));
    h.info().totalCpuDuration().map(d -> h.pid() == ProcessHandle.current().pid() ? d.minus(before) : d)
        .ifPresent(d -> perPid.merge(h.pid(), d, (a, b) -> a.compareTo(b) >= 0 ? a : b));
  }

  /** CPU time so far, all processes together. */
  Duration total() {
    sample();
    return perPid.values().stream().reduce(Duration.ZERO, Duration::plus);
  }

  /** CPU seconds per role (test JVM, master, worker, executor, driver, other), e.g. "executor 120.5 s". */
  String byRole() {
    sample();
    Map<String, Duration> out = new java.util.TreeMap<>();
    perPid.forEach((pid, d) -> out.merge(roles.getOrDefault(pid, "other"), d, Duration::plus));
    return out.entrySet().stream().map(e -> e.getKey() + " " + e.getValue().toMillis() / 1000.0 + " s")
        .collect(java.util.stream.Collectors.joining(", "));
  }

  private static String role(ProcessHandle h) {
    if (h.pid() == ProcessHandle.current().pid()) {
      return "test JVM";
    }
    String cmd = h.info().commandLine().orElse("");
    if (cmd.contains("CoarseGrainedExecutorBackend")) {
      return "executors";
    } else if (cmd.contains("org.apache.spark.deploy.SparkSubmit")) {
      return "driver";
    } else if (cmd.contains("org.apache.spark.deploy.master.Master")) {
      return "master";
    } else if (cmd.contains("org.apache.spark.deploy.worker.Worker")) {
      return "workers";
    }
    return "other";
  }

  /** The 1-minute load average at this moment ("?" where /proc/loadavg cannot be read). */
  static String loadAverage() {
    try {
      return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ")[0];
    } catch (java.io.IOException | RuntimeException e) {
      return "?";
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}

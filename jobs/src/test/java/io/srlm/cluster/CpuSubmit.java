package io.srlm.cluster;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Submits jobs to a {@link SparkStandalone} cluster the way a user does: {@code deploy/spark-submit-cpu.sh} with the
 * shaded jar, in client mode. There is no Spark installation, so SPARK_SUBMIT is {@code java -cp
 * "$SPARK_HOME/jars/*" org.apache.spark.deploy.SparkSubmit}; that java process is the driver, and the script puts
 * the driver's JVM flags (add-opens, -Dai.djl.offline=true, DJL_CACHE_DIR) on it. Everything else (executor flags,
 * executor DJL_CACHE_DIR, Delta's extension and catalog) is the script's own doing; the test adds only loopback and
 * sizing settings.
 */
final class CpuSubmit {
  /** Variables the script reads that must not leak in from the test's own environment. */
  private static final List<String> SCRIPT_VARIABLES = List.of("JAR", "PROFILE", "CONF_DIR", "DRIVER_CONF_DIR",
      "JVM_PROPERTIES", "EXTRA_JAVA_OPTS", "JARS", "REPOSITORIES", "DRY_RUN", "SRLM_HOME", "DJL_CACHE_DIR",
      "GPU_DISCOVERY_SCRIPT", "EXECUTOR_GPUS", "TASK_GPUS");

  private final SparkStandalone cluster;
  private final Path repoRoot;
  private final Path djlCache;
  private final List<String> extraConf;

  /**
   * @param djlCache DJL_CACHE_DIR of the driver and of every executor (EXECUTOR_DJL_CACHE_DIR)
   * @param extraConf Spark settings passed as EXTRA_CONF (KEY=VALUE)
   */
  CpuSubmit(SparkStandalone cluster, Path repoRoot, Path djlCache, List<String> extraConf) {
    this.cluster = cluster;
    this.repoRoot = repoRoot;
    this.djlCache = djlCache;
    this.extraConf = List.copyOf(extraConf);
  }

  /** The script's environment: this cluster, no --packages (Delta is in SPARK_HOME/jars), two 1-core executors. */
  Map<String, String> env() {
    Map<String, String> env = new LinkedHashMap<>();
    SCRIPT_VARIABLES.forEach(v -> env.put(v, null));
    env.putAll(cluster.env());
    env.put("SPARK_SUBMIT", SparkStandalone.javaExecutable() + " -Xmx1536m -cp " + cluster.sparkHome()
        .resolve("jars") + "/* org.apache.spark.deploy.SparkSubmit");
    env.put("MASTER", cluster.masterUrl());
    env.put("DEPLOY_MODE", "client");
    env.put("PACKAGES", "");
    env.put("NUM_EXECUTORS", "2");
    env.put("EXECUTOR_CORES", "1");
    env.put("EXECUTOR_MEMORY", "1g");
    env.put("EXECUTOR_MEMORY_OVERHEAD", "512m");
    env.put("DRIVER_MEMORY", "1536m");
    env.put("EXECUTOR_DJL_CACHE_DIR", djlCache.toString());
    env.put("DRIVER_DJL_CACHE_DIR", djlCache.toString());
    env.put("EXTRA_CONF", String.join("\n", extraConf));
    env.put("EXTRA_JAVA_OPTS", String.join(" ", SparkStandalone.SHORT_LIVED_JVM));
    // Fixed BLAS/OpenMP threading in the driver (training); executors get the same through spark.executorEnv.*.
    env.put("OMP_WAIT_POLICY", "PASSIVE");
    env.put("MKL_DYNAMIC", "FALSE");
    env.put("OMP_DYNAMIC", "FALSE");
    return env;
  }

  /**
   * Starts {@code deploy/spark-submit-cpu.sh [scriptOptions] JOB ARGS}; the driver's output goes to
   * {@code <cluster dir>/logs/submit-<label>.log}.
   */
  Running start(String label, List<String> scriptOptions, String job, List<String> args) {
    List<String> cmd = new ArrayList<>(List.of("bash", repoRoot.resolve("deploy/spark-submit-cpu.sh").toString()));
    cmd.addAll(scriptOptions);
    cmd.add(job);
    cmd.addAll(args);
    Path log = cluster.dir().resolve("logs/submit-" + label + ".log");
    Path work = cluster.dir().resolve("driver-" + label);
    long t0 = System.nanoTime();
    Process p = cluster.processes().start("submit-" + label, cmd, env(), work, log);
    return new Running(label, p, log, t0);
  }

  /** A submitted job. */
  final class Running {
    final String label;
    final Process process;
    final Path log;
    final long startNanos;

    Running(String label, Process process, Path log, long startNanos) {
      this.label = label;
      this.process = process;
      this.log = log;
      this.startNanos = startNanos;
    }

    /** Waits for the driver to end (killing it at the deadline); the result says how it ended. */
    Result await(Duration timeout) {
      boolean done;
      try {
        done = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        done = false;
      }
      if (!done) {
        cluster.processes().stop("submit-" + label);
      }
      return new Result(label, done ? process.exitValue() : -1, !done, log,
          Duration.ofNanos(System.nanoTime() - startNanos));
    }

    boolean isAlive() {
      return process.isAlive();
    }
  }

  /** How a submission ended. */
  record Result(String label, int exitCode, boolean timedOut, Path log, Duration took) {
    boolean ok() {
      return exitCode == 0 && !timedOut;
    }

    String driverLog() {
      try {
        return Files.readString(log);
      } catch (java.io.IOException e) {
        return "";
      }
    }
  }

  /** A failure message: how the submit ended, the driver log's tail and the executors' stderr tails. */
  String describe(Result r) {
    return "spark-submit " + r.label() + (r.timedOut() ? " timed out" : " exited with code " + r.exitCode())
        + " after " + r.took().toSeconds() + " s\n=== driver log (" + r.log() + ")\n" + ChildProcesses.tail(r.log(),
        80) + "\n=== executors\n" + cluster.executorLogTails(30);
  }
}

package io.srlm.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A Spark standalone cluster on 127.0.0.1 for tests: one master and N workers, each its own JVM started from a
 * SPARK_HOME whose jars/ folder the build assembled (no Spark distribution needed). Workers launch executors as
 * further JVMs, so closures, statics, JVM flags and native libraries behave as on a real cluster. Every process is
 * stopped by pid in {@link #close()} (and by a shutdown hook if the test JVM exits first).
 *
 * <p>The harness never waits on a network endpoint: the master's URL (the port it really bound, which differs from
 * the one asked for when that was taken meanwhile) and each worker's registration come from the processes' own
 * log files, read with a deadline and a liveness check of every process on each poll. (An earlier version polled
 * the master's web UI, and hung for its whole deadline when that port answered nothing.)
 *
 * <pre>{@code
 * try (SparkStandalone c = SparkStandalone.start(sparkHome, dir, 2, 1, "1536m", opens)) {
 *   c.awaitWorkers(Duration.ofSeconds(90));
 *   ... submit to c.masterUrl() ...
 * }
 * }</pre>
 */
public final class SparkStandalone implements AutoCloseable {
  /** The master's log line naming the URL it serves (Spark 3.5: "Starting Spark master at spark://host:port"). */
  static final Pattern MASTER_URL = Pattern.compile("Starting Spark master at (spark://[^\\s]+)");
  /** A worker's log line once the master accepted it. */
  static final String REGISTERED = "Successfully registered with master ";
  private static final String HOST = "127.0.0.1";
  /**
   * Flags for JVMs that live a few minutes on a small machine (the master, the workers, and through
   * EXTRA_JAVA_OPTS the driver and executors): C1 only and the serial collector, which spend far less CPU on
   * compiling and collecting than the defaults over such a run. Tests only.
   */
  public static final List<String> SHORT_LIVED_JVM = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");

  private final Path sparkHome;
  private final Path dir;
  private final int workers;
  private final int masterPort;
  private final int masterWebUiPort;
  private final List<Integer> workerWebUiPorts = new ArrayList<>();
  private final ChildProcesses processes = new ChildProcesses();
  private String masterUrl;

  private SparkStandalone(Path sparkHome, Path dir, int workers) {
    this.sparkHome = sparkHome;
    this.dir = dir;
    this.workers = workers;
    this.masterPort = freePort();
    this.masterWebUiPort = freePort();
    for (int i = 0; i < workers; i++) {
      workerWebUiPorts.add(freePort());
    }
  }

  /**
   * Starts the master, waits (at most {@link #MASTER_START}) until its log names the URL it serves, and starts the
   * workers against that URL (without waiting for them: see {@link #awaitWorkers}).
   *
   * @param sparkHome a folder with jars/ holding Spark's runtime jars
   * @param dir work dirs and logs go here (dir/logs, dir/worker-N)
   * @param cores cores each worker offers
   * @param memory memory each worker offers to executors, e.g. 1536m
   * @param jvmFlags flags for the master and worker JVMs (the add-opens Spark needs on JDK 17)
   */
  public static SparkStandalone start(Path sparkHome, Path dir, int workers, int cores, String memory,
      List<String> jvmFlags) {
    Path jars = sparkHome.resolve("jars");
    if (!Files.isDirectory(jars)) {
      throw new IllegalStateException(jars + " does not exist: run the build's pre-integration-test phase (mvn -pl "
          + "jobs verify), which copies Spark's jars there");
    }
    SparkStandalone c = new SparkStandalone(sparkHome, dir, workers);
    try {
      Files.createDirectories(dir.resolve("logs"));
      c.processes.start("master", c.java(jvmFlags, "org.apache.spark.deploy.master.Master", "--host", HOST,
          "--port", Integer.toString(c.masterPort), "--webui-port", Integer.toString(c.masterWebUiPort)),
          c.env(), dir, dir.resolve("logs/master.log"));
      c.masterUrl = c.awaitLog(List.of("master"), "master", MASTER_URL, MASTER_START);
      for (int i = 0; i < workers; i++) {
        Path work = dir.resolve("worker-" + i);
        Files.createDirectories(work);
        c.processes.start("worker-" + i, c.java(jvmFlags, "org.apache.spark.deploy.worker.Worker", "--host", HOST,
            "--cores", Integer.toString(cores), "--memory", memory, "--webui-port",
            Integer.toString(c.workerWebUiPorts.get(i)), "--work-dir", work.toString(), c.masterUrl()), c.env(), work,
            dir.resolve("logs/worker-" + i + ".log"));
      }
      return c;
    } catch (IOException | RuntimeException e) {
      c.close();
      throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
    }
  }

  private List<String> java(List<String> flags, String main, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(javaExecutable().toString());
    cmd.addAll(flags);
    cmd.addAll(SHORT_LIVED_JVM);
    cmd.add("-Xmx256m");
    cmd.add("-cp");
    cmd.add(sparkHome.resolve("jars") + "/*");
    cmd.add(main);
    cmd.addAll(Arrays.asList(args));
    return cmd;
  }

  /** The environment of every cluster process (and of a client-mode driver): loopback only, this SPARK_HOME. */
  Map<String, String> env() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("SPARK_HOME", sparkHome.toString());
    env.put("SPARK_SCALA_VERSION", "2.12");
    env.put("SPARK_LOCAL_IP", HOST);
    env.put("JAVA_HOME", System.getProperty("java.home"));
    return env;
  }

  public static Path javaExecutable() {
    return Path.of(System.getProperty("java.home"), "bin", "java");
  }

  /** The URL the master serves, from its log (set before any worker starts). */
  public String masterUrl() {
    return masterUrl;
  }

  /** How long the master may take to log its URL. */
  static final Duration MASTER_START = Duration.ofMinutes(2);

  public Path sparkHome() {
    return sparkHome;
  }

  public Path dir() {
    return dir;
  }

  ChildProcesses processes() {
    return processes;
  }

  /**
   * Waits until every worker's log says the master registered it; fails with the logs when the deadline passes or
   * any cluster process exits. Reads only log files: nothing here can block on a silent endpoint.
   */
  public void awaitWorkers(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      checkAlive(processNames());
      int registered = 0;
      for (int i = 0; i < workers; i++) {
        if (logContains(processes.log("worker-" + i), REGISTERED + masterUrl)) {
          registered++;
        }
      }
      if (registered == workers) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("Spark standalone: " + registered + " of " + workers + " workers registered "
            + "with " + masterUrl + " after " + timeout.toSeconds() + " s\n" + logTails(processNames()));
      }
      pause(200);
    }
  }

  /**
   * Polls {@code name}'s log until {@code pattern} matches a line; returns its first group. Fails when the deadline
   * passes or one of {@code watched} exits.
   */
  private String awaitLog(List<String> watched, String name, Pattern pattern, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      checkAlive(watched);
      Matcher m = pattern.matcher(read(processes.log(name)));
      if (m.find()) {
        return m.group(1);
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("Spark standalone: no line matching '" + pattern + "' in the " + name
            + " log after " + timeout.toSeconds() + " s\n" + logTails(watched));
      }
      pause(200);
    }
  }

  private void checkAlive(List<String> names) {
    for (String name : names) {
      Process p = processes.get(name);
      if (!p.isAlive()) {
        throw new IllegalStateException(name + " exited with code " + p.exitValue() + ":\n" + ChildProcesses.tail(
            processes.log(name), 40));
      }
    }
  }

  private String logTails(List<String> names) {
    StringBuilder b = new StringBuilder();
    for (String name : names) {
      b.append("--- ").append(name).append('\n').append(ChildProcesses.tail(processes.log(name), 30)).append('\n');
    }
    return b.toString();
  }

  static boolean logContains(Path log, String text) {
    return read(log).contains(text);
  }

  private static String read(Path log) {
    try {
      return Files.exists(log) ? Files.readString(log, java.nio.charset.StandardCharsets.ISO_8859_1) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private List<String> processNames() {
    List<String> names = new ArrayList<>(List.of("master"));
    for (int i = 0; i < workers; i++) {
      names.add("worker-" + i);
    }
    return names;
  }

  /**
   * The executors' stderr files under the workers' work dirs (worker-N/app-ID/EXEC/stderr), for diagnostics.
   */
  public List<Path> executorLogs() {
    List<Path> out = new ArrayList<>();
    for (int i = 0; i < workers; i++) {
      try (Stream<Path> s = Files.walk(dir.resolve("worker-" + i), 3)) {
        s.filter(p -> p.getFileName().toString().equals("stderr")).sorted().forEach(out::add);
      } catch (IOException e) {
        // nothing launched yet
      }
    }
    return out;
  }

  /** The tails of every executor stderr, for failure messages. */
  public String executorLogTails(int lines) {
    StringBuilder b = new StringBuilder();
    for (Path p : executorLogs()) {
      b.append("--- ").append(dir.relativize(p)).append('\n').append(ChildProcesses.tail(p, lines)).append('\n');
    }
    return b.toString();
  }

  /** Stops the workers (and through them the executors) and the master, by pid; removes the fetched app jars. */
  @Override
  public void close() {
    processes.close();
    for (int i = 0; i < workers; i++) {
      try (Stream<Path> s = Files.walk(dir.resolve("worker-" + i))) {
        // Each executor fetched its own copy of the ~200 MB application jar: keep the logs, drop the copies.
        for (Path p : s.filter(p -> p.toString().endsWith(".jar")).toList()) {
          Files.deleteIfExists(p);
        }
      } catch (IOException e) {
        // best effort
      }
    }
  }

  /** The JVM flags Spark needs on JDK 17, from conf/jvm.properties (srlm.jvm.opens). */
  public static List<String> jvmOpens(Path repoRoot) {
    Properties p = new Properties();
    try (InputStream in = Files.newInputStream(repoRoot.resolve("conf/jvm.properties"))) {
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String opens = p.getProperty("srlm.jvm.opens", "").trim();
    if (opens.isEmpty()) {
      throw new IllegalStateException("srlm.jvm.opens is empty in conf/jvm.properties");
    }
    return List.of(opens.split("\\s+"));
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void pause(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}

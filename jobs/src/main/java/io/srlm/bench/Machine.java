package io.srlm.bench;

import ai.djl.engine.Engine;
import ai.djl.engine.StandardCapabilities;
import ai.djl.pytorch.jni.JniUtils;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a benchmark figure depends on, printed at the top of every bench so a figure can be reproduced: cores, CPU
 * model and vector extensions, memory, load average when the bench started, JVM, DJL and engine versions, the
 * engine's thread settings and the environment variables that change OpenMP/BLAS behaviour.
 */
public final class Machine {
  /** Environment variables that change how the engine's threads behave. */
  static final List<String> ENV = List.of("OMP_WAIT_POLICY", "OMP_NUM_THREADS", "OMP_DYNAMIC", "MKL_NUM_THREADS",
      "MKL_DYNAMIC", "KMP_AFFINITY", "OPENBLAS_CORETYPE", "OPENBLAS_NUM_THREADS");

  private Machine() {}

  /**
   * Probes the machine. Loads the engine first, so the thread figures are the engine's.
   *
   * @param configuredThreads engine.threads (or --threads) as set for this bench; 0 = the engine's default
   */
  public static Map<String, Object> probe(int configuredThreads) {
    Engine engine = Engine.getInstance();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("cores", Runtime.getRuntime().availableProcessors());
    List<String> cpuinfo = lines(Path.of("/proc/cpuinfo"));
    m.put("cpu", first(cpuinfo, "model name"));
    String mhz = first(cpuinfo, "cpu MHz");
    m.put("cpu_mhz", mhz);
    m.put("cpu_vector", vectorFlags(first(cpuinfo, "flags")));
    String memTotal = first(lines(Path.of("/proc/meminfo")), "MemTotal");
    m.put("memory", memTotal);
    m.put("cpu_family_model", first(cpuinfo, "cpu family") + "/" + first(cpuinfo, "model"));
    m.put("load_average_start", loadAverage());
    m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
        + System.getProperty("os.arch"));
    m.put("jvm", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")
        + ", max heap " + Math.round(Runtime.getRuntime().maxMemory() / 1048576.0) + " MiB");
    m.put("djl", Engine.getDjlVersion());
    m.put("engine", engine.getEngineName() + " " + engine.getVersion());
    List<String> caps = new ArrayList<>();
    for (String c : List.of(StandardCapabilities.MKL, StandardCapabilities.MKLDNN, StandardCapabilities.OPENMP,
        StandardCapabilities.CUDA)) {
      if (engine.hasCapability(c)) {
        caps.add(c);
      }
    }
    m.put("engine_capabilities", String.join(",", caps));
    m.put("gpus", engine.getGpuCount());
    m.put("threads_configured", configuredThreads == 0 ? "0 (engine default)" : String.valueOf(configuredThreads));
    m.put("threads_intra_op", JniUtils.getNumThreads());
    m.put("threads_inter_op", JniUtils.getNumInteropThreads());
    Map<String, String> env = new LinkedHashMap<>();
    for (String k : ENV) {
      String v = System.getenv(k);
      env.put(k, v == null ? "(unset)" : v);
    }
    m.put("env", env);
    m.put("offline", System.getProperty("ai.djl.offline", "(unset)"));
    return m;
  }

  /**
   * /proc/loadavg's 1, 5 and 15-minute load averages and its running/total tasks, or "unknown". Benches record it
   * at the start and at the end: on a shared machine it says how much of the cores the bench had.
   */
  public static String loadAverage() {
    List<String> load = lines(Path.of("/proc/loadavg"));
    if (load.isEmpty()) {
      return "unknown";
    }
    String[] f = load.get(0).trim().split("\\s+");
    return f.length < 4 ? load.get(0).trim() : f[0] + " " + f[1] + " " + f[2] + " (running/tasks " + f[3] + ")";
  }

  /** The machine block as text lines (key: value). */
  static List<String> text(Map<String, Object> m) {
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, Object> e : m.entrySet()) {
      if (e.getValue() instanceof Map<?, ?> sub) {
        List<String> parts = new ArrayList<>();
        sub.forEach((k, v) -> parts.add(k + "=" + v));
        out.add(String.format("  %-20s %s", e.getKey(), String.join(" ", parts)));
      } else {
        out.add(String.format("  %-20s %s", e.getKey(), e.getValue()));
      }
    }
    return out;
  }

  private static String vectorFlags(String flags) {
    if (flags == null) {
      return "unknown";
    }
    List<String> have = new ArrayList<>();
    List<String> all = List.of(flags.split("\\s+"));
    for (String f : List.of("avx2", "fma", "avx512f", "avx512_bf16", "avx512_vnni", "amx_tile")) {
      if (all.contains(f)) {
        have.add(f);
      }
    }
    return have.isEmpty() ? "none of avx2/avx512" : String.join(",", have);
  }

  private static String first(List<String> lines, String key) {
    for (String l : lines) {
      int colon = l.indexOf(':');
      if (colon > 0 && l.substring(0, colon).trim().equals(key)) {
        return l.substring(colon + 1).trim();
      }
    }
    return null;
  }

  private static List<String> lines(Path p) {
    try {
      return Files.readAllLines(p, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return List.of();
    }
  }
}

package io.srlm.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.types.DataType;
import io.srlm.errors.Errors;
import java.util.ArrayList;
import java.util.List;

/**
 * Device and precision choice. Settings: {@code cpu}, {@code cuda} (= {@code cuda:0}), {@code cuda:N} (the N-th
 * GPU this process sees) and {@code auto}: the GPU Spark assigned to the current task, else the first GPU the
 * process sees, else the CPU.
 *
 * <p>Spark hands a task GPU <em>addresses</em> as its discovery script printed them (nvidia-smi indexes of the
 * node). The engine numbers the GPUs it sees from 0, and a cluster manager that isolates GPUs (YARN, a container
 * runtime) sets {@code CUDA_VISIBLE_DEVICES}, so address "3" can be ordinal 0. {@link #cudaOrdinal} maps an
 * address to its position in {@code CUDA_VISIBLE_DEVICES} when that is set, else takes it as the ordinal.
 *
 * <p>Precision {@code auto} is f32 on CPU and f16 on CUDA: DJL's PyTorch JNI has no bf16, and f16 matmul on CPU is
 * about 1 GFLOP/s, so f16 is never used on CPU. Training always loads f32 weights (see docs/gpu.md).
 *
 * <p>Test and rehearsal seam: the system property {@value #SIMULATED_GPUS} = N makes the process behave as if it
 * saw N GPUs for placement (mapping, cache keys, logs) while every tensor stays on the CPU. Never set it in
 * production.
 */
public final class Devices {
  /** System property: simulated GPU count (placement only; tensors stay on the CPU). */
  public static final String SIMULATED_GPUS = "srlm.devices.simulated-gpus";

  private Devices() {}

  /**
   * Where a model goes: {@code "cpu"} or {@code "cuda:N"} (N = the ordinal this process sees), and the Spark
   * address it came from (null when Spark assigned none).
   */
  public record Placement(String name, String sparkAddress) {
    public boolean gpu() {
      return name.startsWith("cuda:");
    }

    public int ordinal() {
      return gpu() ? Integer.parseInt(name.substring(5)) : -1;
    }
  }

  /** What the process sees: its GPU count, CUDA_VISIBLE_DEVICES (null if unset) and Spark's task GPU address. */
  public record View(int gpus, String cudaVisibleDevices, String sparkAddress) {}

  /** Resolves a setting against this process (engine, environment, current Spark task) to an engine device. */
  public static Device resolve(String setting) {
    return device(placement(setting));
  }

  /** The placement of a setting in this process (see {@link #place}). */
  public static Placement placement(String setting) {
    String s = normalise(setting);
    if (s.equals("cpu")) {
      return new Placement("cpu", null); // no engine start, no Spark lookup
    }
    return place(s, new View(gpuCount(), System.getenv("CUDA_VISIBLE_DEVICES"), sparkAssignedGpu()));
  }

  /** The engine device of a placement; a simulated GPU is the CPU. */
  public static Device device(Placement p) {
    if (!p.gpu() || simulatedGpus() >= 0) {
      return Device.cpu();
    }
    return Device.gpu(p.ordinal());
  }

  /**
   * Pure placement rule: {@code cpu}; {@code cuda[:N]} must be a GPU the process sees; {@code auto} takes the
   * Spark address mapped through {@link #cudaOrdinal}, else GPU 0 when any is visible, else the CPU.
   */
  public static Placement place(String setting, View view) {
    String s = normalise(setting);
    if (s.equals("cpu")) {
      return new Placement("cpu", null);
    }
    if (s.equals("auto")) {
      if (view.sparkAddress() != null) {
        int ordinal = cudaOrdinal(view.sparkAddress(), view.cudaVisibleDevices());
        return gpuOrFail(ordinal, view, setting);
      }
      return view.gpus() > 0 ? new Placement("cuda:0", null) : new Placement("cpu", null);
    }
    return gpuOrFail(Integer.parseInt(s.substring(5)), view, setting);
  }

  /**
   * The CUDA ordinal of a Spark GPU address: its position in {@code cudaVisibleDevices} when that is set (the
   * cluster manager remapped the GPUs), else the address itself.
   *
   * @throws io.srlm.errors.SrlmException when the address is not a number, or is not among the visible devices
   */
  public static int cudaOrdinal(String address, String cudaVisibleDevices) {
    String a = address.trim();
    if (cudaVisibleDevices != null && !cudaVisibleDevices.isBlank()) {
      List<String> visible = new ArrayList<>();
      for (String v : cudaVisibleDevices.split(",")) {
        visible.add(v.trim());
      }
      int i = visible.indexOf(a);
      if (i >= 0) {
        return i;
      }
      throw Errors.model("(engine)", "Spark assigned GPU address \"" + a + "\" to this task, but "
          + "CUDA_VISIBLE_DEVICES=" + cudaVisibleDevices + " does not list it",
          "make the GPU discovery script print the same ids the cluster manager puts in CUDA_VISIBLE_DEVICES "
              + "(deploy/gpu-discovery.sh prints nvidia-smi indexes), or unset CUDA_VISIBLE_DEVICES");
    }
    if (!a.matches("\\d+")) {
      throw Errors.model("(engine)", "Spark assigned GPU address \"" + a + "\", which is not a GPU index",
          "use a discovery script that prints nvidia-smi indexes (deploy/gpu-discovery.sh)");
    }
    return Integer.parseInt(a);
  }

  private static Placement gpuOrFail(int ordinal, View view, String setting) {
    if (ordinal >= view.gpus()) {
      throw Errors.model("(engine)", "engine.device=" + setting + " asks for CUDA device " + ordinal
          + " but this process sees " + view.gpus() + " GPU(s)" + (view.sparkAddress() == null ? ""
          : " (Spark address " + view.sparkAddress() + ", CUDA_VISIBLE_DEVICES=" + view.cudaVisibleDevices() + ")"),
          "use engine.device=auto or cpu, or run with the CUDA natives where the GPU is visible (docs/gpu.md)");
    }
    return new Placement("cuda:" + ordinal, view.sparkAddress());
  }

  /** Lower-cased setting, checked: cpu, auto, cuda, cuda:N (cuda alone means cuda:0). */
  static String normalise(String setting) {
    String s = setting == null ? "" : setting.trim().toLowerCase(java.util.Locale.ROOT);
    if (s.equals("cuda")) {
      return "cuda:0";
    }
    if (s.equals("cpu") || s.equals("auto") || s.matches("cuda:\\d{1,3}")) {
      return s;
    }
    throw Errors.configBadValue("engine.device (or --device)", "(engine)", "must be auto, cpu, cuda or cuda:N",
        setting);
  }

  private static int gpuCount() {
    int simulated = simulatedGpus();
    return simulated >= 0 ? simulated : Engine.getInstance().getGpuCount();
  }

  private static int simulatedGpus() {
    String v = System.getProperty(SIMULATED_GPUS);
    if (v == null || v.isBlank()) {
      return -1;
    }
    try {
      return Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      throw Errors.configBadValue(SIMULATED_GPUS, "(system property)", "must be a GPU count", v);
    }
  }

  /** Whether Spark is on the classpath: the CLI's minimal runtime (generate, score) runs without it. */
  private static final boolean SPARK = present("org.apache.spark.TaskContext");

  private static boolean present(String cls) {
    try {
      Class.forName(cls, false, Devices.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  /** The first GPU address Spark gave the current task, or null outside a task, without GPUs or without Spark. */
  static String sparkAssignedGpu() {
    return SPARK ? SparkTask.gpuAddress() : null;
  }

  /** Touches Spark's classes only when Spark is there (a nested class is loaded on first use). */
  private static final class SparkTask {
    static String gpuAddress() {
      org.apache.spark.TaskContext tc = org.apache.spark.TaskContext.get();
      if (tc == null) {
        return null;
      }
      scala.Option<org.apache.spark.resource.ResourceInformation> opt = tc.resources().get("gpu");
      if (opt.isEmpty() || opt.get().addresses().length == 0) {
        return null;
      }
      return opt.get().addresses()[0].trim();
    }
  }

  public static DataType dtype(String setting, Device device) {
    return switch (setting) {
      case "f32" -> DataType.FLOAT32;
      case "f16" -> {
        if (!device.isGpu()) {
          throw Errors.model("(engine)", "engine.dtype=f16 on the CPU", "f16 matmul on CPU is ~1 GFLOP/s; use f32");
        }
        yield DataType.FLOAT16;
      }
      default -> device.isGpu() ? DataType.FLOAT16 : DataType.FLOAT32;
    };
  }

  /** Sets the engine's intra-op thread count for this JVM (0 leaves the default). */
  public static void threads(int n) {
    if (n > 0) {
      Engine.getInstance(); // loads the natives first
      if (ai.djl.pytorch.jni.JniUtils.getNumThreads() != n) {
        ai.djl.pytorch.jni.JniUtils.setNumThreads(n);
      }
    }
  }
}

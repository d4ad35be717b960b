package io.srlm.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.types.DataType;
import io.srlm.errors.Errors;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;

/**
 * Device and precision choice. {@code auto} means: the GPU Spark assigned to this task (its TaskContext
 * resources), else the first visible GPU (CUDA_VISIBLE_DEVICES limits what the engine sees), else the CPU.
 * Precision {@code auto} is f32 on CPU and f16 on CUDA: DJL's PyTorch JNI has no bf16, and f16 matmul on CPU is
 * about 1 GFLOP/s, so f16 is never used on CPU.
 */
public final class Devices {
  private Devices() {}

  public static Device resolve(String setting) {
    if (setting.equals("cpu")) {
      return Device.cpu();
    }
    int gpus = Engine.getInstance().getGpuCount();
    if (setting.equals("auto")) {
      Integer assigned = sparkAssignedGpu();
      if (assigned != null) {
        return gpuOrFail(assigned, gpus, setting);
      }
      return gpus > 0 ? Device.gpu(0) : Device.cpu();
    }
    String idx = setting.contains(":") ? setting.substring(setting.indexOf(':') + 1) : "0";
    return gpuOrFail(Integer.parseInt(idx), gpus, setting);
  }

  private static Device gpuOrFail(int index, int gpus, String setting) {
    if (index >= gpus) {
      throw Errors.model("(engine)", "engine.device=" + setting + " asks for GPU " + index + " but the engine sees "
          + gpus + " GPU(s)", "use engine.device=auto or cpu, or build with -Pcuda and run where a GPU is visible");
    }
    return Device.gpu(index);
  }

  /** The GPU address Spark gave the current task, or null outside a task or without GPU resources. */
  static Integer sparkAssignedGpu() {
    TaskContext tc = TaskContext.get();
    if (tc == null) {
      return null;
    }
    scala.Option<ResourceInformation> opt = tc.resources().get("gpu");
    if (opt.isEmpty()) {
      return null;
    }
    ResourceInformation gpu = opt.get();
    if (gpu.addresses().length == 0) {
      return null;
    }
    return Integer.parseInt(gpu.addresses()[0].trim());
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

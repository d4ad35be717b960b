package io.srlm.bench;

import ai.djl.Device;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.util.cuda.CudaUtils;

/**
 * Peak memory of one bench setting on the device the model runs on. CPU: the process's peak resident set (VmHWM,
 * reset before the setting through /proc/self/clear_refs). CUDA: DJL 0.32 does not expose PyTorch's allocator
 * statistics (no max_memory_allocated), so the figure is the device's used memory from cudaMemGetInfo
 * (CudaUtils.getGpuMemory) after the setting ran, with the caching allocator emptied before it: the allocator
 * keeps what it reserved until emptied, so this is its reserved high-water mark plus the CUDA context, an upper
 * bound on the allocated peak (no nvidia-smi needed). "after" is the same reading once the call returned and the
 * cache was emptied again: what the setting still holds.
 */
final class PeakMemory {
  private PeakMemory() {}

  /** Starts a setting's measurement. */
  static void reset(Device d) {
    if (d.isGpu()) {
      JniUtils.emptyCudaCache();
    } else {
      ProcStatus.resetPeak();
    }
  }

  /** The setting's peak in MiB (see the class comment), NaN when unknown. */
  static double peakMib(Device d) {
    if (d.isGpu()) {
      return ProcStatus.mib(CudaUtils.getGpuMemory(d).getCommitted());
    }
    return ProcStatus.readingMib(ProcStatus.peakRssBytes());
  }

  /** Memory held now, after emptying the CUDA cache (GPU), or the current RSS (CPU), in MiB. */
  static double afterMib(Device d) {
    if (d.isGpu()) {
      JniUtils.emptyCudaCache();
      return ProcStatus.mib(CudaUtils.getGpuMemory(d).getCommitted());
    }
    return ProcStatus.readingMib(ProcStatus.rssBytes());
  }

  static String describe(Device d) {
    return d.isGpu() ? "GPU " + d + ": used device memory (cudaMemGetInfo) after the setting, the caching allocator "
        + "emptied before it (reserved high-water + CUDA context; DJL exposes no max_memory_allocated); after = "
        + "the same once generate() returned and the cache was emptied"
        : "CPU: peak RSS (VmHWM, reset before each setting); after = RSS once generate() returned";
  }
}

package io.srlm.model;

import io.srlm.config.SrlmConfig;
import java.io.Serializable;

/** How to load a model: device and precision settings (resolved where the model is loaded), threads, batch. */
public record EngineOptions(String device, String dtype, int threads, int batchSize) implements Serializable {
  public static EngineOptions of(SrlmConfig.Engine e) {
    return new EngineOptions(e.device(), e.dtype(), e.threads(), e.batchSize());
  }

  public static EngineOptions cpu() {
    return new EngineOptions("cpu", "f32", 0, 16);
  }

  /** The same options on another device setting (e.g. the placement {@code cuda:0} an executor resolved). */
  public EngineOptions onDevice(String deviceSetting) {
    return new EngineOptions(deviceSetting, dtype, threads, batchSize);
  }

  /** The same options forced to f32 (training loads f32 weights: see docs/gpu.md). */
  public EngineOptions f32() {
    return new EngineOptions(device, "f32", threads, batchSize);
  }
}

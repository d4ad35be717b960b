package io.srlm.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.types.DataType;
import io.srlm.errors.SrlmException;
import io.srlm.model.io.CheckpointWeights;
import io.srlm.model.io.HalfFloats;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bf16 checkpoints narrowed to f16: values beyond +-65504 are found per tensor and never become infinity. */
class F16RangeTest {
  @TempDir
  Path dir;

  /** A crafted model.safetensors with two BF16 tensors: "small" and "big". */
  private void write(float[] small, float[] big) throws IOException {
    String header = "{\"small\":{\"dtype\":\"BF16\",\"shape\":[" + small.length + "],\"data_offsets\":[0,"
        + 2 * small.length + "]},\"big\":{\"dtype\":\"BF16\",\"shape\":[" + big.length + "],\"data_offsets\":["
        + 2 * small.length + "," + 2 * (small.length + big.length) + "]}}";
    byte[] h = header.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(8 + h.length + 2 * (small.length + big.length))
        .order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(h.length).put(h);
    for (float v : small) {
      b.putShort(HalfFloats.f32ToBf16(v));
    }
    for (float v : big) {
      b.putShort(HalfFloats.f32ToBf16(v));
    }
    Files.write(dir.resolve("model.safetensors"), b.array());
  }

  @Test
  void valuesThatFitF16KeepF16() throws IOException {
    // 65280 is the largest bf16 below f16's limit; infinities and NaN are not range problems
    write(new float[] {1f, -65280f}, new float[] {Float.NEGATIVE_INFINITY, Float.NaN, 0.5f});
    try (CheckpointWeights ckpt = CheckpointWeights.open(dir)) {
      assertThat(ckpt.f16Overflows(List.of("small", "big"))).isEmpty();
      assertThat(LanguageModel.fitF16(ckpt, List.of("small", "big"), DataType.FLOAT16, "auto", dir))
          .isEqualTo(DataType.FLOAT16);
    }
  }

  @Test
  void aTensorBeyondF16IsFoundAndAutoLoadsF32() throws IOException {
    write(new float[] {1f, 2f}, new float[] {3f, -131072f, 65536f});
    try (CheckpointWeights ckpt = CheckpointWeights.open(dir)) {
      assertThat(ckpt.f16Overflows(List.of("small", "big"))).containsOnlyKeys("big").containsEntry("big", 131072f);
      assertThat(LanguageModel.fitF16(ckpt, List.of("small", "big"), DataType.FLOAT16, "auto", dir))
          .isEqualTo(DataType.FLOAT32);
      // f32 (the CPU's choice) needs no scan
      assertThat(LanguageModel.fitF16(ckpt, List.of("big"), DataType.FLOAT32, "f32", dir))
          .isEqualTo(DataType.FLOAT32);
    }
  }

  @Test
  void explicitF16IsRefusedNamingTheTensor() throws IOException {
    write(new float[] {1f}, new float[] {70000f});
    try (CheckpointWeights ckpt = CheckpointWeights.open(dir)) {
      assertThatThrownBy(() -> LanguageModel.fitF16(ckpt, List.of("small", "big"), DataType.FLOAT16, "f16", dir))
          .isInstanceOf(SrlmException.class)
          .hasMessageContaining("big")
          .hasMessageContaining("65504")
          .hasMessageContaining("engine.dtype = f32");
    }
  }
}

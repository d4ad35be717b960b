package io.srlm.model.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import io.srlm.errors.ErrorCode;
import io.srlm.errors.SrlmException;
import io.srlm.util.Json;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsRoundTripTest {
  @TempDir Path dir;

  private static float[] sample(int n, long seed) {
    Random r = new Random(seed);
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (r.nextGaussian() * 3);
    }
    v[0] = 0.5f;
    v[1] = -0.0f;
    return v;
  }

  @Test
  void f32RoundTripIsExactAndKeepsOrderShapeAndMetadata() {
    float[] a = sample(6, 1);
    float[] b = sample(5, 2);
    Path file = dir.resolve("m.safetensors");
    new SafetensorsWriter().metadata("format", "pt")
        .add("b.weight", SafetensorsDtype.F32, new long[] {2, 3}, a)
        .add("a.bias", SafetensorsDtype.F32, new long[] {5}, b)
        .write(file);
    try (SafetensorsFile f = SafetensorsFile.open(file)) {
      assertThat(f.names()).containsExactly("b.weight", "a.bias");
      assertThat(f.metadata()).isEqualTo(Map.of("format", "pt"));
      TensorInfo info = f.info("b.weight");
      assertThat(info.dtype()).isEqualTo(SafetensorsDtype.F32);
      assertThat(info.shape()).containsExactly(2, 3);
      assertThat(info.length()).isEqualTo(24);
      assertThat(info.numel()).isEqualTo(6);
      assertThat(f.readFloats("b.weight")).containsExactly(a);
      assertThat(f.readFloats("a.bias")).containsExactly(b);
    }
  }

  @Test
  void halfFormatsRoundTripExactlyForRepresentableValuesAndRoundOtherwise() {
    float[] representable = {1.0f, -2.5f, 0.125f, 65504f, 0x1p-24f, -0.0f, Float.POSITIVE_INFINITY, 3.140625f};
    float[] other = sample(64, 3);
    Path file = dir.resolve("h.safetensors");
    new SafetensorsWriter()
        .add("f16", SafetensorsDtype.F16, new long[] {8}, representable)
        .add("bf16", SafetensorsDtype.BF16, new long[] {2, 4}, representable)
        .add("f16.other", SafetensorsDtype.F16, new long[] {64}, other)
        .add("bf16.other", SafetensorsDtype.BF16, new long[] {8, 8}, other)
        .write(file);
    try (SafetensorsFile f = SafetensorsFile.open(file)) {
      assertThat(f.info("f16").length()).isEqualTo(16);
      assertThat(f.info("bf16").dtype()).isEqualTo(SafetensorsDtype.BF16);
      assertThat(f.readFloats("f16")).containsExactly(representable);
      // 65504 and 2^-24 are not bf16-representable (8-bit significand); the rest are
      float[] bf = f.readFloats("bf16");
      for (int i = 0; i < representable.length; i++) {
        float expected = HalfFloats.bf16ToF32(HalfFloats.f32ToBf16(representable[i]));
        assertThat(bf[i]).isEqualTo(expected);
      }
      assertThat(bf[0]).isEqualTo(1.0f);
      assertThat(bf[7]).isEqualTo(3.140625f);
      float[] f16 = f.readFloats("f16.other");
      float[] b16 = f.readFloats("bf16.other");
      for (int i = 0; i < other.length; i++) {
        assertThat(f16[i]).isEqualTo(HalfFloats.f16ToF32(HalfFloats.f32ToF16(other[i])));
        assertThat(b16[i]).isEqualTo(HalfFloats.bf16ToF32(HalfFloats.f32ToBf16(other[i])));
        assertThat(Math.abs(b16[i] - other[i])).isLessThanOrEqualTo(Math.abs(other[i]) / 256);
      }
    }
  }

  @Test
  void headerIsPaddedWithSpacesToEightBytesAndOutputIsDeterministic() throws Exception {
    float[] v = sample(3, 4);
    Path one = dir.resolve("one.safetensors");
    Path two = dir.resolve("two.safetensors");
    for (Path p : new Path[] {one, two}) {
      new SafetensorsWriter().metadata("format", "pt").add("x", SafetensorsDtype.BF16, new long[] {3}, v).write(p);
    }
    assertThat(Files.mismatch(one, two)).isEqualTo(-1L);
    byte[] bytes = Files.readAllBytes(one);
    long n = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
    assertThat(n % 8).isZero();
    assertThat(bytes.length).isEqualTo(8 + n + 6);
    String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
    assertThat(header).startsWith("{\"__metadata__\":{\"format\":\"pt\"},\"x\":{\"dtype\":\"BF16\",\"shape\":[3],"
        + "\"data_offsets\":[0,6]}}");
    assertThat(header.substring(header.lastIndexOf('}') + 1)).matches(" *");
    JsonNode parsed = Json.MAPPER.readTree(header);
    assertThat(parsed.get("x").get("data_offsets").get(1).asInt()).isEqualTo(6);
    assertThat(Files.list(dir).map(p -> p.getFileName().toString())).containsExactlyInAnyOrder(
        "one.safetensors", "two.safetensors"); // no temporary files left
  }

  @Test
  void loadsEveryFloatDtypeAsFloat32AndFloat16NdArrays() {
    float[] v = sample(12, 5);
    Path file = dir.resolve("l.safetensors");
    new SafetensorsWriter()
        .add("w32", SafetensorsDtype.F32, new long[] {3, 4}, v)
        .add("w16", SafetensorsDtype.F16, new long[] {3, 4}, v)
        .add("wbf", SafetensorsDtype.BF16, new long[] {3, 4}, v)
        .write(file);
    try (SafetensorsFile f = SafetensorsFile.open(file); NDManager m = NDManager.newBaseManager()) {
      for (String name : new String[] {"w32", "w16", "wbf"}) {
        float[] stored = f.readFloats(name);
        try (NDArray a = f.load(name, m, DataType.FLOAT32)) {
          assertThat(a.getDataType()).isEqualTo(DataType.FLOAT32);
          assertThat(a.getShape()).isEqualTo(new Shape(3, 4));
          assertThat(a.toFloatArray()).as(name).containsExactly(stored);
        }
        try (NDArray a = f.load(name, m, DataType.FLOAT16); NDArray back = a.toType(DataType.FLOAT32, false)) {
          assertThat(a.getDataType()).isEqualTo(DataType.FLOAT16);
          float[] expected = new float[stored.length];
          for (int i = 0; i < stored.length; i++) {
            expected[i] = HalfFloats.f16ToF32(HalfFloats.f32ToF16(stored[i]));
          }
          assertThat(back.toFloatArray()).as(name).containsExactly(expected);
        }
      }
    }
  }

  @Test
  void largeTensorsAreBuiltInChunksAlongDimZero() {
    float[] v = sample(7 * 5, 6);
    Path file = dir.resolve("c.safetensors");
    new SafetensorsWriter().add("w", SafetensorsDtype.BF16, new long[] {7, 5}, v).write(file);
    try (SafetensorsFile f = SafetensorsFile.open(file); NDManager m = NDManager.newBaseManager()) {
      float[] stored = f.readFloats("w");
      // 5 floats per row = 20 bytes; a 40-byte chunk takes 2 rows, so 4 slices are concatenated
      try (NDArray a = f.load("w", m, DataType.FLOAT32, 40)) {
        assertThat(a.getShape()).isEqualTo(new Shape(7, 5));
        assertThat(a.toFloatArray()).containsExactly(stored);
      }
      try (NDArray a = f.load("w", m, DataType.FLOAT16, 1); NDArray back = a.toType(DataType.FLOAT32, false)) {
        assertThat(a.getShape()).isEqualTo(new Shape(7, 5));
        assertThat(a.getDataType()).isEqualTo(DataType.FLOAT16);
        float[] expected = new float[stored.length];
        for (int i = 0; i < stored.length; i++) {
          expected[i] = HalfFloats.f16ToF32(HalfFloats.f32ToF16(stored[i]));
        }
        assertThat(back.toFloatArray()).containsExactly(expected);
      }
    }
  }

  @Test
  void writesNdArraysAndByteBuffersOfAnyLayoutAndOrder() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray base = m.arange(0f, 6f).reshape(2, 3);
      NDArray transposed = base.transpose(); // not contiguous
      ByteBuffer be = ByteBuffer.allocate(16).order(ByteOrder.BIG_ENDIAN);
      be.putFloat(1f).putFloat(2f).putFloat(3f).putFloat(4f).flip();
      ByteBuffer longs = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(7).putLong(-9).flip();
      Path file = dir.resolve("n.safetensors");
      new SafetensorsWriter()
          .add("t", SafetensorsDtype.F32, transposed)
          .add("t16", SafetensorsDtype.F16, transposed)
          .add("be", SafetensorsDtype.F32, new long[] {2, 2}, be, SafetensorsDtype.F32)
          .add("ids", SafetensorsDtype.I64, new long[] {2}, longs, SafetensorsDtype.I64)
          .add("scalar", SafetensorsDtype.F32, new long[] {}, new float[] {42f})
          .add("empty", SafetensorsDtype.F32, new long[] {0, 3}, new float[0])
          .write(file);
      assertThat(be.position()).isZero();
      try (SafetensorsFile f = SafetensorsFile.open(file)) {
        assertThat(f.info("t").shape()).containsExactly(3, 2);
        assertThat(f.readFloats("t")).containsExactly(0, 3, 1, 4, 2, 5);
        assertThat(f.readFloats("t16")).containsExactly(0, 3, 1, 4, 2, 5);
        assertThat(f.readFloats("be")).containsExactly(1, 2, 3, 4);
        assertThat(f.info("ids").dtype()).isEqualTo(SafetensorsDtype.I64);
        ByteBuffer raw = f.readRaw("ids");
        assertThat(raw.getLong(0)).isEqualTo(7);
        assertThat(raw.getLong(8)).isEqualTo(-9);
        assertThat(f.readFloats("scalar")).containsExactly(42f);
        try (NDArray s = f.load("scalar", m, DataType.FLOAT32); NDArray e = f.load("empty", m, DataType.FLOAT32)) {
          assertThat(s.getShape()).isEqualTo(new Shape());
          assertThat(s.getFloat()).isEqualTo(42f);
          assertThat(e.getShape()).isEqualTo(new Shape(0, 3));
        }
        assertThatThrownBy(() -> f.load("ids", m, DataType.FLOAT32))
            .isInstanceOf(SrlmException.class)
            .hasMessageContaining("dtype I64")
            .hasMessageContaining("tensor=ids")
            .hasMessageContaining(file.toString());
        assertThatThrownBy(() -> f.readFloats("ids")).isInstanceOf(SrlmException.class);
        assertThatThrownBy(() -> f.info("nope"))
            .isInstanceOf(SrlmException.class)
            .satisfies(e -> assertThat(((SrlmException) e).code()).isEqualTo(ErrorCode.CHECKPOINT))
            .hasMessageContaining("tensor=nope");
        assertThatThrownBy(() -> f.load("t", m, DataType.INT32)).isInstanceOf(IllegalArgumentException.class);
      }
    }
  }

  @Test
  void writerRejectsMismatchedInput() {
    SafetensorsWriter w = new SafetensorsWriter().add("a", SafetensorsDtype.F32, new long[] {2}, new float[2]);
    assertThatThrownBy(() -> w.add("a", SafetensorsDtype.F32, new long[] {2}, new float[2]))
        .hasMessageContaining("twice");
    assertThatThrownBy(() -> w.add("b", SafetensorsDtype.F32, new long[] {3}, new float[2]))
        .hasMessageContaining("3 elements");
    assertThatThrownBy(() -> w.add("c", SafetensorsDtype.I32, new long[] {2}, new float[2]))
        .hasMessageContaining("cannot write F32 data as I32");
    assertThatThrownBy(() -> w.add("d", SafetensorsDtype.F32, new long[] {-1}, new float[0]))
        .hasMessageContaining("negative");
    assertThat(Arrays.asList(w.dataBytes())).containsExactly(8L);
  }
}

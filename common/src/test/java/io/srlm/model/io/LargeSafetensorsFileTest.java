package io.srlm.model.io;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A sparse 3 GiB file: a tensor past the 2 GiB mark loads by mapping only its own region. */
class LargeSafetensorsFileTest {
  @TempDir Path dir;

  @Test
  void tensorPastTwoGibLoadsWithoutReadingTheFile() throws Exception {
    long begin = (1L << 31) + 40; // data offset past Integer.MAX_VALUE
    String header = "{\"__metadata__\":{\"format\":\"pt\"},"
        + "\"small\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
        + "\"far\":{\"dtype\":\"BF16\",\"shape\":[2,2],\"data_offsets\":[" + begin + "," + (begin + 8) + "]}}";
    byte[] h = header.getBytes(StandardCharsets.UTF_8);
    long dataStart = 8 + h.length;
    Path file = dir.resolve("big.safetensors");
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.setLength(3L << 30); // sparse: no disk blocks for the hole
      ByteBuffer head = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length);
      raf.write(head.array());
      raf.write(h);
      raf.write(Crafted.f32(1.5f, -2f));
      raf.seek(dataStart + begin);
      ByteBuffer bf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      for (float v : new float[] {1f, -2f, 0.5f, 3.140625f}) {
        bf.putShort(HalfFloats.f32ToBf16(v));
      }
      raf.write(bf.array());
    }
    assertThat(Files.size(file)).isGreaterThan(Integer.MAX_VALUE);
    try (SafetensorsFile f = SafetensorsFile.open(file); NDManager m = NDManager.newBaseManager()) {
      TensorInfo far = f.info("far");
      assertThat(far.offset()).isEqualTo(dataStart + begin);
      assertThat(f.readFloats("small")).containsExactly(1.5f, -2f);
      assertThat(f.readFloats("far")).containsExactly(1f, -2f, 0.5f, 3.140625f);
      try (NDArray a = f.load("far", m, DataType.FLOAT32)) {
        assertThat(a.getShape()).isEqualTo(new Shape(2, 2));
        assertThat(a.toFloatArray()).containsExactly(1f, -2f, 0.5f, 3.140625f);
      }
      try (NDArray a = f.load("far", m, DataType.FLOAT16)) {
        assertThat(a.getDataType()).isEqualTo(DataType.FLOAT16);
      }
    }
  }
}

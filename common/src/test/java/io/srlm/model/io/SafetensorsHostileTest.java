package io.srlm.model.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.srlm.errors.ErrorCode;
import io.srlm.errors.SrlmException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Corrupt and hostile files: each is refused with a message naming the file, the tensor and the problem. */
class SafetensorsHostileTest {
  @TempDir Path dir;

  private AbstractThrowableAssert<?, ? extends Throwable> refused(Path file) {
    return assertThatThrownBy(() -> SafetensorsFile.open(file).close())
        .isInstanceOf(SrlmException.class)
        .satisfies(e -> assertThat(((SrlmException) e).code()).isEqualTo(ErrorCode.CHECKPOINT))
        .satisfies(e -> assertThat(((SrlmException) e).context()).containsEntry("file", file.toString()))
        .hasMessageContaining(file.toString())
        .hasMessageContaining("To fix:");
  }

  private Path craft(String name, String header, byte[] data) throws IOException {
    return Crafted.file(dir.resolve(name), header, data);
  }

  @Test
  void hugeHeaderLengthIsRefusedWithoutAllocating() throws IOException {
    Path f = Crafted.file(dir.resolve("huge.safetensors"), Long.MAX_VALUE, "{}", new byte[0]);
    refused(f).hasMessageContaining("header length").hasMessageContaining("100 MiB");
    Path g = Crafted.file(dir.resolve("negative.safetensors"), -1L, "{}", new byte[0]);
    refused(g).hasMessageContaining("18446744073709551615");
  }

  @Test
  void headerLongerThanTheFileIsRefused() throws IOException {
    Path f = Crafted.file(dir.resolve("short.safetensors"), 4096, "{}", new byte[0]);
    refused(f).hasMessageContaining("larger than the file");
  }

  @Test
  void fileShorterThanTheLengthPrefixIsRefused() throws IOException {
    Path f = dir.resolve("tiny.safetensors");
    Files.write(f, new byte[] {1, 2, 3});
    refused(f).hasMessageContaining("too short");
  }

  @Test
  void invalidJsonIsRefused() throws IOException {
    refused(craft("json.safetensors", "{\"a\": {\"dtype\": ", new byte[0])).hasMessageContaining("not valid JSON");
    refused(craft("array.safetensors", "[1, 2, 3]", new byte[0])).hasMessageContaining("does not start with '{'");
    refused(craft("dup.safetensors", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
        + "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", new byte[4]))
        .hasMessageContaining("not valid JSON").hasMessageContaining("Duplicate");
  }

  @Test
  void offsetsBeyondTheFileAreRefused() throws IOException {
    Path f = craft("beyond.safetensors", "{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}",
        new byte[8]);
    refused(f).hasMessageContaining("tensor=w").hasMessageContaining("past the end of the file");
    Path g = craft("huge.safetensors",
        "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[9223372036854775800,9223372036854775804]}}",
        new byte[8]);
    refused(g).hasMessageContaining("tensor=w").hasMessageContaining("past the end of the file");
    Path h = craft("bigint.safetensors",
        "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,99999999999999999999999]}}", new byte[8]);
    refused(h).hasMessageContaining("tensor=w").hasMessageContaining("not an integer");
  }

  @Test
  void endBeforeBeginIsRefused() throws IOException {
    Path f = craft("backwards.safetensors", "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,4]}}",
        new byte[16]);
    refused(f).hasMessageContaining("tensor=w").hasMessageContaining("begin <= end");
    Path g = craft("neg.safetensors", "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[-4,0]}}",
        new byte[16]);
    refused(g).hasMessageContaining("tensor=w").hasMessageContaining("begin <= end");
  }

  @Test
  void overlappingTensorsAreRefused() throws IOException {
    Path f = craft("overlap.safetensors", "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
        + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", new byte[12]);
    refused(f).hasMessageContaining("tensor=b").hasMessageContaining("overlap tensor 'a'");
  }

  @Test
  void dtypeShapeMismatchIsRefused() throws IOException {
    Path f = craft("mismatch.safetensors", "{\"w\":{\"dtype\":\"BF16\",\"shape\":[2,3],\"data_offsets\":[0,24]}}",
        new byte[24]);
    refused(f).hasMessageContaining("tensor=w").hasMessageContaining("needs 12 bytes")
        .hasMessageContaining("cover 24 bytes").hasMessageContaining("dtype/shape mismatch");
  }

  @Test
  void unknownDtypeIsRefused() throws IOException {
    Path f = craft("dtype.safetensors", "{\"w\":{\"dtype\":\"F8_E9M9\",\"shape\":[1],\"data_offsets\":[0,1]}}",
        new byte[1]);
    refused(f).hasMessageContaining("tensor=w").hasMessageContaining("unknown dtype 'F8_E9M9'")
        .hasMessageContaining("BF16");
  }

  @Test
  void negativeDimsAndOverflowingShapesAreRefused() throws IOException {
    Path f = craft("negdim.safetensors", "{\"w\":{\"dtype\":\"F32\",\"shape\":[-2,-2],\"data_offsets\":[0,16]}}",
        new byte[16]);
    refused(f).hasMessageContaining("tensor=w").hasMessageContaining("negative dimension -2");
    Path g = craft("overflow.safetensors", "{\"w\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],"
        + "\"data_offsets\":[0,0]}}", new byte[0]);
    refused(g).hasMessageContaining("tensor=w").hasMessageContaining("too many elements");
    Path h = craft("overflow2.safetensors", "{\"w\":{\"dtype\":\"F64\",\"shape\":[4611686018427387904],"
        + "\"data_offsets\":[0,0]}}", new byte[0]);
    refused(h).hasMessageContaining("tensor=w").hasMessageContaining("more bytes");
  }

  @Test
  void malformedEntriesAreRefused() throws IOException {
    refused(craft("noshape.safetensors", "{\"w\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", new byte[4]))
        .hasMessageContaining("tensor=w").hasMessageContaining("\"shape\"");
    refused(craft("three.safetensors", "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4,8]}}",
        new byte[8])).hasMessageContaining("[begin, end]");
    refused(craft("meta.safetensors", "{\"__metadata__\":{\"n\":1}}", new byte[0]))
        .hasMessageContaining("__metadata__");
    refused(craft("entry.safetensors", "{\"w\":7}", new byte[0])).hasMessageContaining("tensor=w");
  }

  @Test
  void holesAndZeroLengthTensorsAreAccepted() throws IOException {
    Path f = craft("ok.safetensors", "{\"__metadata__\":{\"format\":\"pt\"},"
        + "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]},"
        + "\"e\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[8,8]},"
        + "\"b\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[0,2]}}  ", new byte[12]);
    try (SafetensorsFile s = SafetensorsFile.open(f)) {
      assertThat(s.names()).containsExactly("b", "a", "e");
      assertThat(s.info("b").dtype()).isEqualTo(SafetensorsDtype.U8);
    }
  }
}

package io.srlm.model.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import io.srlm.errors.Errors;
import io.srlm.util.Json;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A parsed and fully validated safetensors header. Nothing in the file is trusted: every length and offset is
 * checked against the real file size before anything is allocated or mapped.
 *
 * @param dataStart absolute file offset of the data section (8 + header length)
 * @param tensors the tensors in file order (by data offset, then name)
 * @param metadata the {@code __metadata__} string map, empty when absent
 */
record SafetensorsHeader(long dataStart, List<TensorInfo> tensors, Map<String, String> metadata) {
  /** The largest header srlm reads; real headers are a few hundred KiB at most. */
  static final long MAX_HEADER_BYTES = 100L << 20;

  static final String METADATA_KEY = "__metadata__";

  static final String FIX = "the file is corrupt, truncated or not a safetensors file; download or save the model "
      + "again (in Python: model.save_pretrained(dir, safe_serialization=True))";

  /** Reads and validates the header of {@code ch}, a file of {@code fileSize} bytes named {@code file}. */
  static SafetensorsHeader read(FileChannel ch, long fileSize, String file) throws IOException {
    if (fileSize < 8) {
      throw Errors.checkpoint(file, "file is " + fileSize + " bytes, too short for the 8-byte header length", FIX);
    }
    ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    readFully(ch, lenBuf, 0);
    long headerLen = lenBuf.getLong(0);
    if (headerLen < 2 || headerLen > MAX_HEADER_BYTES) {
      throw Errors.checkpoint(file, "header length " + Long.toUnsignedString(headerLen)
          + " bytes is outside the sane range 2.." + MAX_HEADER_BYTES + " (100 MiB)", FIX);
    }
    if (headerLen > fileSize - 8) {
      throw Errors.checkpoint(file, "header length " + headerLen + " bytes is larger than the file ("
          + fileSize + " bytes)", FIX);
    }
    ByteBuffer headerBuf = ByteBuffer.allocate((int) headerLen);
    readFully(ch, headerBuf, 8);
    JsonNode root = parseJson(headerBuf.array(), file);
    return validate(root, 8 + headerLen, fileSize, file);
  }

  private static JsonNode parseJson(byte[] bytes, String file) {
    if (bytes[0] != '{') {
      throw Errors.checkpoint(file, "header does not start with '{', so it is not a safetensors JSON header", FIX);
    }
    try {
      return Json.MAPPER.reader().with(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY).readTree(bytes);
    } catch (JsonProcessingException e) {
      String at = e.getLocation() == null ? ""
          : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
      throw Errors.checkpoint(file, "header is not valid JSON" + at + ": " + e.getOriginalMessage(), FIX, e);
    } catch (IOException e) {
      throw Errors.checkpoint(file, "header is not valid JSON: " + e.getMessage(), FIX, e);
    }
  }

  private static SafetensorsHeader validate(JsonNode root, long dataStart, long fileSize, String file) {
    if (root == null || !root.isObject()) {
      throw Errors.checkpoint(file, "header is not a JSON object", FIX);
    }
    long dataSize = fileSize - dataStart;
    Map<String, String> metadata = new LinkedHashMap<>();
    List<TensorInfo> tensors = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (METADATA_KEY.equals(e.getKey())) {
        readMetadata(e.getValue(), file, metadata);
      } else {
        tensors.add(readTensor(e.getKey(), e.getValue(), dataStart, dataSize, file));
      }
    }
    tensors.sort(Comparator.comparingLong(TensorInfo::offset).thenComparing(TensorInfo::name));
    checkOverlaps(tensors, dataStart, file);
    return new SafetensorsHeader(dataStart, List.copyOf(tensors), Map.copyOf(metadata));
  }

  private static void readMetadata(JsonNode node, String file, Map<String, String> out) {
    if (node.isNull()) {
      return;
    }
    if (!node.isObject()) {
      throw Errors.checkpoint(file, "__metadata__ must be a JSON object of strings", FIX);
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getValue().isTextual()) {
        throw Errors.checkpoint(file, "__metadata__ value for '" + e.getKey() + "' is not a string", FIX);
      }
      out.put(e.getKey(), e.getValue().textValue());
    }
  }

  private static TensorInfo readTensor(String name, JsonNode node, long dataStart, long dataSize, String file) {
    if (!node.isObject()) {
      throw Errors.checkpointTensor(file, name, "tensor entry is not a JSON object", FIX);
    }
    JsonNode dtypeNode = node.get("dtype");
    if (dtypeNode == null || !dtypeNode.isTextual()) {
      throw Errors.checkpointTensor(file, name, "tensor has no \"dtype\" string", FIX);
    }
    SafetensorsDtype dtype = SafetensorsDtype.parse(dtypeNode.textValue()).orElseThrow(() ->
        Errors.checkpointTensor(file, name, "unknown dtype '" + dtypeNode.textValue() + "' (srlm knows "
            + SafetensorsDtype.known() + ")", "re-save the model with float32, float16 or bfloat16 weights"));
    long[] shape = longs(node.get("shape"), "shape", name, file);
    long numel = 1;
    for (long d : shape) {
      if (d < 0) {
        throw Errors.checkpointTensor(file, name, "negative dimension " + d + " in shape " + Arrays.toString(shape),
            FIX);
      }
      try {
        numel = Math.multiplyExact(numel, d);
      } catch (ArithmeticException ex) {
        throw Errors.checkpointTensor(file, name, "shape " + Arrays.toString(shape) + " has too many elements", FIX);
      }
    }
    long expected;
    try {
      expected = Math.multiplyExact(numel, (long) dtype.size());
    } catch (ArithmeticException ex) {
      throw Errors.checkpointTensor(file, name, "shape " + Arrays.toString(shape) + " of " + dtype
          + " has more bytes than a file can hold", FIX);
    }
    long[] offsets = longs(node.get("data_offsets"), "data_offsets", name, file);
    if (offsets.length != 2) {
      throw Errors.checkpointTensor(file, name, "data_offsets must be [begin, end], got "
          + Arrays.toString(offsets), FIX);
    }
    long begin = offsets[0];
    long end = offsets[1];
    if (begin < 0 || end < begin) {
      throw Errors.checkpointTensor(file, name, "data_offsets " + Arrays.toString(offsets)
          + " are invalid (need 0 <= begin <= end)", FIX);
    }
    if (end > dataSize) {
      throw Errors.checkpointTensor(file, name, "data_offsets " + Arrays.toString(offsets)
          + " reach past the end of the file (the data section holds " + dataSize + " bytes)", FIX);
    }
    if (end - begin != expected) {
      throw Errors.checkpointTensor(file, name, "dtype " + dtype + " with shape " + Arrays.toString(shape)
          + " needs " + expected + " bytes but data_offsets " + Arrays.toString(offsets) + " cover "
          + (end - begin) + " bytes (dtype/shape mismatch)", FIX);
    }
    return new TensorInfo(name, dtype, shape, dataStart + begin, end - begin);
  }

  private static long[] longs(JsonNode node, String key, String name, String file) {
    if (node == null || !node.isArray()) {
      throw Errors.checkpointTensor(file, name, "tensor has no \"" + key + "\" array", FIX);
    }
    long[] out = new long[node.size()];
    for (int i = 0; i < out.length; i++) {
      JsonNode v = node.get(i);
      if (!v.isIntegralNumber() || !v.canConvertToLong()) {
        throw Errors.checkpointTensor(file, name, "\"" + key + "\" holds " + v + ", not an integer", FIX);
      }
      out[i] = v.longValue();
    }
    return out;
  }

  private static void checkOverlaps(List<TensorInfo> sorted, long dataStart, String file) {
    TensorInfo prev = null;
    for (TensorInfo t : sorted) {
      if (t.length() == 0) {
        continue;
      }
      if (prev != null && t.offset() < prev.offset() + prev.length()) {
        throw Errors.checkpointTensor(file, t.name(), "its bytes [" + (t.offset() - dataStart) + ", "
            + (t.offset() - dataStart + t.length()) + ") overlap tensor '" + prev.name() + "' at ["
            + (prev.offset() - dataStart) + ", " + (prev.offset() - dataStart + prev.length()) + ")", FIX);
      }
      prev = t;
    }
  }

  private static void readFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
    long pos = position;
    while (buf.hasRemaining()) {
      int n = ch.read(buf, pos);
      if (n < 0) {
        throw new IOException("unexpected end of file at byte " + pos);
      }
      pos += n;
    }
  }
}

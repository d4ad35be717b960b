package io.srlm.model.io;

import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.srlm.errors.Errors;
import io.srlm.util.Json;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Writes one {@code .safetensors} file. Tensors are added in order, then {@link #write} streams the header and
 * each tensor's bytes to disk through a small buffer, converting to the requested dtype on the way (float32 to
 * bfloat16 and float16 round to nearest even). The same tensors and metadata always give the same bytes.
 *
 * <p>Float sources (float arrays, float buffers, float NDArrays) can be written as F32, F16 or BF16. Integer and
 * boolean buffers or NDArrays are written unchanged, in their own dtype.
 *
 * <p>The writer keeps references to the data until {@link #write}; do not change or close it before then.
 */
public final class SafetensorsWriter {
  private static final int IO_BUFFER_BYTES = 8 << 20;

  private final List<Pending> tensors = new ArrayList<>();
  private final Set<String> names = new HashSet<>();
  private final Map<String, String> metadata = new TreeMap<>();

  /** A tensor waiting to be written. */
  record Pending(String name, SafetensorsDtype dtype, long[] shape, long numel, TensorSource source) {
    long bytes() {
      return numel * dtype.size();
    }
  }

  /** Adds a {@code __metadata__} entry; HF transformers expects {@code format = pt}. */
  public SafetensorsWriter metadata(String key, String value) {
    metadata.put(key, value);
    return this;
  }

  /** Adds all entries to {@code __metadata__}. */
  public SafetensorsWriter metadata(Map<String, String> entries) {
    metadata.putAll(entries);
    return this;
  }

  /** Adds float32 data (row-major, {@code data.length == product(shape)}) to be written as {@code dtype}. */
  public SafetensorsWriter add(String name, SafetensorsDtype dtype, long[] shape, float[] data) {
    long numel = checkShape(name, shape);
    if (data.length != numel) {
      throw new IllegalArgumentException("tensor '" + name + "': shape " + Arrays.toString(shape) + " has "
          + numel + " elements but the array has " + data.length);
    }
    return add(name, dtype, shape, numel, new TensorSource.Floats(data));
  }

  /**
   * Adds the remaining bytes of {@code data}, elements of {@code dataDtype} in the buffer's byte order, to be
   * written as {@code dtype}. The buffer's position and limit are not changed.
   */
  public SafetensorsWriter add(String name, SafetensorsDtype dtype, long[] shape, ByteBuffer data,
      SafetensorsDtype dataDtype) {
    long numel = checkShape(name, shape);
    if (data.remaining() != numel * dataDtype.size()) {
      throw new IllegalArgumentException("tensor '" + name + "': shape " + Arrays.toString(shape) + " of "
          + dataDtype + " needs " + numel * dataDtype.size() + " bytes but the buffer has " + data.remaining());
    }
    return add(name, dtype, shape, numel, new TensorSource.Bytes(data, dataDtype));
  }

  /** Adds an NDArray (its own shape; any device) to be written as {@code dtype}. */
  public SafetensorsWriter add(String name, SafetensorsDtype dtype, NDArray array) {
    SafetensorsDtype source = TensorSource.Array.of(array.getDataType());
    if (source == null) {
      throw new IllegalArgumentException("tensor '" + name + "': cannot write an NDArray of "
          + array.getDataType());
    }
    long[] shape = array.getShape().getShape();
    long numel = checkShape(name, shape);
    return add(name, dtype, shape, numel, new TensorSource.Array(array, source));
  }

  /** The number of tensor data bytes the file will hold (without the header). */
  public long dataBytes() {
    long total = 0;
    for (Pending p : tensors) {
      total = Math.addExact(total, p.bytes());
    }
    return total;
  }

  /** Writes the file (through a temporary file beside it, then an atomic rename), replacing any old one. */
  public void write(Path file) {
    writeFile(file, tensors, metadata);
  }

  List<Pending> pending() {
    return List.copyOf(tensors);
  }

  Map<String, String> metadataMap() {
    return Map.copyOf(metadata);
  }

  private SafetensorsWriter add(String name, SafetensorsDtype dtype, long[] shape, long numel,
      TensorSource source) {
    if (name == null || name.isEmpty() || SafetensorsHeader.METADATA_KEY.equals(name)) {
      throw new IllegalArgumentException("invalid tensor name: " + name);
    }
    if (!names.add(name)) {
      throw new IllegalArgumentException("tensor '" + name + "' was added twice");
    }
    boolean floatOut = dtype == SafetensorsDtype.F32 || dtype == SafetensorsDtype.F16
        || dtype == SafetensorsDtype.BF16;
    boolean ok = source.dtype().isFloat() ? floatOut : source.dtype() == dtype;
    if (!ok) {
      names.remove(name);
      throw new IllegalArgumentException("tensor '" + name + "': cannot write " + source.dtype() + " data as "
          + dtype + " (float data goes to F32, F16 or BF16; other data keeps its dtype)");
    }
    tensors.add(new Pending(name, dtype, shape.clone(), numel, source));
    return this;
  }

  private static long checkShape(String name, long[] shape) {
    long numel = 1;
    for (long d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException("tensor '" + name + "': negative dimension in "
            + Arrays.toString(shape));
      }
      numel = Math.multiplyExact(numel, d);
    }
    Math.multiplyExact(numel, 8L);
    return numel;
  }

  /** Writes {@code tensors} in order, with {@code metadata}, to {@code file}. */
  static void writeFile(Path file, List<Pending> tensors, Map<String, String> metadata) {
    byte[] header = header(tensors, metadata);
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp-" + UUID.randomUUID());
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        ByteBuffer buf = ByteBuffer.allocateDirect(IO_BUFFER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        buf.putLong(header.length);
        writeAll(ch, buf.flip());
        writeAll(ch, ByteBuffer.wrap(header));
        for (Pending p : tensors) {
          writeTensor(ch, buf, p);
        }
        ch.force(true);
      }
      moveIntoPlace(tmp, file);
    } catch (IOException | RuntimeException e) {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException cleanup) {
        e.addSuppressed(cleanup);
      }
      if (e instanceof RuntimeException re) {
        throw re;
      }
      throw Errors.checkpoint(file.toString(), "cannot write the file: " + e,
          "check free disk space and write permission on that folder", e);
    }
  }

  private static void writeTensor(FileChannel ch, ByteBuffer buf, Pending p) throws IOException {
    int perChunk = IO_BUFFER_BYTES / p.dtype().size();
    try (TensorSource.Reader reader = p.source().open()) {
      for (long done = 0; done < p.numel(); ) {
        int n = (int) Math.min(perChunk, p.numel() - done);
        buf.clear();
        reader.fill(done, n, buf, p.dtype());
        writeAll(ch, buf.flip());
        done += n;
      }
    }
  }

  /** The JSON header, padded with spaces to a multiple of 8 bytes. */
  static byte[] header(List<Pending> tensors, Map<String, String> metadata) {
    ObjectNode root = Json.MAPPER.createObjectNode();
    if (!metadata.isEmpty()) {
      ObjectNode meta = root.putObject(SafetensorsHeader.METADATA_KEY);
      new TreeMap<>(metadata).forEach(meta::put);
    }
    long offset = 0;
    for (Pending p : tensors) {
      ObjectNode t = root.putObject(p.name());
      t.put("dtype", p.dtype().name());
      ArrayNode shape = t.putArray("shape");
      for (long d : p.shape()) {
        shape.add(d);
      }
      long end = Math.addExact(offset, p.bytes());
      t.putArray("data_offsets").add(offset).add(end);
      offset = end;
    }
    byte[] json;
    try {
      json = Json.MAPPER.writeValueAsString(root).getBytes(StandardCharsets.UTF_8);
    } catch (JsonProcessingException e) {
      throw Errors.internal("cannot serialise a safetensors header", e);
    }
    int padded = (json.length + 7) & ~7;
    byte[] out = Arrays.copyOf(json, padded);
    Arrays.fill(out, json.length, padded, (byte) ' ');
    return out;
  }

  private static void writeAll(FileChannel ch, ByteBuffer b) throws IOException {
    while (b.hasRemaining()) {
      ch.write(b);
    }
  }

  static void moveIntoPlace(Path tmp, Path target) throws IOException {
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}

package io.srlm.model.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.srlm.errors.Errors;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads one {@code .safetensors} file: an 8-byte little-endian header length, a JSON header, then raw
 * little-endian tensor data. The header is validated on {@link #open}; tensor bytes are memory-mapped one region
 * at a time when read, so files of any size (past 2 GiB included) work without reading the whole file.
 *
 * <p>Float tensors (F32, F16, BF16, F64) load as float32 or float16 NDArrays. BF16 is always converted in Java,
 * because DJL's PyTorch engine cannot hold bfloat16 arrays. Other dtypes can be listed and read as raw bytes.
 *
 * <p>Safe to use from several threads; close it when done (arrays already loaded stay valid).
 */
public final class SafetensorsFile implements AutoCloseable {
  /** Converted tensors larger than this are built slice by slice along dim 0. */
  static final long DEFAULT_CHUNK_BYTES = 1L << 30;

  /** The largest region mapped or buffered at once: one Java buffer cannot exceed 2 GiB. */
  private static final long MAX_WINDOW = Integer.MAX_VALUE - 4096;

  /** The smallest magnitude that rounds to infinity in f16 (65504 + half an ulp of 32). */
  static final float F16_OVERFLOW = 65520f;

  private final Path file;
  private final FileChannel channel;
  private final Map<String, TensorInfo> tensors;
  private final Map<String, String> metadata;

  private SafetensorsFile(Path file, FileChannel channel, SafetensorsHeader header) {
    this.file = file;
    this.channel = channel;
    Map<String, TensorInfo> byName = new LinkedHashMap<>();
    for (TensorInfo t : header.tensors()) {
      byName.put(t.name(), t);
    }
    this.tensors = byName;
    this.metadata = header.metadata();
  }

  /** Opens and validates {@code file}; throws a checkpoint error naming the file and tensor if it is bad. */
  public static SafetensorsFile open(Path file) {
    FileChannel ch;
    try {
      ch = FileChannel.open(file, StandardOpenOption.READ);
    } catch (IOException e) {
      throw Errors.checkpoint(file.toString(), "cannot open the file: " + e,
          "check that the file exists and is readable", e);
    }
    try {
      SafetensorsHeader header = SafetensorsHeader.read(ch, ch.size(), file.toString());
      return new SafetensorsFile(file, ch, header);
    } catch (IOException | RuntimeException e) {
      try {
        ch.close();
      } catch (IOException closeError) {
        e.addSuppressed(closeError);
      }
      if (e instanceof RuntimeException re) {
        throw re;
      }
      throw Errors.checkpoint(file.toString(), "cannot read the header: " + e, SafetensorsHeader.FIX, e);
    }
  }

  public Path path() {
    return file;
  }

  /** Tensor names in file order. */
  public List<String> names() {
    return List.copyOf(tensors.keySet());
  }

  public boolean contains(String name) {
    return tensors.containsKey(name);
  }

  /** The header entry for {@code name}; a checkpoint error if the file has no such tensor. */
  public TensorInfo info(String name) {
    TensorInfo t = tensors.get(name);
    if (t == null) {
      throw Errors.checkpointTensor(file.toString(), name, "no tensor with this name in the file",
          "check the tensor name; this file holds " + tensors.size() + " tensors, e.g. "
              + String.join(", ", tensors.keySet().stream().limit(5).toList()));
    }
    return t;
  }

  /** The {@code __metadata__} map (e.g. {@code {"format": "pt"}}), empty when the header has none. */
  public Map<String, String> metadata() {
    return metadata;
  }

  /** All elements of a float tensor widened to float32, flattened in row-major order. For small tensors. */
  public float[] readFloats(String name) {
    TensorInfo t = requireFloat(name, "read as floats");
    if (t.numel() > Integer.MAX_VALUE - 8) {
      throw Errors.checkpointTensor(file.toString(), name, "tensor has " + t.numel()
          + " elements, too many for one Java array", "load it as an NDArray with load(...) instead");
    }
    float[] out = new float[(int) t.numel()];
    int size = t.dtype().size();
    long windowElems = MAX_WINDOW / size;
    for (long done = 0; done < t.numel(); ) {
      int n = (int) Math.min(windowElems, t.numel() - done);
      ByteBuffer src = map(t, done * size, (long) n * size);
      Elements.toFloats(src, t.dtype(), out, (int) done, n);
      done += n;
    }
    return out;
  }

  /**
   * The largest finite magnitude in a float tensor that narrowing to f16 would turn into infinity (f16's largest
   * finite value is 65504; anything from 65520 up rounds to infinity), or 0 when every value fits. F16 tensors
   * always fit. Reads the tensor once, window by window.
   */
  public float f16Overflow(String name) {
    TensorInfo t = requireFloat(name, "checked against the f16 range");
    if (t.dtype() == SafetensorsDtype.F16) {
      return 0f;
    }
    int size = t.dtype().size();
    long windowElems = MAX_WINDOW / size;
    float[] scratch = new float[(int) Math.min(1 << 16, Math.max(1, t.numel()))];
    float worst = 0f;
    for (long done = 0; done < t.numel(); ) {
      int n = (int) Math.min(windowElems, t.numel() - done);
      ByteBuffer src = map(t, done * size, (long) n * size);
      for (int off = 0; off < n; ) {
        int k = Math.min(scratch.length, n - off);
        Elements.toFloats(src, t.dtype(), scratch, 0, k);
        for (int i = 0; i < k; i++) {
          float a = Math.abs(scratch[i]);
          if (a >= F16_OVERFLOW && a != Float.POSITIVE_INFINITY && a > worst) {
            worst = a;
          }
        }
        off += k;
      }
      done += n;
    }
    return worst;
  }

  /**
   * The raw little-endian bytes of any tensor (ints and bools included), as a read-only memory-mapped buffer.
   * For tensors under 2 GiB.
   */
  public ByteBuffer readRaw(String name) {
    TensorInfo t = info(name);
    if (t.length() > MAX_WINDOW) {
      throw Errors.checkpointTensor(file.toString(), name, "tensor is " + t.length()
          + " bytes, too large for one buffer", "read float tensors with load(...), which slices them");
    }
    return map(t, 0, t.length());
  }

  /**
   * Loads a float tensor as a new NDArray of {@code target} ({@link DataType#FLOAT32} or
   * {@link DataType#FLOAT16}) with the tensor's shape, attached to {@code manager}. The caller closes it.
   */
  public NDArray load(String name, NDManager manager, DataType target) {
    return load(name, manager, target, DEFAULT_CHUNK_BYTES);
  }

  NDArray load(String name, NDManager manager, DataType target, long chunkBytes) {
    SafetensorsDtype dst = targetDtype(target);
    TensorInfo t = requireFloat(name, "load as " + target);
    long[] dims = t.shape();
    Shape shape = new Shape(dims);
    if (t.numel() == 0) {
      return manager.zeros(shape, target);
    }
    long rows = dims.length == 0 ? 1 : dims[0];
    long rowElems = t.numel() / rows;
    long rowBytes = rowElems * Math.max(t.dtype().size(), dst.size());
    if (rowBytes > MAX_WINDOW) {
      throw Errors.checkpointTensor(file.toString(), name, "one row along dim 0 of shape " + Arrays.toString(dims)
          + " is " + rowBytes + " bytes, more than one buffer can hold", "srlm cannot load this tensor");
    }
    long rowsPerChunk = Math.max(1, Math.min(rows, chunkBytes / rowBytes));
    if (rowsPerChunk >= rows) {
      return loadRows(t, 0, rows, rowElems, shape, manager, target, dst);
    }
    // fill a torch-allocated array slice by slice, so at most one slice is held beside it
    NDArray out = manager.create(shape, target);
    try {
      for (long r = 0; r < rows; r += rowsPerChunk) {
        long n = Math.min(rowsPerChunk, rows - r);
        long[] partDims = dims.clone();
        partDims[0] = n;
        try (NDArray part = loadRows(t, r, n, rowElems, new Shape(partDims), manager, target, dst)) {
          out.set(new NDIndex().addSliceDim(r, r + n), part);
        }
      }
      return out;
    } catch (RuntimeException e) {
      out.close();
      throw e;
    }
  }

  private NDArray loadRows(TensorInfo t, long firstRow, long rowCount, long rowElems, Shape shape,
      NDManager manager, DataType target, SafetensorsDtype dst) {
    int count = Math.toIntExact(rowCount * rowElems);
    ByteBuffer src = map(t, firstRow * rowElems * t.dtype().size(), (long) count * t.dtype().size());
    ByteBuffer buf = ByteBuffer.allocateDirect(count * dst.size()).order(ByteOrder.nativeOrder());
    Elements.convert(src, t.dtype(), buf, dst, count);
    buf.rewind();
    return manager.create(buf, shape, target);
  }

  private TensorInfo requireFloat(String name, String action) {
    TensorInfo t = info(name);
    if (!t.dtype().isFloat()) {
      throw Errors.checkpointTensor(file.toString(), name, "tensor has dtype " + t.dtype()
          + ", which cannot be " + action + " (only F32, F16, BF16 and F64 tensors are float weights)",
          "read it with readRaw(...), or check that this is the tensor you meant");
    }
    return t;
  }

  private static SafetensorsDtype targetDtype(DataType target) {
    if (target == DataType.FLOAT32) {
      return SafetensorsDtype.F32;
    }
    if (target == DataType.FLOAT16) {
      return SafetensorsDtype.F16;
    }
    throw new IllegalArgumentException("target must be FLOAT32 or FLOAT16, got " + target);
  }

  /** Maps {@code length} bytes of {@code t} starting {@code from} bytes into it; little-endian, read-only. */
  private ByteBuffer map(TensorInfo t, long from, long length) {
    try {
      return channel.map(FileChannel.MapMode.READ_ONLY, t.offset() + from, length).order(ByteOrder.LITTLE_ENDIAN);
    } catch (IOException e) {
      throw Errors.checkpointTensor(file.toString(), t.name(), "cannot read tensor bytes: " + e,
          "check that the file is still there and readable", e);
    }
  }

  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException e) {
      throw Errors.checkpoint(file.toString(), "cannot close the file: " + e, "check the file system", e);
    }
  }
}

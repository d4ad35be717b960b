package io.srlm.model.io;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import java.nio.ByteBuffer;

/** Where a tensor being written gets its elements: a float array, a byte buffer or an NDArray. */
interface TensorSource {

  /** The element type of the source data. */
  SafetensorsDtype dtype();

  /** Opens a reader; the writer opens one per tensor and closes it when the tensor is written. */
  Reader open();

  /** Reads consecutive runs of elements. */
  interface Reader extends AutoCloseable {
    /** Writes elements {@code [from, from + count)} (flat, row-major) into {@code dst} as {@code dstType}. */
    void fill(long from, int count, ByteBuffer dst, SafetensorsDtype dstType);

    @Override
    default void close() {}
  }

  /** A Java float array; elements are float32. */
  record Floats(float[] data) implements TensorSource {
    @Override
    public SafetensorsDtype dtype() {
      return SafetensorsDtype.F32;
    }

    @Override
    public Reader open() {
      return (from, count, dst, dstType) -> Elements.fromFloats(data, Math.toIntExact(from), count, dst, dstType);
    }
  }

  /** Elements of {@code dtype} in the remaining bytes of {@code data}, read in the buffer's byte order. */
  record Bytes(ByteBuffer data, SafetensorsDtype dtype) implements TensorSource {
    public Bytes {
      data = data.slice().order(data.order());
    }

    @Override
    public Reader open() {
      return (from, count, dst, dstType) -> {
        ByteBuffer src = data.duplicate().order(data.order());
        src.position(Math.toIntExact(from * dtype.size()));
        Elements.convert(src, dtype, dst, dstType, count);
      };
    }
  }

  /** An NDArray (any device, any layout); read through a flat view in slices. */
  record Array(NDArray array, SafetensorsDtype dtype) implements TensorSource {
    @Override
    public Reader open() {
      // one flat, contiguous CPU copy or view per tensor: DJL's toByteBuffer would otherwise leave a device copy
      // attached to the array's manager on every slice
      NDArray view = array.reshape(-1);
      NDArray flat = view;
      if (!view.getDevice().equals(Device.cpu())) {
        flat = view.toDevice(Device.cpu(), true);
        view.close();
      }
      NDArray cpuFlat = flat;
      return new Reader() {
        @Override
        public void fill(long from, int count, ByteBuffer dst, SafetensorsDtype dstType) {
          try (NDArray part = cpuFlat.get(new NDIndex().addSliceDim(from, from + count))) {
            ByteBuffer src = part.toByteBuffer();
            Elements.convert(src, dtype, dst, dstType, count);
          }
        }

        @Override
        public void close() {
          cpuFlat.close();
        }
      };
    }

    /** The safetensors dtype of a DJL data type; empty for types safetensors cannot hold or srlm never writes. */
    static SafetensorsDtype of(DataType t) {
      return switch (t) {
        case FLOAT32 -> SafetensorsDtype.F32;
        case FLOAT16 -> SafetensorsDtype.F16;
        case FLOAT64 -> SafetensorsDtype.F64;
        case INT64 -> SafetensorsDtype.I64;
        case INT32 -> SafetensorsDtype.I32;
        case INT16 -> SafetensorsDtype.I16;
        case INT8 -> SafetensorsDtype.I8;
        case UINT8 -> SafetensorsDtype.U8;
        case BOOLEAN -> SafetensorsDtype.BOOL;
        default -> null;
      };
    }
  }
}

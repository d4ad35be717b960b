package io.srlm.model.io;

import java.util.Arrays;
import java.util.Objects;

/**
 * One tensor as a safetensors header describes it.
 *
 * @param name the tensor name, e.g. {@code model.layers.0.self_attn.q_proj.weight}
 * @param dtype the stored element type
 * @param shape the dimensions, outermost first; {@code []} is a scalar
 * @param offset absolute byte offset of the first element in the file (past the 8-byte length and the header)
 * @param length the number of bytes, always {@code numel * dtype.size()}
 */
public record TensorInfo(String name, SafetensorsDtype dtype, long[] shape, long offset, long length) {

  public TensorInfo {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(dtype, "dtype");
    shape = shape.clone();
  }

  /** A copy of the dimensions. */
  @Override
  public long[] shape() {
    return shape.clone();
  }

  /** The number of elements: the product of the dimensions (1 for a scalar). */
  public long numel() {
    return length / dtype.size();
  }

  /** The number of dimensions. */
  public int rank() {
    return shape.length;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TensorInfo t && name.equals(t.name) && dtype == t.dtype && Arrays.equals(shape, t.shape)
        && offset == t.offset && length == t.length;
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, dtype, Arrays.hashCode(shape), offset, length);
  }

  @Override
  public String toString() {
    return name + " " + dtype + Arrays.toString(shape) + " @" + offset + "+" + length;
  }
}

package io.srlm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The decoder forward of generation (the call's joined or separate projections, no adapters, KV cache) as one
 * TorchScript call: the ~45 engine ops of a layer then run inside libtorch's interpreter (about 0.85 us per op on
 * the 2-core VM) instead of one JNI round trip and one Java array object each (about 2.8 us), which is most of what
 * a batch-1 decode step spends outside the matmuls. The script ({@code decoder.ts.py} beside this class) is the
 * same op sequence as {@link LlamaModel}'s forward, with the same kernels, so both give the same numbers (tested
 * bit for bit).
 *
 * <p>The module holds code only: it is written into a TorchScript archive in memory (code, an empty constants
 * table and a pickled module object with no parameters) and compiled by libtorch when loaded. Weights, caches and
 * constants are passed per call. Set {@code -Dsrlm.decoder.script=false} to run every forward as engine ops (the
 * same results, slower); a libtorch that cannot load the archive logs a warning once and falls back the same way,
 * and a model whose scripted forward fails when run redoes that forward with engine ops and keeps them.
 */
final class DecoderScript implements AutoCloseable {
  /** System property that turns the scripted forward off ({@code false}). */
  static final String PROPERTY = "srlm.decoder.script";
  private static final Logger LOG = LoggerFactory.getLogger(DecoderScript.class);
  private static final String CLASS_NAME = "SrlmDecoder";
  private static volatile boolean warned;
  private static byte[] archive;

  private final PtSymbolBlock module;

  private DecoderScript(PtSymbolBlock module) {
    this.module = module;
  }

  /** Whether scripted forwards are enabled for this JVM. */
  static boolean enabled() {
    return !"false".equalsIgnoreCase(System.getProperty(PROPERTY, "true"));
  }

  /**
   * Compiles the script into a module attached to {@code manager} (closed with it), or returns null (with one
   * warning per JVM) when this libtorch cannot load it.
   */
  static DecoderScript load(NDManager manager) {
    if (!(manager instanceof PtNDManager pm)) {
      return null;
    }
    try (InputStream in = new ByteArrayInputStream(archive())) {
      return new DecoderScript(JniUtils.loadModule(pm, in, true, false));
    } catch (IOException | RuntimeException | LinkageError e) { // LinkageError: a JNI build without moduleLoad
      if (!warned) {
        warned = true;
        LOG.warn("the scripted decoder forward could not be loaded ({}); generation runs it as engine ops "
            + "(same results, slower)", e.toString());
      }
      return null;
    }
  }

  /**
   * One forward (see {@link LlamaModel#forward}) writing keys and values at [cached, cached + T) of the caches.
   *
   * @param weights embed; per layer input norm, qkv (or q, k, v), o, post-attention norm, gate_up (or gate, up),
   *     down; final norm
   * @param biases per layer qkv (or q, k, v), o, gate_up (or gate, up), down (any array where the layer has none);
   *     empty without biases
   * @param dims layers, heads, kv heads, head dim, ffn, and 0/1 for qkv, o and mlp biases, for a mask and for
   *     joined projections
   * @param positions (B, T) int64 positions (rows of the RoPE tables)
   * @param mask additive (B, 1, 1, T, S) mask or null
   * @param constants the RoPE cos and sin tables, the rotate-half matrix, and the 0-d eps, -0.5 and 1/sqrt(hd)
   * @return (B, T, D) final hidden states, attached to the manager of {@code ids}
   */
  NDArray forward(NDArray ids, NDArray positions, NDArray mask, List<NDArray> weights, List<NDArray> biases,
      NDArray[] keys, NDArray[] values, long cached, long[] dims, List<NDArray> constants) {
    PtNDManager caller = (PtNDManager) ids.getManager();
    List<IValue> args = new ArrayList<>();
    try {
      args.add(IValue.from(pt(ids)));
      args.add(IValue.from(pt(positions)));
      args.add(IValue.from(pt(mask == null ? positions : mask))); // dims[8] says whether it is a mask
      args.add(IValue.listFrom(pts(weights)));
      args.add(IValue.listFrom(pts(biases)));
      args.add(IValue.listFrom(pts(List.of(keys))));
      args.add(IValue.listFrom(pts(List.of(values))));
      args.add(IValue.from(cached));
      args.add(IValue.listFrom(dims));
      args.add(IValue.listFrom(pts(constants)));
      try (IValue out = IValueUtils.runMethod(module, "forward", args.toArray(new IValue[0]))) {
        return out.toTensor(caller);
      }
    } finally {
      for (IValue v : args) {
        if (v != null) {
          v.close();
        }
      }
    }
  }

  /**
   * The first round of {@link DeviceSampler}'s rejection path in one call: float32 softmax of {@code logits * invT},
   * then {@link #draw}.
   *
   * @param logits (n, V) in any float type
   * @param invT (n, 1) float32 inverse temperatures
   * @param u (n, 1) float32 uniforms in [0, 1)
   * @param count whether to count the strictly more probable tokens too
   * @return the (n, V) float32 probabilities and {@link #draw}'s table, attached to the manager of {@code logits}
   */
  NDArray[] firstDraw(NDArray logits, NDArray invT, NDArray u, boolean count) {
    PtNDManager caller = (PtNDManager) logits.getManager();
    return call("first_draw", out -> out.toTensorArray(caller), IValue.from(pt(logits)), IValue.from(pt(invT)),
        IValue.from(pt(u)), IValue.from(count));
  }

  /**
   * One inverse-CDF draw per row (the same ops as {@link DeviceSampler#inverseCdf}) and the nucleus test of the
   * drawn token.
   *
   * @param p (n, V) float32 probabilities (unnormalised is fine)
   * @param u (n, 1) float32 uniforms in [0, 1)
   * @return (n, 2) float64, or (n, 3) with {@code count}: drawn id, mass of the strictly more probable tokens over
   *     the row's total, their count; attached to the manager of {@code p}
   */
  NDArray draw(NDArray p, NDArray u, boolean count) {
    PtNDManager caller = (PtNDManager) p.getManager();
    return call("draw", out -> out.toTensor(caller), IValue.from(pt(p)), IValue.from(pt(u)), IValue.from(count));
  }

  /** Runs one method of the module and converts its result; the arguments and the result are closed here. */
  private <T> T call(String method, java.util.function.Function<IValue, T> result, IValue... args) {
    try (IValue out = IValueUtils.runMethod(module, method, args)) {
      return result.apply(out);
    } finally {
      for (IValue v : args) {
        v.close();
      }
    }
  }

  private static PtNDArray pt(NDArray a) {
    return (PtNDArray) a;
  }

  private static PtNDArray[] pts(List<NDArray> list) {
    PtNDArray[] out = new PtNDArray[list.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = (PtNDArray) list.get(i);
    }
    return out;
  }

  /** Frees the compiled module (the model's manager also frees it when the model closes). */
  @Override
  public void close() {
    module.close();
  }

  /** The TorchScript archive: code/__torch__.py, data.pkl (the module object), constants.pkl, version. */
  private static synchronized byte[] archive() throws IOException {
    if (archive == null) {
      try (InputStream in = DecoderScript.class.getResourceAsStream("decoder.ts.py")) {
        if (in == null) {
          throw new IOException("resource io/srlm/model/decoder.ts.py is missing from the jar");
        }
        archive = archive(in.readAllBytes());
      }
    }
    return archive;
  }

  /** Compiles other code for the module (tests: a forward that fails at run time); throws if it cannot. */
  static DecoderScript compile(NDManager manager, String code) throws IOException {
    try (InputStream in = new ByteArrayInputStream(archive(code.getBytes(StandardCharsets.UTF_8)))) {
      return new DecoderScript(JniUtils.loadModule((PtNDManager) manager, in, true, false));
    }
  }

  private static byte[] archive(byte[] code) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      stored(zip, "data.pkl", moduleObject());
      stored(zip, "code/__torch__.py", code);
      stored(zip, "constants.pkl", new byte[] {(byte) 0x80, 2, ')', '.'}); // an empty tuple
      stored(zip, "version", "10\n".getBytes(StandardCharsets.US_ASCII));
    }
    return bytes.toByteArray();
  }

  /** Pickle (protocol 2) of an instance of __torch__.SrlmDecoder whose only attribute is training = False. */
  private static byte[] moduleObject() {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.write(0x80); // PROTO 2
    b.write(2);
    b.writeBytes(("c__torch__\n" + CLASS_NAME + "\n").getBytes(StandardCharsets.US_ASCII)); // GLOBAL
    b.write(')'); // EMPTY_TUPLE
    b.write(0x81); // NEWOBJ
    b.write('}'); // EMPTY_DICT
    b.write('('); // MARK
    byte[] key = "training".getBytes(StandardCharsets.US_ASCII);
    b.write('X'); // BINUNICODE, 4-byte little-endian length
    b.write(key.length);
    b.write(0);
    b.write(0);
    b.write(0);
    b.writeBytes(key);
    b.write(0x89); // NEWFALSE
    b.write('u'); // SETITEMS
    b.write('b'); // BUILD
    b.write('.'); // STOP
    return b.toByteArray();
  }

  private static void stored(ZipOutputStream zip, String name, byte[] data) throws IOException {
    ZipEntry e = new ZipEntry("archive/" + name);
    e.setMethod(ZipEntry.STORED);
    e.setSize(data.length);
    e.setCompressedSize(data.length);
    CRC32 crc = new CRC32();
    crc.update(data);
    e.setCrc(crc.getValue());
    zip.putNextEntry(e);
    zip.write(data);
    zip.closeEntry();
  }
}

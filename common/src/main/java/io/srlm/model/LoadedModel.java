package io.srlm.model;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.srlm.errors.Errors;
import io.srlm.model.tokenizer.Tokenizer;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * What every model kind loaded from an HF directory holds and how it is opened: the decoder ({@link LlamaModel})
 * and the tokenizer of a directory. {@link #open} sets the engine's threads, resolves device and precision, loads
 * the tokenizer (checked against the config's vocabulary) and a base manager for the weights, and hands them to the
 * kind's own weight reading; if that fails, both are closed and the error names the directory. Closing frees the
 * native weights, then the tokenizer.
 */
record LoadedModel(Path dir, LlamaModel model, Tokenizer tokenizer) implements AutoCloseable {
  /** What a model kind reads its weights with: the resolved device and precision, the tokenizer, the manager. */
  record Target(Device device, DataType dtype, Tokenizer tokenizer, NDManager manager) {}

  /** Opens {@code dir} for {@code build}, which reads the weights into {@code manager} and builds the model. */
  static <T> T open(Path dir, int vocabSize, EngineOptions opts, Function<Target, T> build) {
    Devices.threads(opts.threads());
    Device device = Devices.resolve(opts.device());
    DataType dtype = Devices.dtype(opts.dtype(), device);
    Tokenizer tok = Tokenizer.load(dir);
    NDManager manager = NDManager.newBaseManager(device);
    try {
      Tokenizer.checkAgainstModel(tok, vocabSize, dir.toString());
      return build.apply(new Target(device, dtype, tok, manager));
    } catch (RuntimeException e) {
      manager.close();
      tok.close();
      throw Errors.inModel(e, dir.toString());
    }
  }

  @Override
  public void close() {
    try {
      model.close();
    } finally {
      tokenizer.close();
    }
  }
}

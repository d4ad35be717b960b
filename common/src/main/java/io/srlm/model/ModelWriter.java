package io.srlm.model;

import ai.djl.ndarray.NDArray;
import io.srlm.errors.Errors;
import io.srlm.model.io.HfModelConfig;
import io.srlm.model.io.SafetensorsDtype;
import io.srlm.model.io.ShardedCheckpointWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;

/**
 * Writes a model's current weights as a full HF directory: config.json (the source's, with torch_dtype updated),
 * safetensors shards with HF names, and the tokenizer and generation files copied from the source directory.
 */
public final class ModelWriter {
  private static final List<String> COPIED = List.of("tokenizer.json", "tokenizer_config.json",
      "special_tokens_map.json", "generation_config.json", "tokenizer.model", "chat_template.jinja");
  /** Shard size: large enough that small models stay in one file, small enough for huge ones. */
  public static final long SHARD_BYTES = 4L << 30;

  private ModelWriter() {}

  /**
   * @param dtype F32, F16 or BF16 (what the files store; bf16 keeps a bf16 checkpoint's size)
   */
  public static void write(LlamaModel model, HfModelConfig config, Path sourceDir, Path out,
      SafetensorsDtype dtype) {
    try {
      Files.createDirectories(out);
      for (String f : COPIED) {
        Path src = sourceDir.resolve(f);
        if (Files.isRegularFile(src)) {
          Files.copy(src, out.resolve(f), StandardCopyOption.REPLACE_EXISTING);
        }
      }
    } catch (IOException e) {
      throw Errors.model(out.toString(), "cannot write the model directory (" + e.getMessage() + ")",
          "check free disk space and that storage.model_root is writable", e);
    }
    String torchDtype = switch (dtype) {
      case F32 -> "float32";
      case F16 -> "float16";
      case BF16 -> "bfloat16";
      default -> throw new IllegalArgumentException("not a float dtype: " + dtype);
    };
    config.with("torch_dtype", torchDtype).writeTo(out);
    ShardedCheckpointWriter w = new ShardedCheckpointWriter(SHARD_BYTES).metadata("format", "pt");
    for (Map.Entry<String, NDArray> e : model.weights().entrySet()) {
      w.add(e.getKey(), dtype, e.getValue());
    }
    w.write(out);
  }

  /** The dtype a checkpoint's config declares (bfloat16 stays bf16 on disk), defaulting to f32. */
  public static SafetensorsDtype storedDtype(HfModelConfig cfg) {
    String t = cfg.torchDtype() == null ? "float32" : cfg.torchDtype();
    return switch (t) {
      case "bfloat16" -> SafetensorsDtype.BF16;
      case "float16" -> SafetensorsDtype.F16;
      default -> SafetensorsDtype.F32;
    };
  }
}

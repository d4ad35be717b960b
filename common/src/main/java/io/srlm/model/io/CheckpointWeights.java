package io.srlm.model.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.JsonNode;
import io.srlm.errors.Errors;
import io.srlm.errors.SrlmException;
import io.srlm.util.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The weights of a local HF model directory: {@code model.safetensors.index.json} with its shards, or a single
 * {@code model.safetensors}. Pickle checkpoints ({@code .bin}, {@code .pt}, ...) are refused, since loading one
 * can run code. Every tensor the index names is checked to exist in its shard when the directory is opened.
 */
public final class CheckpointWeights implements AutoCloseable {
  private static final List<String> PICKLE_EXTENSIONS = List.of(".bin", ".pt", ".pth", ".ckpt");
  private static final String CONVERT = "convert it once in Python: "
      + "AutoModelForCausalLM.from_pretrained(dir).save_pretrained(out, safe_serialization=True), "
      + "then point srlm at out";

  private final Path dir;
  private final Map<String, SafetensorsFile> byTensor;
  private final List<SafetensorsFile> files;

  private CheckpointWeights(Path dir, Map<String, SafetensorsFile> byTensor, List<SafetensorsFile> files) {
    this.dir = dir;
    this.byTensor = byTensor;
    this.files = files;
  }

  /** Opens the weights in {@code dir}; a model error says what is missing or wrong. */
  public static CheckpointWeights open(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw Errors.model(dir.toString(), Files.exists(dir) ? "not a directory" : "model directory does not exist",
          "point the model setting at a directory holding config.json and model.safetensors (or its shards)");
    }
    Path index = dir.resolve(ShardedCheckpointWriter.INDEX_FILE);
    if (Files.isRegularFile(index)) {
      return openSharded(dir, index);
    }
    Path single = dir.resolve(ShardedCheckpointWriter.SINGLE_FILE);
    if (Files.isRegularFile(single)) {
      SafetensorsFile f = SafetensorsFile.open(single);
      Map<String, SafetensorsFile> byTensor = new LinkedHashMap<>();
      for (String n : f.names()) {
        byTensor.put(n, f);
      }
      return new CheckpointWeights(dir, byTensor, List.of(f));
    }
    throw noWeights(dir);
  }

  public Path dir() {
    return dir;
  }

  /** All tensor names: index order for a sharded checkpoint, file order for a single file. */
  public Set<String> names() {
    return Collections.unmodifiableSet(new LinkedHashSet<>(byTensor.keySet()));
  }

  public boolean contains(String name) {
    return byTensor.containsKey(name);
  }

  /** The header entry of {@code name}; a checkpoint error naming the tensor if the model has none. */
  public TensorInfo info(String name) {
    return fileFor(name).info(name);
  }

  /** The file that holds {@code name}. */
  public Path fileOf(String name) {
    return fileFor(name).path();
  }

  /** Loads {@code name} as a new {@code target} (FLOAT32 or FLOAT16) NDArray on {@code manager}. */
  public NDArray load(String name, NDManager manager, DataType target) {
    return fileFor(name).load(name, manager, target);
  }

  /**
   * Float tensors among {@code names} that cannot be narrowed to f16 (a bf16 or f32 checkpoint can hold values
   * beyond f16's +-65504, which would become infinity): tensor name to its largest such magnitude, in order.
   */
  public Map<String, Float> f16Overflows(Iterable<String> names) {
    Map<String, Float> out = new LinkedHashMap<>();
    for (String n : names) {
      float worst = fileFor(n).f16Overflow(n);
      if (worst > 0) {
        out.put(n, worst);
      }
    }
    return out;
  }

  /** All elements of {@code name} as float32; for small tensors and tests. */
  public float[] readFloats(String name) {
    return fileFor(name).readFloats(name);
  }

  @Override
  public void close() {
    closeAll(files, null);
  }

  private SafetensorsFile fileFor(String name) {
    SafetensorsFile f = byTensor.get(name);
    if (f == null) {
      throw Errors.checkpointTensor(dir.toString(), name, "the model has no tensor with this name",
          "check that config.json (model_type, tie_word_embeddings, layer count) matches the weights; the model "
              + "holds " + byTensor.size() + " tensors");
    }
    return f;
  }

  private static CheckpointWeights openSharded(Path dir, Path index) {
    Map<String, String> weightMap = readIndex(index);
    Map<String, SafetensorsFile> shards = new LinkedHashMap<>();
    List<SafetensorsFile> opened = new ArrayList<>();
    try {
      for (String shardName : new LinkedHashSet<>(weightMap.values())) {
        Path shard = dir.resolve(shardName);
        if (!Files.isRegularFile(shard)) {
          throw Errors.checkpoint(shard.toString(), "shard named in " + ShardedCheckpointWriter.INDEX_FILE
              + " is missing", "the download or copy is incomplete; fetch the whole model directory again");
        }
        SafetensorsFile f = SafetensorsFile.open(shard);
        opened.add(f);
        shards.put(shardName, f);
      }
      Map<String, SafetensorsFile> byTensor = new LinkedHashMap<>();
      for (Map.Entry<String, String> e : weightMap.entrySet()) {
        SafetensorsFile f = shards.get(e.getValue());
        if (!f.contains(e.getKey())) {
          throw Errors.checkpointTensor(f.path().toString(), e.getKey(), ShardedCheckpointWriter.INDEX_FILE
              + " maps this tensor to shard " + e.getValue() + ", but the shard does not contain it",
              "the index and shards come from different saves; fetch the whole model directory again");
        }
        byTensor.put(e.getKey(), f);
      }
      return new CheckpointWeights(dir, byTensor, List.copyOf(opened));
    } catch (RuntimeException e) {
      closeAll(opened, e);
      throw e;
    }
  }

  /** The index's weight_map, tensor to shard file name, in index order. */
  private static Map<String, String> readIndex(Path index) {
    String file = index.toString();
    String fix = "the index is corrupt; fetch the whole model directory again";
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(index.toFile());
    } catch (IOException e) {
      throw Errors.checkpoint(file, "cannot read the shard index as JSON: " + e.getMessage(), fix, e);
    }
    JsonNode map = root == null ? null : root.get("weight_map");
    if (map == null || !map.isObject() || map.isEmpty()) {
      throw Errors.checkpoint(file, "the shard index has no \"weight_map\" object of tensor -> shard file", fix);
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String shard = e.getValue().isTextual() ? e.getValue().textValue() : null;
      if (shard == null || !isPlainFileName(shard)) {
        throw Errors.checkpointTensor(file, e.getKey(), "weight_map entry " + e.getValue()
            + " is not a plain shard file name in the model directory", fix);
      }
      out.put(e.getKey(), shard);
    }
    return out;
  }

  private static boolean isPlainFileName(String name) {
    return !name.isEmpty() && !name.equals(".") && !name.equals("..") && name.indexOf('/') < 0
        && name.indexOf('\\') < 0 && name.indexOf('\0') < 0;
  }

  private static SrlmException noWeights(Path dir) {
    List<String> contents;
    try (Stream<Path> s = Files.list(dir)) {
      contents = s.map(p -> p.getFileName().toString()).sorted().toList();
    } catch (IOException e) {
      return Errors.model(dir.toString(), "no model.safetensors here, and the directory cannot be listed: " + e,
          "check that the directory is readable", e);
    }
    List<String> pickles = contents.stream()
        .filter(n -> PICKLE_EXTENSIONS.stream().anyMatch(ext -> n.toLowerCase(Locale.ROOT).endsWith(ext)))
        .toList();
    if (!pickles.isEmpty()) {
      return Errors.model(dir.toString(), "the weights are pickle checkpoints only (" + String.join(", ", pickles)
          + "). srlm loads safetensors only, because loading a pickle file can run arbitrary code", CONVERT);
    }
    if (contents.contains("adapter_config.json") || contents.contains("adapter_model.safetensors")) {
      return Errors.model(dir.toString(), "this is a PEFT adapter directory, not a full model",
          "point at the merged model directory, or merge the adapter into its base model first "
              + "(PeftModel.merge_and_unload(), then save_pretrained(out, safe_serialization=True))");
    }
    String listing = contents.isEmpty() ? "nothing"
        : String.join(", ", contents.stream().limit(30).toList()) + (contents.size() > 30 ? ", ..." : "");
    return Errors.model(dir.toString(), "no weights found: expected " + ShardedCheckpointWriter.SINGLE_FILE + " or "
        + ShardedCheckpointWriter.INDEX_FILE + ", but the directory holds " + listing,
        "the model directory is missing or only partly copied; fetch the whole model directory again");
  }

  private static void closeAll(List<SafetensorsFile> files, RuntimeException primary) {
    RuntimeException first = primary;
    for (SafetensorsFile f : files) {
      try {
        f.close();
      } catch (RuntimeException e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null && first != primary) {
      throw first;
    }
  }
}
